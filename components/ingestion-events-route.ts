// POST /events: the browser's collector endpoint. API Gateway writes the events straight to
// Kinesis with PutRecords (no Lambda in the hot path): the request model checks 1-500 events,
// a mapping template turns them into one record each (keyed by session, so a session's events
// stay in order on one shard), and the reply tells the client which records to resend.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { clickstreamEventJsonSchema, maxEventsPerRequest } from "../handlers/shared/clickstream-event";
import type { ApiRoute } from "./api";
import { apiGatewayTrustPolicy, policyDocument, PolicyStatement } from "./lib/iam";

export const eventsPath = "/events";

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

/**
 * VTL: the validated request body → a Kinesis PutRecords request. Data is the event's own JSON,
 * base64-encoded; the partition key is the event's sessionId, emitted with `$input.json` so it
 * is JSON-escaped whatever characters it holds.
 */
export function putRecordsRequestTemplate(streamName: string): string {
  return [
    "{",
    `  "StreamName": ${JSON.stringify(streamName)},`,
    '  "Records": [',
    "#foreach($event in $input.path('$.events'))",
    "    {",
    '      "Data": "$util.base64Encode($input.json("$.events[$foreach.index]"))",',
    '      "PartitionKey": $input.json("$.events[$foreach.index].sessionId")',
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
 * VTL: a Kinesis 4xx → a JSON error. Throttling (stream or KMS) is 429: resend later. A batch
 * Kinesis refuses as invalid (e.g. over 5 MiB) is 400. Anything else (access denied, stream or
 * key missing or disabled) is our misconfiguration, not the client's fault: 500, which the
 * API's 5XX alarm sees.
 */
export const kinesisClientErrorTemplate = [
  "#set($type = \"$!input.path('$.__type')\")",
  '#if($type.endsWith("ProvisionedThroughputExceededException") || $type.endsWith("ThrottlingException") || $type.endsWith("LimitExceededException"))',
  "#set($status = 429)",
  '#set($message = "The event stream is busy: resend the batch after a short backoff")',
  '#elseif($type.endsWith("ValidationException") || $type.endsWith("InvalidArgumentException"))',
  "#set($status = 400)",
  '#set($message = "The event stream refused the batch: events must total at most 5 MiB per request")',
  "#else",
  "#set($status = 500)",
  '#set($message = "The event stream cannot accept events right now")',
  "#end",
  "#set($context.responseOverride.status = $status)",
  '{"error":"$message","reason":"$util.escapeJavaScript($type)"}',
].join("\n");

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
    requestTemplates: json(putRecordsRequestTemplate(args.streamName)),
    responses: {
      "4\\d{2}": { statusCode: "200", responseParameters: cors, responseTemplates: json(kinesisClientErrorTemplate) },
      "5\\d{2}": { statusCode: "200", responseParameters: cors, responseTemplates: json(kinesisServerErrorTemplate) },
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

/** The role API Gateway assumes to call PutRecords, and the route that uses it. */
export function createEventsRoute(name: string, args: EventsRouteArgs, parent: pulumi.Resource): { route: ApiRoute; role: aws.iam.Role } {
  const role = new aws.iam.Role(`${name}-role`, {
    description: "API Gateway puts clickstream events on the Kinesis stream (POST /events)",
    assumeRolePolicy: apiGatewayTrustPolicy(),
  }, { parent });

  const statements: PolicyStatement[] = [
    { Sid: "PutEventsOnStream", Action: "kinesis:PutRecords", Resource: args.streamArn },
    {
      Sid: "EncryptStreamRecords",
      Action: "kms:GenerateDataKey",
      Resource: args.keyArn,
      Condition: { StringEquals: { "kms:ViaService": `kinesis.${args.region}.amazonaws.com` } },
    },
  ];
  const policy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy: policyDocument(statements) }, { parent });

  // The integration names the role only once its policy exists, so the first request after a
  // deploy is not refused.
  const roleArn = pulumi.all([role.arn, policy.id]).apply(([arn]) => arn);
  const integration = pulumi
    .all([args.streamName, roleArn, args.allowedOrigin, args.partition])
    .apply(([streamName, roleArnValue, allowedOrigin, partition]) =>
      putRecordsIntegration({ region: args.region, partition, streamName, roleArn: roleArnValue, allowedOrigin }));

  return {
    role,
    route: {
      path: eventsPath,
      method: "POST",
      authorization: "none",
      integration,
      bodySchema: eventsBodySchema(),
      throttle: args.throttle,
    },
  };
}
