// POST /events and POST /events/me: the browser's collector endpoints. API Gateway writes the
// events straight to Kinesis with PutRecords (no Lambda in the hot path): the request model
// checks 1-500 events, a mapping template turns them into one record each (keyed by session,
// so a session's events stay in order on one shard), and the reply tells the client which
// records to resend.
//
// Identity: an event's `userId` comes only from a verified token. `POST /events` is anonymous
// and drops any `userId` it is sent; `POST /events/me` sits behind the Cognito authorizer and
// sets `userId` from the ID token's `sub` (replacing whatever the browser sent). Nobody can
// write events in another user's name, so nobody can steer their recommendations.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { clickstreamEventJsonSchema, maxEventsPerRequest } from "../handlers/shared/clickstream-event";
import type { ApiRoute } from "./api";
import { apiGatewayTrustPolicy, policyDocument, type PolicyStatement } from "./lib/iam";

export const eventsPath = "/events";
export const signedInEventsPath = "/events/me";

/** The request model: `{ "events": [ <1 to 500 events> ] }`, each event the shared contract. */
export function eventsBodySchema(): { name: string; schema: Record<string, unknown> } {
  return {
    name: "ClickstreamEventBatch",
    schema: {
      type: "object",
      additionalProperties: false,
      required: ["events"],
      properties: {
        events: { type: "array", minItems: 1, maxItems: maxEventsPerRequest, items: clickstreamEventJsonSchema() },
      },
    },
  };
}

/** The fields a record carries from the browser's event: every field of the contract but `userId`. */
export const forwardedEventFields = Object.keys(
  clickstreamEventJsonSchema().properties as Record<string, unknown>,
).filter((f) => f !== "userId");

/** Who the events are from: nobody (anonymous) or the verified token's subject. */
export type EventsIdentity = "anonymous" | "token-subject";

/**
 * VTL: the validated request body → a Kinesis PutRecords request. Each record's data is the
 * event's JSON rebuilt from the contract's fields (an allow-list: `userId` is never copied from
 * the body), each value emitted with `$input.json` so it stays exactly as sent; for
 * "token-subject" the token's `sub` is added as `userId`. The partition key is the event's
 * sessionId, also emitted with `$input.json` so it is JSON-escaped.
 */
export function putRecordsRequestTemplate(streamName: string, identity: EventsIdentity = "anonymous"): string {
  const isForwarded = forwardedEventFields.map((f) => `$key == "${f}"`).join(" || ");
  return [
    "#set($q = '\"')",
    "{",
    `  "StreamName": ${JSON.stringify(streamName)},`,
    '  "Records": [',
    "#foreach($event in $input.path('$.events'))",
    "#set($i = $foreach.index)",
    '#set($data = "")',
    "#foreach($key in $event.keySet())",
    `#if(${isForwarded})`,
    '#set($value = $input.json("$.events[$i].$key"))',
    '#if($data != "")#set($data = "${data},")#end',
    '#set($data = "${data}${q}${key}${q}:${value}")',
    "#end",
    "#end",
    ...(identity === "token-subject"
      ? ['#set($data = "${data},${q}userId${q}:${q}$util.escapeJavaScript($context.authorizer.claims.sub)${q}")']
      : []),
    '#set($data = "{${data}}")',
    "    {",
    '      "Data": "$util.base64Encode($data)",',
    '      "PartitionKey": $input.json("$.events[$i].sessionId")',
    "    }#if($foreach.hasNext),#end",
    "#end",
    "  ]",
    "}",
  ].join("\n");
}

/**
 * VTL: a PutRecords reply (HTTP 200, possibly with FailedRecordCount > 0) → what the client
 * needs: how many records were accepted, how many failed, and the positions (in the request's
 * `events`) of those to resend.
 */
export const putRecordsResponseTemplate = [
  "#set($records = $input.path('$.Records'))",
  "#set($failedIndexes = [])",
  "#foreach($record in $records)",
  '#if("$!record.ErrorCode" != "")#set($discard = $failedIndexes.add($foreach.index))#end',
  "#end",
  "#set($accepted = $records.size() - $failedIndexes.size())",
  '{"accepted":$accepted,"failed":$input.path(\'$.FailedRecordCount\'),"failedIndexes":[#foreach($i in $failedIndexes)$i#if($foreach.hasNext),#end#end]}',
].join("\n");

/**
 * VTL: a Kinesis 4xx (other than 413) → a JSON error. Throttling (stream or KMS) is 429: resend
 * later. Kinesis refusing the request's size says which limit was hit: an event over 1 MiB
 * (a record's data) or all events over 5 MiB is 413, a sessionId over the partition key limit
 * is 400; another invalid request is 400. Anything else (access denied, stream or key missing
 * or disabled) is our misconfiguration, not the client's fault: 500, which the API's 5XX
 * alarm sees. (`indexOf`, not `contains`: both Java's and JavaScript's strings have it, so
 * the local gateway renders the same template.)
 */
export const kinesisClientErrorTemplate = [
  "#set($type = \"$!input.path('$.__type')\")",
  "#set($detail = \"$!input.path('$.message')$!input.path('$.Message')\")",
  '#if($type.endsWith("ProvisionedThroughputExceededException") || $type.endsWith("ThrottlingException") || $type.endsWith("LimitExceededException"))',
  "#set($status = 429)",
  '#set($message = "The event stream is busy: resend the batch after a short backoff")',
  '#elseif($type.endsWith("ValidationException") && $detail.indexOf("member.data") >= 0)',
  "#set($status = 413)",
  '#set($message = "An event is too large: each event is at most 1 MiB as JSON")',
  '#elseif($type.endsWith("ValidationException") && $detail.indexOf("member.partitionKey") >= 0)',
  "#set($status = 400)",
  '#set($message = "A sessionId is too long for the event stream: at most 128 characters of A-Z a-z 0-9 _ . : -")',
  '#elseif(($type.endsWith("InvalidArgumentException") || $type.endsWith("ValidationException")) && ($detail.indexOf("size") >= 0 || $detail.indexOf("MB") >= 0 || $detail.indexOf("MiB") >= 0))',
  "#set($status = 413)",
  '#set($message = "The events are too large together: a request holds at most 5 MiB of events")',
  '#elseif($type.endsWith("ValidationException") || $type.endsWith("InvalidArgumentException") || $type.endsWith("SerializationException"))',
  "#set($status = 400)",
  '#set($message = "The event stream refused the batch as invalid")',
  "#else",
  "#set($status = 500)",
  '#set($message = "The event stream cannot accept events right now")',
  "#end",
  "#set($context.responseOverride.status = $status)",
  '{"error":"$message","reason":"$util.escapeJavaScript($type)","detail":"$util.escapeJavaScript($detail)"}',
].join("\n");

/** VTL: Kinesis answering 413 (the request is larger than it reads) → a 413 naming the limits. */
export const kinesisTooLargeTemplate = [
  "#set($context.responseOverride.status = 413)",
  '{"error":"The events are too large: a request holds at most 5 MiB of events, each event at most 1 MiB as JSON","reason":"RequestEntityTooLarge"}',
].join("\n");

/**
 * Integration response selection patterns (matched against the whole status code): each
 * status matches at most one, so which template answers never depends on pattern order.
 */
export const integrationStatusPatterns = {
  tooLarge: "413",
  otherClientError: "4(?:0\\d|1[0-24-9]|[2-9]\\d)",
  serverError: "5\\d{2}",
} as const;

/** VTL: a Kinesis 5xx → 503 with a JSON error: a transient failure, resend the batch. */
export const kinesisServerErrorTemplate = [
  "#set($type = \"$!input.path('$.__type')\")",
  "#set($context.responseOverride.status = 503)",
  '{"error":"The event stream is temporarily unavailable: resend the batch after a short backoff","reason":"$util.escapeJavaScript($type)"}',
].join("\n");

/**
 * The `x-amazon-apigateway-integration` object. Every integration response maps to the
 * method's declared 200 response (which carries the CORS header); error replies set their
 * own status with `$context.responseOverride.status`.
 */
export function putRecordsIntegration(args: {
  region: string;
  partition: string;
  streamName: string;
  roleArn: string;
  allowedOrigin: string;
  identity?: EventsIdentity;
}): Record<string, unknown> {
  const cors = { "method.response.header.Access-Control-Allow-Origin": `'${args.allowedOrigin}'` };
  const json = (template: string) => ({ "application/json": template });
  return {
    type: "aws",
    httpMethod: "POST",
    uri: `arn:${args.partition}:apigateway:${args.region}:kinesis:action/PutRecords`,
    credentials: args.roleArn,
    // Only JSON bodies reach the template; anything else is refused with 415.
    passthroughBehavior: "never",
    requestParameters: { "integration.request.header.Content-Type": "'application/x-amz-json-1.1'" },
    requestTemplates: json(putRecordsRequestTemplate(args.streamName, args.identity ?? "anonymous")),
    responses: {
      [integrationStatusPatterns.tooLarge]: {
        statusCode: "200",
        responseParameters: cors,
        responseTemplates: json(kinesisTooLargeTemplate),
      },
      [integrationStatusPatterns.otherClientError]: {
        statusCode: "200",
        responseParameters: cors,
        responseTemplates: json(kinesisClientErrorTemplate),
      },
      [integrationStatusPatterns.serverError]: {
        statusCode: "200",
        responseParameters: cors,
        responseTemplates: json(kinesisServerErrorTemplate),
      },
      default: { statusCode: "200", responseParameters: cors, responseTemplates: json(putRecordsResponseTemplate) },
    },
  };
}

export interface EventsRouteArgs {
  streamName: pulumi.Input<string>;
  streamArn: pulumi.Input<string>;
  /** The stream's KMS key: producers need GenerateDataKey on it. */
  keyArn: pulumi.Input<string>;
  allowedOrigin: pulumi.Input<string>;
  region: string;
  partition: pulumi.Input<string>;
  throttle: { rateLimit: number; burstLimit: number };
}

/** The role API Gateway assumes to call PutRecords, and the two routes that use it. */
export function createEventsRoutes(
  name: string,
  args: EventsRouteArgs,
  parent: pulumi.Resource,
): { routes: ApiRoute[]; role: aws.iam.Role } {
  const role = new aws.iam.Role(
    `${name}-role`,
    {
      description: "API Gateway puts clickstream events on the Kinesis stream (POST /events, POST /events/me)",
      assumeRolePolicy: apiGatewayTrustPolicy(),
    },
    { parent },
  );

  const statements: PolicyStatement[] = [
    { Sid: "PutEventsOnStream", Action: "kinesis:PutRecords", Resource: args.streamArn },
    {
      Sid: "EncryptStreamRecords",
      Action: "kms:GenerateDataKey",
      Resource: args.keyArn,
      Condition: { StringEquals: { "kms:ViaService": `kinesis.${args.region}.amazonaws.com` } },
    },
  ];
  const policy = new aws.iam.RolePolicy(
    `${name}-policy`,
    { role: role.id, policy: policyDocument(statements) },
    { parent },
  );

  // The integration names the role only once its policy exists, so the first request after a
  // deploy is not refused.
  const roleArn = pulumi.all([role.arn, policy.id]).apply(([arn]) => arn);
  const integration = (identity: EventsIdentity) =>
    pulumi
      .all([args.streamName, roleArn, args.allowedOrigin, args.partition])
      .apply(([streamName, roleArnValue, allowedOrigin, partition]) =>
        putRecordsIntegration({
          region: args.region,
          partition,
          streamName,
          roleArn: roleArnValue,
          allowedOrigin,
          identity,
        }),
      );

  const route = (path: string, authorization: ApiRoute["authorization"], identity: EventsIdentity): ApiRoute => ({
    path,
    method: "POST",
    authorization,
    integration: integration(identity),
    bodySchema: eventsBodySchema(),
    throttle: args.throttle,
  });
  return {
    role,
    routes: [route(eventsPath, "none", "anonymous"), route(signedInEventsPath, "cognito", "token-subject")],
  };
}
