// Amazon Personalize GetRecommendations: a campaign ARN or a recommender ARN (the call takes
// either, by name), for an item ("customers also bought") or a user ("recommended for you").
import { GetRecommendationsCommand, type PersonalizeRuntimeClient } from "@aws-sdk/client-personalize-runtime";

/** Personalize answers at most 500 items per call. */
export const maxPersonalizeResults = 500;

export type PersonalizeSubject = { itemId: string } | { userId: string };

/** The item ids Personalize recommends for `subject`, best first. */
export async function personalizeRecommendations(
  client: Pick<PersonalizeRuntimeClient, "send">,
  arn: string,
  subject: PersonalizeSubject,
  numResults: number,
  abortSignal: AbortSignal,
): Promise<string[]> {
  const target = /:recommender\//.test(arn) ? { recommenderArn: arn } : { campaignArn: arn };
  const answer = await client.send(
    new GetRecommendationsCommand({ ...target, ...subject, numResults: Math.min(numResults, maxPersonalizeResults) }),
    { abortSignal },
  );
  return (answer.itemList ?? []).map((item) => item.itemId).filter((id): id is string => typeof id === "string");
}
