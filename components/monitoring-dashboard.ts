// The operations dashboard: alarm states at the top, then one row per moving part with its
// golden signals (traffic, errors, latency, saturation, backlog), built from the same targets
// as the alarms so a new function, stream, table or domain shows up without editing this.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { cloudFrontMetricsRegion, dynamoDbOperations } from "./monitoring-alarms";
import type { DeadLetterQueue } from "./lib/dead-letter-queue";
import type { BundledFunction } from "./lib/function";

/** A metric line: namespace, name, dimension name/value pairs, then rendering options. */
type MetricLine = pulumi.Input<string | Record<string, unknown>>[];

interface Graph {
  title: string;
  metrics: MetricLine[];
  /** Horizontal lines, e.g. the alarm threshold or the timeout. */
  lines?: { label: string; value: number }[];
  region?: string;
  period?: number;
}

export interface DashboardTargets {
  functions: { fn: BundledFunction; consumesStream: boolean; durationThresholdMs: number }[];
  deadLetterQueues: DeadLetterQueue[];
  streams: aws.kinesis.Stream[];
  deliveryStreams: aws.kinesis.FirehoseDeliveryStream[];
  tables: aws.dynamodb.Table[];
  searchDomains: aws.opensearch.Domain[];
  restApis: { restApi: aws.apigateway.RestApi; stage: aws.apigateway.Stage }[];
  distributions: aws.cloudfront.Distribution[];
}

export interface DashboardThresholds {
  iteratorAgeMs: number;
  apiLatencyP99Ms: number;
  api5xxPercent: number;
  firehoseFreshnessSeconds: number;
  searchFreeStorageMb: number;
  cloudFront5xxPercent: number;
}

const line = (namespace: string, metricName: string, dims: [string, pulumi.Input<string>][], stat: string, label?: string): MetricLine =>
  [namespace, metricName, ...dims.flat(), { stat, ...(label ? { label } : {}) }];

function lambdaRow(f: DashboardTargets["functions"][number], t: DashboardThresholds): Graph[] {
  const name = pulumi.resourceName(f.fn);
  const dims: [string, pulumi.Input<string>][] = [["FunctionName", f.fn.function.name]];
  const m = (metric: string, stat: string, label?: string) => line("AWS/Lambda", metric, dims, stat, label);
  return [
    { title: `${name}: invocations`, metrics: [m("Invocations", "Sum")] },
    { title: `${name}: errors and throttles`, metrics: [m("Errors", "Sum"), m("Throttles", "Sum")] },
    {
      title: `${name}: duration (ms)`,
      metrics: [m("Duration", "p50", "p50"), m("Duration", "p99", "p99")],
      lines: [{ label: "alarm (p99)", value: f.durationThresholdMs }, { label: "timeout", value: f.fn.timeoutSeconds * 1000 }],
    },
    f.consumesStream
      ? { title: `${name}: concurrency and stream lag (ms)`, metrics: [m("ConcurrentExecutions", "Maximum"), m("IteratorAge", "Maximum")], lines: [{ label: "alarm (iterator age)", value: t.iteratorAgeMs }] }
      : { title: `${name}: concurrency`, metrics: [m("ConcurrentExecutions", "Maximum")] },
  ];
}

function apiRow(api: DashboardTargets["restApis"][number], t: DashboardThresholds): Graph[] {
  const name = pulumi.resourceName(api.restApi);
  const dims: [string, pulumi.Input<string>][] = [["ApiName", api.restApi.name], ["Stage", api.stage.stageName]];
  const m = (metric: string, stat: string, label?: string) => line("AWS/ApiGateway", metric, dims, stat, label);
  return [
    { title: `${name}: requests`, metrics: [m("Count", "Sum")] },
    { title: `${name}: 4XX and 5XX responses`, metrics: [m("4XXError", "Sum"), m("5XXError", "Sum")] },
    {
      title: `${name}: latency (ms)`,
      metrics: [m("Latency", "p50", "p50"), m("Latency", "p99", "p99"), m("IntegrationLatency", "p99", "integration p99")],
      lines: [{ label: "alarm (p99)", value: t.apiLatencyP99Ms }],
      period: 300,
    },
    { title: `${name}: 5XX share (alarm at ${t.api5xxPercent}%)`, metrics: [m("5XXError", "Average", "5XX share (0-1)")] },
  ];
}

function streamRow(stream: aws.kinesis.Stream, t: DashboardThresholds): Graph[] {
  const name = pulumi.resourceName(stream);
  const dims: [string, pulumi.Input<string>][] = [["StreamName", stream.name]];
  const m = (metric: string, stat: string) => line("AWS/Kinesis", metric, dims, stat);
  return [
    { title: `${name}: records in and read`, metrics: [m("IncomingRecords", "Sum"), m("GetRecords.Records", "Sum")] },
    { title: `${name}: failed PutRecords records`, metrics: [m("PutRecords.FailedRecords", "Sum")] },
    { title: `${name}: throughput exceeded`, metrics: [m("WriteProvisionedThroughputExceeded", "Sum"), m("ReadProvisionedThroughputExceeded", "Sum")] },
    { title: `${name}: read lag (ms)`, metrics: [m("GetRecords.IteratorAgeMilliseconds", "Maximum")], lines: [{ label: "alarm", value: t.iteratorAgeMs }] },
  ];
}

function deliveryRow(delivery: aws.kinesis.FirehoseDeliveryStream, t: DashboardThresholds): Graph[] {
  const name = pulumi.resourceName(delivery);
  const dims: [string, pulumi.Input<string>][] = [["DeliveryStreamName", delivery.name]];
  const m = (metric: string, stat: string) => line("AWS/Firehose", metric, dims, stat);
  return [
    { title: `${name}: records in and delivered`, metrics: [m("IncomingRecords", "Sum"), m("DeliveryToS3.Records", "Sum")] },
    { title: `${name}: S3 delivery success (0-1)`, metrics: [m("DeliveryToS3.Success", "Average")] },
    { title: `${name}: throttled records`, metrics: [m("ThrottledRecords", "Sum")] },
    { title: `${name}: oldest undelivered record (s)`, metrics: [m("DeliveryToS3.DataFreshness", "Maximum")], lines: [{ label: "alarm", value: t.firehoseFreshnessSeconds }] },
  ];
}

function tableRow(table: aws.dynamodb.Table): Graph[] {
  const name = pulumi.resourceName(table);
  const dims: [string, pulumi.Input<string>][] = [["TableName", table.name]];
  const m = (metric: string, stat: string) => line("AWS/DynamoDB", metric, dims, stat);
  const perOperation = (metric: string, stat: string, ops: readonly string[]) =>
    ops.map((op) => line("AWS/DynamoDB", metric, [...dims, ["Operation", op]], stat, op));
  return [
    { title: `${name}: consumed capacity`, metrics: [m("ConsumedReadCapacityUnits", "Sum"), m("ConsumedWriteCapacityUnits", "Sum")] },
    { title: `${name}: system errors`, metrics: perOperation("SystemErrors", "Sum", dynamoDbOperations.filter((op) => op !== "GetRecords")) },
    { title: `${name}: request latency (ms)`, metrics: perOperation("SuccessfulRequestLatency", "Average", ["GetItem", "PutItem", "UpdateItem", "Query"]) },
    { title: `${name}: throttle events`, metrics: [m("ReadThrottleEvents", "Sum"), m("WriteThrottleEvents", "Sum")] },
  ];
}

function searchRow(domain: aws.opensearch.Domain, accountId: pulumi.Input<string>, t: DashboardThresholds): Graph[] {
  const name = pulumi.resourceName(domain);
  const dims: [string, pulumi.Input<string>][] = [["DomainName", domain.domainName], ["ClientId", accountId]];
  const m = (metric: string, stat: string) => line("AWS/ES", metric, dims, stat);
  return [
    { title: `${name}: search and indexing rate`, metrics: [m("SearchRate", "Average"), m("IndexingRate", "Average")] },
    { title: `${name}: cluster status and blocked writes`, metrics: [m("ClusterStatus.red", "Maximum"), m("ClusterStatus.yellow", "Maximum"), m("ClusterIndexWritesBlocked", "Maximum"), m("5xx", "Sum")] },
    { title: `${name}: search and indexing latency (ms)`, metrics: [m("SearchLatency", "Average"), m("IndexingLatency", "Average")] },
    { title: `${name}: CPU and JVM memory pressure (%)`, metrics: [m("CPUUtilization", "Maximum"), m("JVMMemoryPressure", "Maximum")], lines: [{ label: "alarm (JVM)", value: 95 }] },
    { title: `${name}: free storage, smallest node (MB)`, metrics: [m("FreeStorageSpace", "Minimum")], lines: [{ label: "alarm", value: t.searchFreeStorageMb }] },
  ];
}

function deadLetterRow(queues: DeadLetterQueue[]): Graph[] {
  const depth = queues.map((q) => line("AWS/SQS", "ApproximateNumberOfMessagesVisible", [["QueueName", q.queue.name]], "Maximum", pulumi.resourceName(q)));
  const age = queues.map((q) => line("AWS/SQS", "ApproximateAgeOfOldestMessage", [["QueueName", q.queue.name]], "Maximum", pulumi.resourceName(q)));
  return [
    { title: "Dead-letter queues: messages waiting (alarm above 0)", metrics: depth },
    { title: "Dead-letter queues: oldest message (s)", metrics: age },
  ];
}

function distributionRow(distribution: aws.cloudfront.Distribution, t: DashboardThresholds): Graph[] {
  const name = pulumi.resourceName(distribution);
  const dims: [string, pulumi.Input<string>][] = [["DistributionId", distribution.id], ["Region", "Global"]];
  const m = (metric: string, stat: string) => line("AWS/CloudFront", metric, dims, stat);
  const region = cloudFrontMetricsRegion;
  return [
    { title: `${name}: requests`, metrics: [m("Requests", "Sum")], region },
    { title: `${name}: error rate (%)`, metrics: [m("4xxErrorRate", "Average"), m("5xxErrorRate", "Average")], lines: [{ label: "alarm (5xx)", value: t.cloudFront5xxPercent }], region },
    { title: `${name}: bytes downloaded`, metrics: [m("BytesDownloaded", "Sum")], region },
  ];
}

const fullWidth = 24;
const graphHeight = 6;

/** The dashboard body (JSON), laid out row by row. */
export function dashboardBody(args: {
  title: string;
  region: string;
  accountId: pulumi.Input<string>;
  targets: DashboardTargets;
  thresholds: DashboardThresholds;
  /** Alarms of the stack's region, shown in the status widget (at most 100 are shown). */
  alarmArns: pulumi.Input<string>[];
}): pulumi.Output<string> {
  const { targets: tg, thresholds: t } = args;
  const sections: { heading: string; rows: Graph[][] }[] = [
    { heading: "Storefront (CloudFront, us-east-1 metrics)", rows: tg.distributions.map((d) => distributionRow(d, t)) },
    { heading: "API Gateway", rows: tg.restApis.map((a) => apiRow(a, t)) },
    { heading: "Lambda functions", rows: tg.functions.map((f) => lambdaRow(f, t)) },
    { heading: "Kinesis streams", rows: tg.streams.map((s) => streamRow(s, t)) },
    { heading: "Firehose delivery to the data lake", rows: tg.deliveryStreams.map((d) => deliveryRow(d, t)) },
    { heading: "DynamoDB tables", rows: tg.tables.map(tableRow) },
    { heading: "OpenSearch domains", rows: tg.searchDomains.map((d) => searchRow(d, args.accountId, t)) },
    { heading: "Dead-letter queues", rows: tg.deadLetterQueues.length ? [deadLetterRow(tg.deadLetterQueues)] : [] },
  ];

  const widgets: Record<string, unknown>[] = [
    {
      type: "text", x: 0, y: 0, width: fullWidth, height: 2,
      properties: { markdown: `# ${args.title}\nGolden signals of every moving part. What each alarm means and what to check first: README.md.` },
    },
    {
      type: "alarm", x: 0, y: 2, width: fullWidth, height: 6,
      properties: { title: "Alarms", alarms: args.alarmArns.slice(0, 100), sortBy: "stateUpdatedTimestamp" },
    },
  ];
  let y = 8;
  for (const section of sections.filter((s) => s.rows.length > 0)) {
    widgets.push({ type: "text", x: 0, y, width: fullWidth, height: 1, properties: { markdown: `## ${section.heading}` } });
    y += 1;
    for (const graphs of section.rows) {
      const width = Math.floor(fullWidth / graphs.length);
      graphs.forEach((g, i) => widgets.push({
        type: "metric", x: i * width, y, width, height: graphHeight,
        properties: {
          title: g.title,
          region: g.region ?? args.region,
          view: "timeSeries",
          stacked: false,
          period: g.period ?? 60,
          metrics: g.metrics,
          ...(g.lines ? { annotations: { horizontal: g.lines } } : {}),
        },
      }));
      y += graphHeight;
    }
  }
  return pulumi.jsonStringify({ start: "-PT6H", periodOverride: "inherit", widgets });
}
