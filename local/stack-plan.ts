// Typed views of the rendered stack: what local mode needs to know about each resource, read
// from the inputs the program gave it and the state the mocks computed (physical names, ARNs,
// URLs). Nothing here is configured by hand: change a component and local mode follows.
import type { RenderedResource, RenderedStack } from "./render";
import type { MappingSettings } from "./streams/batches";

const ofType = (stack: RenderedStack, type: string) => stack.resources.filter((r) => r.type === type);

function single(stack: RenderedStack, type: string): RenderedResource {
  const found = ofType(stack, type);
  if (found.length !== 1) throw new Error(`local mode expects one ${type}, the program registers ${found.length}`);
  return found[0];
}

export interface TablePlan {
  name: string;
  arn: string;
  hashKey: string;
  rangeKey?: string;
  attributes: { name: string; type: string }[];
  globalSecondaryIndexes: {
    name: string;
    hashKey: string;
    rangeKey?: string;
    projectionType: string;
    nonKeyAttributes?: string[];
  }[];
  streamViewType?: string;
  streamArn?: string;
  ttlAttribute?: string;
  /** TableItem resources seeding it (attribute-value JSON). */
  items: string[];
}

export function tables(stack: RenderedStack): TablePlan[] {
  const items = ofType(stack, "aws:dynamodb/tableItem:TableItem");
  return ofType(stack, "aws:dynamodb/table:Table").map((t) => ({
    name: t.state.name,
    arn: t.state.arn,
    hashKey: t.inputs.hashKey,
    rangeKey: t.inputs.rangeKey,
    attributes: t.inputs.attributes ?? [],
    globalSecondaryIndexes: t.inputs.globalSecondaryIndexes ?? [],
    streamViewType: t.inputs.streamEnabled ? t.inputs.streamViewType : undefined,
    streamArn: t.state.streamArn,
    ttlAttribute: t.inputs.ttl?.enabled ? t.inputs.ttl.attributeName : undefined,
    items: items.filter((i) => i.inputs.tableName === t.state.name).map((i) => i.inputs.item),
  }));
}

export interface StreamPlan {
  name: string;
  arn: string;
  shardCount: number;
}

/** Kinesis streams; an on-demand stream starts with 4 shards, as AWS creates it. */
export function kinesisStreams(stack: RenderedStack): StreamPlan[] {
  return ofType(stack, "aws:kinesis/stream:Stream").map((s) => ({
    name: s.state.name,
    arn: s.state.arn,
    shardCount: s.inputs.streamModeDetails?.streamMode === "PROVISIONED" ? s.inputs.shardCount : 4,
  }));
}

export const buckets = (stack: RenderedStack): string[] =>
  ofType(stack, "aws:s3/bucket:Bucket").map((b) => b.state.bucket);

export interface QueuePlan {
  name: string;
  arn: string;
  url: string;
  messageRetentionSeconds?: number;
}

export const queues = (stack: RenderedStack): QueuePlan[] =>
  ofType(stack, "aws:sqs/queue:Queue").map((q) => ({
    name: q.state.name,
    arn: q.state.arn,
    url: q.state.url,
    messageRetentionSeconds: q.inputs.messageRetentionSeconds,
  }));

export interface FunctionPlan {
  logicalName: string;
  name: string;
  arn: string;
  roleArn: string;
  code: string;
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
  logGroup?: string;
  logFormat?: string;
  applicationLogLevel?: string;
}

export function functions(stack: RenderedStack): FunctionPlan[] {
  return ofType(stack, "aws:lambda/function:Function").map((f) => ({
    logicalName: f.name,
    name: f.state.name,
    arn: f.state.arn,
    roleArn: f.inputs.role,
    code: f.code!,
    handler: f.inputs.handler,
    timeoutSeconds: f.inputs.timeout,
    memoryMb: f.inputs.memorySize,
    environment: f.inputs.environment?.variables ?? {},
    logGroup: f.inputs.loggingConfig?.logGroup,
    logFormat: f.inputs.loggingConfig?.logFormat,
    applicationLogLevel: f.inputs.loggingConfig?.applicationLogLevel,
  }));
}

/** Functions the program only invokes while deploying (aws.lambda.Invocation), by ARN or name. */
export const deployTimeInvocations = (stack: RenderedStack): string[] =>
  ofType(stack, "aws:lambda/invocation:Invocation").map((i) => i.inputs.functionName);

export interface MappingPlan extends MappingSettings {
  name: string;
  functionArn: string;
  eventSourceArn: string;
  onFailureArn?: string;
  startingPosition: string;
}

export const eventSourceMappings = (stack: RenderedStack): MappingPlan[] =>
  ofType(stack, "aws:lambda/eventSourceMapping:EventSourceMapping").map((m) => ({
    name: m.name,
    functionArn: m.inputs.functionName,
    eventSourceArn: m.inputs.eventSourceArn,
    batchSize: m.inputs.batchSize ?? 100,
    batchWindowSeconds: m.inputs.maximumBatchingWindowInSeconds ?? 0,
    maximumRetryAttempts: m.inputs.maximumRetryAttempts ?? -1,
    maximumRecordAgeSeconds: m.inputs.maximumRecordAgeInSeconds ?? -1,
    bisectBatchOnFunctionError: Boolean(m.inputs.bisectBatchOnFunctionError),
    reportBatchItemFailures: (m.inputs.functionResponseTypes ?? []).includes("ReportBatchItemFailures"),
    onFailureArn: m.inputs.destinationConfig?.onFailure?.destinationArn,
    startingPosition: m.inputs.startingPosition,
  }));

export interface DeliveryStreamPlan {
  name: string;
  arn: string;
  bucket: string;
  prefix: string;
  errorOutputPrefix: string;
  compressionFormat: string;
}

export const deliveryStreams = (stack: RenderedStack): DeliveryStreamPlan[] =>
  ofType(stack, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream").map((d) => {
    const s3 = d.inputs.extendedS3Configuration;
    return {
      name: d.state.name,
      arn: d.state.arn,
      bucket: String(s3.bucketArn).replace("arn:aws:s3:::", ""),
      prefix: s3.prefix ?? "",
      errorOutputPrefix: s3.errorOutputPrefix ?? "",
      compressionFormat: s3.compressionFormat ?? "UNCOMPRESSED",
    };
  });

export function userPool(stack: RenderedStack) {
  const pool = single(stack, "aws:cognito/userPool:UserPool");
  const client = single(stack, "aws:cognito/userPoolClient:UserPoolClient");
  return {
    name: pool.state.name as string,
    usernameAttributes: (pool.inputs.usernameAttributes ?? []) as string[],
    passwordPolicy: pool.inputs.passwordPolicy as { minimumLength?: number } | undefined,
    client: client.inputs,
    clientName: client.state.name as string,
    groups: ofType(stack, "aws:cognito/userGroup:UserGroup").map((g) => ({
      name: g.inputs.name as string,
      description: g.inputs.description as string | undefined,
    })),
  };
}

export function restApi(stack: RenderedStack): { document: string; stageName: string } {
  return {
    document: single(stack, "aws:apigateway/restApiPut:RestApiPut").inputs.body,
    stageName: single(stack, "aws:apigateway/stage:Stage").inputs.stageName,
  };
}

/** The config.json the storefront publishes, with the cloud's values. */
export function siteConfig(stack: RenderedStack): Record<string, string> {
  const object = ofType(stack, "aws:s3/bucketObjectv2:BucketObjectv2").find((o) => o.inputs.key === "config.json");
  if (!object) throw new Error("the program publishes no config.json");
  return JSON.parse(object.inputs.content);
}

export const stackConfig = (stack: RenderedStack, key: string): string | undefined => stack.outputs[key];

export interface NamedQueryPlan {
  name: string;
  database: string;
  workgroup: string;
  sql: string;
}

/** The Athena workgroup's named queries (local mode's Athena stand-in runs them on DuckDB). */
export const namedQueries = (stack: RenderedStack): NamedQueryPlan[] =>
  ofType(stack, "aws:athena/namedQuery:NamedQuery").map((q) => ({
    name: q.inputs.name,
    database: q.inputs.database,
    workgroup: q.inputs.workgroup,
    sql: q.inputs.query,
  }));
