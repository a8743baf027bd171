// What to alarm on, per kind of moving part: one AlarmSpec per failure mode, with the metric,
// the threshold (from stack config where it differs per stage), how long it must last, what
// missing data means for that metric, and the runbook entry (README.md) to open first.
// Pure: no resources are created here; Monitoring turns each spec into a MetricAlarm.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "./config";
import type { DeadLetterQueue } from "./lib/dead-letter-queue";
import type { BundledFunction } from "./lib/function";

export type AlarmThresholds = Pick<PlatformConfig,
  "alarmDurationPercentOfTimeout" | "alarmIteratorAgeSeconds" | "alarmApi5xxPercent" | "alarmApiLatencyP99Ms" |
  "alarmFirehoseFreshnessSeconds" | "alarmSearchFreeStorageMb" | "alarmCloudFront5xxPercent">;

/** CloudFront publishes its metrics in us-east-1 only; its alarms (and their topic) live there. */
export const cloudFrontMetricsRegion = "us-east-1";

export type Comparison = "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";
/**
 * notBreaching: the metric is only published while there is traffic, so no data means "nothing
 * happened". breaching: the metric is published continuously while the part works, so no data
 * means it stopped.
 */
export type MissingData = "notBreaching" | "breaching";

export interface Metric {
  namespace: string;
  metricName: string;
  dimensions: Record<string, pulumi.Input<string>>;
  /** Sum, Average, Minimum, Maximum or a percentile such as p99. */
  stat: string;
}

/** A metric-math alarm: `expression` over the named metrics (ids are the keys). */
export interface MetricMath {
  expression: string;
  label: string;
  metrics: Record<string, Metric>;
}

/** How long a condition must hold: `datapointsToAlarm` of `evaluationPeriods` periods of `period` seconds. */
export interface Window { period: number; evaluationPeriods: number; datapointsToAlarm: number }

/** Fires on the first bad minute; clears after five clean ones. For things that must never happen. */
const firstOccurrence: Window = { period: 60, evaluationPeriods: 5, datapointsToAlarm: 1 };
/** Three bad minutes out of five: a burst the clients retry through does not page. */
const sustained: Window = { period: 60, evaluationPeriods: 5, datapointsToAlarm: 3 };
/** Two bad 5-minute periods out of three: percentiles need samples, a single slow spell is noise. */
const slow: Window = { period: 300, evaluationPeriods: 3, datapointsToAlarm: 2 };

export interface AlarmSpec {
  /** Unique, readable suffix of the alarm's resource name, e.g. "lambda-ingestion-processor-errors". */
  id: string;
  /** The alarm kind: its heading anchor in README.md (the runbook). */
  kind: AlarmKind;
  /** The resource, as named in the program (e.g. "ingestion-processor"). */
  resource: string;
  metric: Metric | MetricMath;
  window: Window;
  comparison: Comparison;
  threshold: number;
  treatMissingData: MissingData;
  /** Percentile alarms: leave the state alone when too few samples make a percentile meaningless. */
  lowSampleCountPercentiles?: "ignore";
  /** The metric's region when it is not the stack's (CloudFront). */
  region?: string;
}

/** Every alarm kind, with what it means and the first thing to check (also in README.md). */
export const alarmKinds = {
  "lambda-errors": { means: "the function threw, timed out or ran out of memory", check: "the function's log group (level ERROR) and its X-Ray traces" },
  "lambda-throttles": { means: "invocations were refused for lack of concurrency", check: "the account's concurrent executions and the function's reserved concurrency" },
  "lambda-duration": { means: "the slowest invocations come close to the timeout", check: "X-Ray traces of slow invocations: which downstream call is slow" },
  "lambda-iterator-age": { means: "the function reads its stream late: records wait before processing", check: "the function's Errors and Duration; a poison record being retried; batch size" },
  "dlq-messages": { means: "records or batches were given up on and parked in a dead-letter queue", check: "receive a message from the queue: it names the batch/records and the error" },
  "kinesis-iterator-age": { means: "the oldest unread record in the stream is getting old (or nobody reads the stream)", check: "the consumer Lambda's Errors, Throttles and IteratorAge; its event source mapping state" },
  "kinesis-write-throttled": { means: "PutRecords calls were refused: the stream is at its write capacity", check: "IncomingRecords/IncomingBytes per shard; add shards or use ON_DEMAND" },
  "kinesis-read-throttled": { means: "GetRecords calls were refused: too many readers per shard", check: "the number of consumers and the parallelization factor" },
  "firehose-freshness": { means: "records wait in Firehose longer than they should before reaching the lake", check: "DeliveryToS3.Success and the delivery stream's error log (S3 or KMS access)" },
  "firehose-delivery-failed": { means: "Firehose failed to write to the data lake bucket", check: "the delivery error log group: S3 AccessDenied or KMS errors on the lake bucket" },
  "api-5xx-rate": { means: "the API answers a share of requests with server errors", check: "the API access log (status, integrationStatus, errorMessage) and the Lambda errors" },
  "api-latency": { means: "the API's slowest requests are too slow", check: "IntegrationLatency vs Latency; the order function's Duration and DynamoDB latency" },
  "dynamodb-read-throttled": { means: "reads of the table were throttled", check: "ConsumedReadCapacityUnits per partition key (hot key) and the table's capacity mode" },
  "dynamodb-write-throttled": { means: "writes to the table were throttled", check: "ConsumedWriteCapacityUnits and hot partition keys" },
  "dynamodb-system-errors": { means: "DynamoDB answered with internal server errors (HTTP 500)", check: "the AWS Health Dashboard for DynamoDB in this region; the SDK retries them" },
  "search-red": { means: "at least one primary shard is unassigned (or the domain stopped reporting its status)", check: "GET _cluster/allocation/explain; FreeStorageSpace and node count" },
  "search-yellow": { means: "replica shards have stayed unassigned for ten minutes", check: "GET _cluster/allocation/explain; a node lost or disk watermarks" },
  "search-free-storage": { means: "a data node is running out of disk", check: "index sizes (GET _cat/indices); delete old data or grow the EBS volume" },
  "search-jvm-pressure": { means: "a node's JVM heap is nearly full: garbage collection stalls and circuit breakers trip", check: "expensive queries (search slow log) and shard count; scale the instance type" },
  "search-writes-blocked": { means: "the domain refuses writes (disk full, or a write block set)", check: "FreeStorageSpace; GET _cluster/settings for index.blocks.write" },
  "cloudfront-5xx-rate": { means: "the storefront distribution answers a share of requests with server errors", check: "the origin bucket policy (OAC) and the CloudFront access logs / origin status" },
} as const;
export type AlarmKind = keyof typeof alarmKinds;

const slug = (name: string) => name.replace(/[^a-zA-Z0-9-]+/g, "-");

/** The p99 duration a function alarms above: the configured share of its own timeout. */
export const durationThresholdMs = (fn: BundledFunction, t: AlarmThresholds) =>
  Math.round(fn.timeoutSeconds * 1000 * t.alarmDurationPercentOfTimeout / 100);

export function lambdaAlarms(fn: BundledFunction, t: AlarmThresholds, consumesStream: boolean): AlarmSpec[] {
  const resource = pulumi.resourceName(fn);
  const metric = (metricName: string, stat: string): Metric => ({ namespace: "AWS/Lambda", metricName, dimensions: { FunctionName: fn.function.name }, stat });
  const id = (suffix: string) => `lambda-${slug(resource)}-${suffix}`;
  const specs: AlarmSpec[] = [
    { id: id("errors"), kind: "lambda-errors", resource, metric: metric("Errors", "Sum"), window: firstOccurrence, comparison: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching" },
    { id: id("throttles"), kind: "lambda-throttles", resource, metric: metric("Throttles", "Sum"), window: sustained, comparison: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching" },
    {
      id: id("duration"), kind: "lambda-duration", resource, metric: metric("Duration", "p99"), window: slow,
      comparison: "GreaterThanThreshold",
      threshold: durationThresholdMs(fn, t),
      treatMissingData: "notBreaching",
      // Timeouts are also Errors, so a rarely invoked function that times out still alarms.
      lowSampleCountPercentiles: "ignore",
    },
  ];
  if (consumesStream) {
    specs.push({
      id: id("iterator-age"), kind: "lambda-iterator-age", resource, metric: metric("IteratorAge", "Maximum"), window: sustained,
      comparison: "GreaterThanThreshold", threshold: t.alarmIteratorAgeSeconds * 1000,
      // Published only when the mapping invokes the function; an idle table stream has none.
      treatMissingData: "notBreaching",
    });
  }
  return specs;
}

export function deadLetterQueueAlarms(dlq: DeadLetterQueue): AlarmSpec[] {
  const resource = pulumi.resourceName(dlq);
  return [{
    id: `sqs-${slug(resource)}-messages`, kind: "dlq-messages", resource,
    metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: dlq.queue.name }, stat: "Maximum" },
    // Stays in ALARM until someone has looked at and redriven or removed the messages.
    window: { period: 60, evaluationPeriods: 1, datapointsToAlarm: 1 },
    comparison: "GreaterThanThreshold", threshold: 0,
    // SQS stops publishing for a queue idle for hours: no data means an empty, unused queue.
    treatMissingData: "notBreaching",
  }];
}

export function streamAlarms(stream: aws.kinesis.Stream, t: AlarmThresholds): AlarmSpec[] {
  const resource = pulumi.resourceName(stream);
  const metric = (metricName: string, stat: string): Metric => ({ namespace: "AWS/Kinesis", metricName, dimensions: { StreamName: stream.name }, stat });
  const id = (suffix: string) => `kinesis-${slug(resource)}-${suffix}`;
  return [
    {
      id: id("iterator-age"), kind: "kinesis-iterator-age", resource, metric: metric("GetRecords.IteratorAgeMilliseconds", "Maximum"), window: sustained,
      comparison: "GreaterThanThreshold", threshold: t.alarmIteratorAgeSeconds * 1000,
      // The Lambda event source polls every shard each second, idle or not, so this metric is
      // always there while the stream is read: its absence means nobody reads the stream.
      treatMissingData: "breaching",
    },
    { id: id("write-throttled"), kind: "kinesis-write-throttled", resource, metric: metric("WriteProvisionedThroughputExceeded", "Sum"), window: sustained, comparison: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching" },
    { id: id("read-throttled"), kind: "kinesis-read-throttled", resource, metric: metric("ReadProvisionedThroughputExceeded", "Sum"), window: sustained, comparison: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching" },
  ];
}

export function deliveryStreamAlarms(delivery: aws.kinesis.FirehoseDeliveryStream, t: AlarmThresholds): AlarmSpec[] {
  const resource = pulumi.resourceName(delivery);
  const metric = (metricName: string, stat: string): Metric => ({ namespace: "AWS/Firehose", metricName, dimensions: { DeliveryStreamName: delivery.name }, stat });
  const id = (suffix: string) => `firehose-${slug(resource)}-${suffix}`;
  return [
    {
      id: id("freshness"), kind: "firehose-freshness", resource, metric: metric("DeliveryToS3.DataFreshness", "Maximum"),
      // The age of the oldest undelivered record already accumulates time: one period says it.
      window: { period: 300, evaluationPeriods: 1, datapointsToAlarm: 1 },
      comparison: "GreaterThanThreshold", threshold: t.alarmFirehoseFreshnessSeconds,
      // Published only while Firehose holds records; records it cannot deliver keep it published
      // (and growing), so no data means an empty buffer, not a broken delivery.
      treatMissingData: "notBreaching",
    },
    {
      id: id("delivery-failed"), kind: "firehose-delivery-failed", resource, metric: metric("DeliveryToS3.Success", "Average"), window: slow,
      comparison: "LessThanThreshold", threshold: 1,
      treatMissingData: "notBreaching",
    },
  ];
}

export function restApiAlarms(api: { restApi: aws.apigateway.RestApi; stage: aws.apigateway.Stage }, t: AlarmThresholds): AlarmSpec[] {
  const resource = pulumi.resourceName(api.restApi);
  const dimensions = { ApiName: api.restApi.name, Stage: api.stage.stageName };
  const metric = (metricName: string, stat: string): Metric => ({ namespace: "AWS/ApiGateway", metricName, dimensions, stat });
  const id = (suffix: string) => `api-${slug(resource)}-${suffix}`;
  return [
    {
      id: id("5xx-rate"), kind: "api-5xx-rate", resource,
      metric: { expression: "100 * errors / requests", label: "5XX responses (% of requests)", metrics: { errors: metric("5XXError", "Sum"), requests: metric("Count", "Sum") } },
      window: sustained, comparison: "GreaterThanThreshold", threshold: t.alarmApi5xxPercent,
      treatMissingData: "notBreaching",
    },
    {
      id: id("latency-p99"), kind: "api-latency", resource, metric: metric("Latency", "p99"), window: slow,
      comparison: "GreaterThanThreshold", threshold: t.alarmApiLatencyP99Ms, treatMissingData: "notBreaching", lowSampleCountPercentiles: "ignore",
    },
  ];
}

/**
 * The data-plane operations whose SystemErrors are summed into one alarm per table. A metric-math
 * alarm may read at most 10 metrics (a hard CloudWatch limit: PutMetricAlarm refuses more), so
 * this lists ten: TransactGetItems, which nothing in the platform calls, is left out.
 */
export const dynamoDbOperations = [
  "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem", "TransactWriteItems", "GetRecords",
] as const;

export function tableAlarms(table: aws.dynamodb.Table): AlarmSpec[] {
  const resource = pulumi.resourceName(table);
  const metric = (metricName: string, stat: string, extra: Record<string, string> = {}): Metric =>
    ({ namespace: "AWS/DynamoDB", metricName, dimensions: { TableName: table.name, ...extra }, stat });
  const id = (suffix: string) => `dynamodb-${slug(resource)}-${suffix}`;
  // SystemErrors exists only per (table, operation): sum the operations in one expression.
  const systemErrors = Object.fromEntries(dynamoDbOperations.map((op) => [`e${op.toLowerCase()}`, metric("SystemErrors", "Sum", { Operation: op })]));
  return [
    { id: id("read-throttled"), kind: "dynamodb-read-throttled", resource, metric: metric("ReadThrottleEvents", "Sum"), window: sustained, comparison: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching" },
    { id: id("write-throttled"), kind: "dynamodb-write-throttled", resource, metric: metric("WriteThrottleEvents", "Sum"), window: sustained, comparison: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching" },
    {
      id: id("system-errors"), kind: "dynamodb-system-errors", resource,
      metric: { expression: `SUM([${Object.keys(systemErrors).join(", ")}])`, label: "SystemErrors (all operations)", metrics: systemErrors },
      window: firstOccurrence, comparison: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching",
    },
  ];
}

export function searchDomainAlarms(domain: aws.opensearch.Domain, accountId: pulumi.Input<string>, t: AlarmThresholds): AlarmSpec[] {
  const resource = pulumi.resourceName(domain);
  const metric = (metricName: string, stat: string): Metric => ({ namespace: "AWS/ES", metricName, dimensions: { DomainName: domain.domainName, ClientId: accountId }, stat });
  const id = (suffix: string) => `search-${slug(resource)}-${suffix}`;
  return [
    {
      id: id("red"), kind: "search-red", resource, metric: metric("ClusterStatus.red", "Maximum"),
      window: { period: 60, evaluationPeriods: 3, datapointsToAlarm: 2 }, comparison: "GreaterThanOrEqualToThreshold", threshold: 1,
      // The domain reports its status every minute; a domain that stops reporting is not healthy.
      treatMissingData: "breaching",
    },
    {
      id: id("yellow"), kind: "search-yellow", resource, metric: metric("ClusterStatus.yellow", "Maximum"),
      // Replicas are briefly unassigned whenever shards relocate: only a lasting yellow counts.
      window: { period: 300, evaluationPeriods: 2, datapointsToAlarm: 2 }, comparison: "GreaterThanOrEqualToThreshold", threshold: 1,
      treatMissingData: "notBreaching",
    },
    {
      id: id("free-storage"), kind: "search-free-storage", resource, metric: metric("FreeStorageSpace", "Minimum"),
      window: { period: 300, evaluationPeriods: 1, datapointsToAlarm: 1 }, comparison: "LessThanOrEqualToThreshold", threshold: t.alarmSearchFreeStorageMb,
      treatMissingData: "notBreaching",
    },
    {
      // AWS's recommended alarm: 95% or more for three consecutive minutes.
      id: id("jvm-pressure"), kind: "search-jvm-pressure", resource, metric: metric("JVMMemoryPressure", "Maximum"),
      window: { period: 60, evaluationPeriods: 3, datapointsToAlarm: 3 }, comparison: "GreaterThanOrEqualToThreshold", threshold: 95,
      treatMissingData: "notBreaching",
    },
    {
      id: id("writes-blocked"), kind: "search-writes-blocked", resource, metric: metric("ClusterIndexWritesBlocked", "Maximum"),
      window: { period: 300, evaluationPeriods: 1, datapointsToAlarm: 1 }, comparison: "GreaterThanOrEqualToThreshold", threshold: 1,
      treatMissingData: "notBreaching",
    },
  ];
}

export function distributionAlarms(distribution: aws.cloudfront.Distribution, t: AlarmThresholds): AlarmSpec[] {
  const resource = pulumi.resourceName(distribution);
  return [{
    id: `cloudfront-${slug(resource)}-5xx-rate`, kind: "cloudfront-5xx-rate", resource,
    // Already a percentage of requests.
    metric: { namespace: "AWS/CloudFront", metricName: "5xxErrorRate", dimensions: { DistributionId: distribution.id, Region: "Global" }, stat: "Average" },
    window: sustained, comparison: "GreaterThanThreshold", threshold: t.alarmCloudFront5xxPercent,
    treatMissingData: "notBreaching",
    region: cloudFrontMetricsRegion,
  }];
}

const comparisonWords: Record<Comparison, string> = {
  GreaterThanThreshold: ">",
  GreaterThanOrEqualToThreshold: ">=",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "<=",
};

/** The alarm's description: what it watches, what it means, where to look first, the runbook. */
export function describeAlarm(spec: AlarmSpec): string {
  const { means, check } = alarmKinds[spec.kind];
  const what = "expression" in spec.metric ? spec.metric.label : `${spec.metric.metricName} (${spec.metric.stat})`;
  const w = spec.window;
  const when = `${what} ${comparisonWords[spec.comparison]} ${spec.threshold} in ${w.datapointsToAlarm} of ${w.evaluationPeriods} periods of ${w.period}s`;
  return `${spec.resource}: ${means}. Fires when ${when}. First check: ${check}. Runbook: README.md#${spec.kind}`;
}
