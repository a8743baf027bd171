// SearchAccess Lambda: invoked once per deployment (aws.lambda.Invocation) with the domain
// endpoint and the IAM roles to map. Its own role is the domain's fine-grained-access master
// user; it runs inside the VPC because the domain has no public endpoint.
import { Logger } from "@aws-lambda-powertools/logger";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import * as z from "zod";
import { accessRequestSchema, AppliedChange, applySearchAccess, SecurityApi } from "./security";

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "search-access" });
const region = z.string().min(1, { error: "AWS_REGION is required" }).parse(process.env.AWS_REGION);

/** A SigV4-signed client for the given endpoint, as a SecurityApi. */
export function signedSecurityApi(endpoint: string, getCredentials = defaultProvider()): SecurityApi {
  const client = new Client({
    ...AwsSigv4Signer({ region, service: "es", getCredentials }),
    node: endpoint,
    requestTimeout: 10_000,
    maxRetries: 2,
  });
  const send = async (path: string, body: object) => {
    // ignore: every status comes back as a response; applySearchAccess judges it.
    const response = await client.transport.request({ method: "PUT", path, body }, { ignore: [400, 401, 403, 404, 409, 500, 502, 503, 504] });
    return { statusCode: response.statusCode ?? 0, body: response.body };
  };
  return {
    async put(path, body) {
      // A domain that has just been created may answer 5xx for a while: back off and retry
      // (up to 30 s per request; the function has 60 s) before failing the deployment.
      let response = await send(path, body);
      for (let attempt = 0; response.statusCode >= 500 && attempt < retryDelaysMs.length; attempt++) {
        await new Promise((resume) => setTimeout(resume, retryDelaysMs[attempt]));
        response = await send(path, body);
      }
      return response;
    },
  };
}

/** Waits between attempts when the domain answers 5xx; tests may shorten them. */
export const retryDelaysMs = [1_000, 2_000, 4_000, 8_000, 15_000];

export async function handler(event: unknown): Promise<{ applied: AppliedChange[] }> {
  const parsed = accessRequestSchema.safeParse(event);
  if (!parsed.success) throw new Error(`search-access input is invalid: ${z.prettifyError(parsed.error)}`);
  const applied = await applySearchAccess(signedSecurityApi(parsed.data.endpoint), parsed.data);
  logger.info("search access applied", { applied, indexerRoleArns: parsed.data.indexerRoleArns, readerRoleArns: parsed.data.readerRoleArns });
  return { applied };
}
