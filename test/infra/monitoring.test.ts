// The Monitoring component under Pulumi mocks. The coverage check is computed from the resource
// graph, independently of the component: every Lambda, queue, stream, delivery stream, table,
// search domain, API stage and distribution registered must carry its alarms, so a part added
// to the program without them fails here. Metric names and dimensions are checked against
// AWS's published metrics, and dimension values against the resources actually registered.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { Api } from "../../components/api";
import type { PlatformConfig } from "../../components/config";
import { Ingestion } from "../../components/ingestion";
import { repoRoot } from "../../components/lib/bundle";
import { BundledFunction } from "../../components/lib/function";
import { Monitoring } from "../../components/monitoring";
import { openSearchDomains } from "../../components/monitoring-kinds/opensearch-domains";
import { alarmKinds } from "../../components/monitoring-registry";
import { Orders } from "../../components/orders";
import { Storefront } from "../../components/storefront";
import { accountId, type RecordingMocks, type RegisteredResource, testRegion } from "../../testing/mocks";
import { runComponents, sharedProgramRun } from "../../testing/program";
import type { StackName } from "../../testing/stack-config";

const T = {
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  topic: "aws:sns/topic:Topic",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  key: "aws:kms/key:Key",
  fn: "aws:lambda/function:Function",
  mapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  queue: "aws:sqs/queue:Queue",
  stream: "aws:kinesis/stream:Stream",
  firehose: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
  table: "aws:dynamodb/table:Table",
  domain: "aws:opensearch/domain:Domain",
  restApi: "aws:apigateway/restApi:RestApi",
  stage: "aws:apigateway/stage:Stage",
  distribution: "aws:cloudfront/distribution:Distribution",
};

const userPoolArn = `arn:aws:cognito-idp:${testRegion}:${accountId}:userpool/${testRegion}_abc`;

// ---- What AWS publishes: namespace → metric → its dimension names (CloudWatch user guide,
// "AWS services that publish CloudWatch metrics"). A metric or dimension not listed here is a
// typo that would leave an alarm forever without data.
const tableDims = ["TableName"];
const tableOpDims = ["TableName", "Operation"];
const searchDims = ["ClientId", "DomainName"];
const apiDims = ["ApiName", "Stage"];
const publishedMetrics: Record<string, Record<string, string[]>> = {
  "AWS/Lambda": Object.fromEntries(
    [
      "Invocations",
      "Errors",
      "Throttles",
      "Duration",
      "ConcurrentExecutions",
      "IteratorAge",
      "DeadLetterErrors",
      "DestinationDeliveryFailures",
    ].map((m) => [m, ["FunctionName"]]),
  ),
  "AWS/ApiGateway": Object.fromEntries(
    ["Count", "4XXError", "5XXError", "Latency", "IntegrationLatency", "CacheHitCount", "CacheMissCount"].map((m) => [
      m,
      apiDims,
    ]),
  ),
  "AWS/Kinesis": Object.fromEntries(
    [
      "IncomingRecords",
      "IncomingBytes",
      "GetRecords.Records",
      "GetRecords.Bytes",
      "GetRecords.IteratorAgeMilliseconds",
      "GetRecords.Latency",
      "GetRecords.Success",
      "PutRecords.FailedRecords",
      "PutRecords.SuccessfulRecords",
      "PutRecords.ThrottledRecords",
      "PutRecords.TotalRecords",
      "PutRecords.Latency",
      "ReadProvisionedThroughputExceeded",
      "WriteProvisionedThroughputExceeded",
    ].map((m) => [m, ["StreamName"]]),
  ),
  "AWS/Firehose": Object.fromEntries(
    [
      "IncomingRecords",
      "IncomingBytes",
      "DeliveryToS3.Records",
      "DeliveryToS3.Bytes",
      "DeliveryToS3.Success",
      "DeliveryToS3.DataFreshness",
      "ThrottledRecords",
    ].map((m) => [m, ["DeliveryStreamName"]]),
  ),
  "AWS/SQS": Object.fromEntries(
    [
      "ApproximateNumberOfMessagesVisible",
      "ApproximateAgeOfOldestMessage",
      "ApproximateNumberOfMessagesNotVisible",
      "NumberOfMessagesSent",
      "NumberOfMessagesReceived",
      "NumberOfMessagesDeleted",
    ].map((m) => [m, ["QueueName"]]),
  ),
  "AWS/DynamoDB": {
    ConsumedReadCapacityUnits: tableDims,
    ConsumedWriteCapacityUnits: tableDims,
    ReadThrottleEvents: tableDims,
    WriteThrottleEvents: tableDims,
    SystemErrors: tableOpDims,
    SuccessfulRequestLatency: tableOpDims,
    ThrottledRequests: tableOpDims,
    ReturnedItemCount: tableOpDims,
  },
  "AWS/ES": Object.fromEntries(
    [
      "ClusterStatus.red",
      "ClusterStatus.yellow",
      "ClusterStatus.green",
      "FreeStorageSpace",
      "JVMMemoryPressure",
      "ClusterIndexWritesBlocked",
      "CPUUtilization",
      "SearchRate",
      "IndexingRate",
      "SearchLatency",
      "IndexingLatency",
      "2xx",
      "4xx",
      "5xx",
      "AutomatedSnapshotFailure",
    ].map((m) => [m, searchDims]),
  ),
  "AWS/CloudFront": Object.fromEntries(
    ["Requests", "BytesDownloaded", "BytesUploaded", "4xxErrorRate", "5xxErrorRate", "TotalErrorRate"].map((m) => [
      m,
      ["DistributionId", "Region"],
    ]),
  ),
};

/** The DynamoDB operations CloudWatch reports per table. */
const dynamoDbOperations = [
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "Query",
  "Scan",
  "BatchGetItem",
  "BatchWriteItem",
  "TransactGetItems",
  "TransactWriteItems",
  "GetRecords",
];

interface MetricUse {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
}

/** Every metric an alarm reads: its own, or those of its metric-math queries. */
function alarmMetrics(alarm: RegisteredResource): MetricUse[] {
  const i = alarm.inputs;
  if (i.metricQueries)
    return i.metricQueries
      .filter((q: any) => q.metric)
      .map((q: any) => ({
        namespace: q.metric.namespace,
        metricName: q.metric.metricName,
        dimensions: q.metric.dimensions ?? {},
      }));
  return [{ namespace: i.namespace, metricName: i.metricName, dimensions: i.dimensions ?? {} }];
}

/** Every metric line of a dashboard body ([namespace, name, dim, value, ..., options?]). */
function dashboardMetrics(body: any): (MetricUse & { region: string })[] {
  return body.widgets
    .filter((w: any) => w.type === "metric")
    .flatMap((w: any) =>
      w.properties.metrics.map((line: any[]) => {
        const parts = line.filter((p) => typeof p === "string");
        assert.ok(parts.length >= 2 && parts.length % 2 === 0, `malformed metric line ${JSON.stringify(line)}`);
        assert.ok(!parts.includes("."), "no '.' shorthand: every line names its metric in full");
        const dimensions: Record<string, string> = {};
        for (let k = 2; k < parts.length; k += 2) dimensions[parts[k]] = parts[k + 1];
        return { namespace: parts[0], metricName: parts[1], dimensions, region: w.properties.region };
      }),
    );
}

const sortedEntries = (o: Record<string, string>) =>
  JSON.stringify(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
const sameMetric = (a: MetricUse, b: MetricUse) =>
  a.namespace === b.namespace &&
  a.metricName === b.metricName &&
  sortedEntries(a.dimensions) === sortedEntries(b.dimensions);

/** Dimension name → the values real resources of this run give it. */
function dimensionValues(mocks: RecordingMocks): Record<string, Set<string>> {
  const of = (type: string, f: (r: RegisteredResource) => string) => new Set(mocks.ofType(type).map(f));
  return {
    FunctionName: of(T.fn, (r) => r.state.name),
    ApiName: of(T.restApi, (r) => r.state.name),
    Stage: of(T.stage, (r) => r.inputs.stageName),
    StreamName: of(T.stream, (r) => r.state.name),
    DeliveryStreamName: of(T.firehose, (r) => r.state.name),
    QueueName: of(T.queue, (r) => r.state.name),
    TableName: of(T.table, (r) => r.state.name),
    Operation: new Set(dynamoDbOperations),
    DomainName: of(T.domain, (r) => r.state.domainName),
    ClientId: new Set([accountId]),
    DistributionId: of(T.distribution, (r) => r.id),
    Region: new Set(["Global"]),
  };
}

/** Fails unless the metric is one AWS publishes, with exactly its dimensions, of a real resource. */
function assertRealMetric(m: MetricUse, values: Record<string, Set<string>>, where: string) {
  const dims = publishedMetrics[m.namespace]?.[m.metricName];
  assert.ok(dims, `${where}: ${m.namespace} ${m.metricName} is not a metric AWS publishes`);
  assert.deepEqual(
    Object.keys(m.dimensions).sort(),
    [...dims].sort(),
    `${where}: ${m.namespace} ${m.metricName} is published with dimensions ${dims.join(", ")}`,
  );
  for (const [name, value] of Object.entries(m.dimensions)) {
    assert.ok(
      values[name]?.has(value),
      `${where}: ${m.metricName} ${name}=${value} names no registered resource (have ${[...(values[name] ?? [])].join(", ")})`,
    );
  }
}

// ---- The coverage oracle: the alarms each kind of resource must have, from the graph alone.
interface Requirement {
  what: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
}

/** The functions an event source mapping feeds from a Kinesis or DynamoDB stream. */
function streamConsumerArns(mocks: RecordingMocks): Set<string> {
  return new Set(
    mocks
      .ofType(T.mapping)
      .filter((m) => /^arn:aws:kinesis:|:table\/.+\/stream\//.test(m.inputs.eventSourceArn))
      .map((m) => m.inputs.functionName),
  );
}

function requiredAlarms(mocks: RecordingMocks): Requirement[] {
  const need: Requirement[] = [];
  const add = (r: RegisteredResource, namespace: string, metrics: string[], dimensions: Record<string, string>) =>
    metrics.forEach((metricName) =>
      need.push({ what: `${r.type.split(":")[1]} ${r.name}`, namespace, metricName, dimensions }),
    );
  const consumers = streamConsumerArns(mocks);
  for (const r of mocks.ofType(T.fn)) {
    add(r, "AWS/Lambda", ["Errors", "Throttles", "Duration"], { FunctionName: r.state.name });
    if (consumers.has(r.state.arn) || consumers.has(r.state.name))
      add(r, "AWS/Lambda", ["IteratorAge"], { FunctionName: r.state.name });
  }
  for (const r of mocks.ofType(T.queue))
    add(r, "AWS/SQS", ["ApproximateNumberOfMessagesVisible"], { QueueName: r.state.name });
  for (const r of mocks.ofType(T.stream))
    add(
      r,
      "AWS/Kinesis",
      ["GetRecords.IteratorAgeMilliseconds", "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded"],
      { StreamName: r.state.name },
    );
  for (const r of mocks.ofType(T.firehose))
    add(r, "AWS/Firehose", ["DeliveryToS3.DataFreshness", "DeliveryToS3.Success"], {
      DeliveryStreamName: r.state.name,
    });
  for (const r of mocks.ofType(T.table))
    add(r, "AWS/DynamoDB", ["ReadThrottleEvents", "WriteThrottleEvents", "SystemErrors"], { TableName: r.state.name });
  for (const r of mocks.ofType(T.domain)) {
    add(
      r,
      "AWS/ES",
      [
        "ClusterStatus.red",
        "ClusterStatus.yellow",
        "FreeStorageSpace",
        "JVMMemoryPressure",
        "ClusterIndexWritesBlocked",
      ],
      { DomainName: r.state.domainName, ClientId: accountId },
    );
  }
  for (const r of mocks.ofType(T.stage)) {
    const api = mocks.ofType(T.restApi).find((a) => a.id === r.inputs.restApi);
    assert.ok(api, `stage ${r.name} belongs to no registered RestApi`);
    add(r, "AWS/ApiGateway", ["5XXError", "Latency"], { ApiName: api.state.name, Stage: r.inputs.stageName });
  }
  for (const r of mocks.ofType(T.distribution))
    add(r, "AWS/CloudFront", ["5xxErrorRate"], { DistributionId: r.id, Region: "Global" });
  return need;
}

/** The requirements no alarm meets, as readable lines. */
function missingAlarms(mocks: RecordingMocks): string[] {
  const used = mocks.ofType(T.alarm).flatMap(alarmMetrics);
  return requiredAlarms(mocks)
    .filter(
      (req) =>
        !used.some(
          (m) =>
            m.namespace === req.namespace &&
            m.metricName === req.metricName &&
            Object.entries(req.dimensions).every(([k, v]) => m.dimensions[k] === v),
        ),
    )
    .map((req) => `${req.what}: no ${req.namespace} ${req.metricName} alarm`);
}

// ---- Runs

interface Run {
  mocks: RecordingMocks;
  monitoring: Monitoring;
  config: PlatformConfig;
}

/** Every component with moving parts, and Monitoring over their targets, as index.ts composes them. */
async function runAll(
  stack: StackName,
  options: { preview?: boolean; config?: Record<string, unknown> } = {},
): Promise<Run> {
  let monitoring!: Monitoring;
  let config!: PlatformConfig;
  const mocks = await runComponents(
    stack,
    (c) => {
      config = c;
      const storefront = new Storefront("storefront", { config: c, apiOrigin: "https://api.example" });
      const ingestion = new Ingestion("ingestion", { config: c, allowedOrigin: storefront.url });
      const orders = new Orders("orders", { config: c, allowedOrigin: storefront.url });
      const api = new Api("api", {
        config: c,
        userPoolArn,
        allowedOrigin: storefront.url,
        routes: [...ingestion.routes, ...orders.routes],
      });
      monitoring = new Monitoring("monitoring", {
        config: c,
        targets: [storefront.monitoring, api.monitoring, ingestion.monitoring, orders.monitoring],
      });
    },
    options,
  );
  return { mocks, monitoring, config };
}

const alarmRegion = (alarm: RegisteredResource, stackRegion: string) => alarm.inputs.region ?? stackRegion;
const metricNames = (alarm: RegisteredResource) => alarmMetrics(alarm).map((m) => m.metricName);
const byMetric = (mocks: RecordingMocks, metricName: string) =>
  mocks.ofType(T.alarm).filter((a) => metricNames(a).includes(metricName));
const docText = () => fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");

describe("Monitoring", () => {
  const runs: Partial<Record<StackName, Run>> = {};
  before(async function () {
    this.timeout(120_000);
    runs.dev = await runAll("dev");
    runs.prod = await runAll("prod");
  });

  for (const stack of ["dev", "prod"] as const) {
    describe(stack, () => {
      const run = () => runs[stack]!;

      it("every Lambda, queue, stream, delivery stream, table, domain, API stage and distribution has its alarms", () => {
        const { mocks } = run();
        assert.ok(
          requiredAlarms(mocks).length >= 38,
          `the oracle found the moving parts: ${requiredAlarms(mocks).length}`,
        );
        assert.deepEqual(missingAlarms(mocks), []);
      });

      it("every alarm reads a metric AWS publishes, of a resource of this program", () => {
        const values = dimensionValues(run().mocks);
        for (const alarm of run().mocks.ofType(T.alarm))
          for (const m of alarmMetrics(alarm)) assertRealMetric(m, values, `alarm ${alarm.name}`);
      });

      it("every alarm notifies the encrypted topic of its own region, on ALARM and on OK, and treats missing data explicitly", () => {
        const { mocks, config } = run();
        const topics = new Map(mocks.ofType(T.topic).map((t) => [t.state.arn, t]));
        for (const alarm of mocks.ofType(T.alarm)) {
          assert.equal(alarm.inputs.alarmActions.length, 1, alarm.name);
          assert.deepEqual(
            alarm.inputs.okActions,
            alarm.inputs.alarmActions,
            `${alarm.name}: OK goes where ALARM goes`,
          );
          const topic = topics.get(alarm.inputs.alarmActions[0]);
          assert.ok(topic, `${alarm.name} notifies ${alarm.inputs.alarmActions[0]}, not an alarm topic`);
          assert.equal(
            topic.inputs.region ?? config.region,
            alarmRegion(alarm, config.region),
            `${alarm.name}: a topic in another region cannot receive its notifications`,
          );
          assert.ok(
            ["breaching", "notBreaching"].includes(alarm.inputs.treatMissingData),
            `${alarm.name}: treatMissingData ${alarm.inputs.treatMissingData}`,
          );
          assert.notEqual(alarm.inputs.actionsEnabled, false);
          assert.ok(
            alarm.inputs.evaluationPeriods >= alarm.inputs.datapointsToAlarm && alarm.inputs.datapointsToAlarm >= 1,
            alarm.name,
          );
        }
      });

      it("CloudFront's alarms live in us-east-1 (where its metrics are) and notify a topic there; the rest stay in the stack's region", () => {
        const { mocks, config } = run();
        const cloudFront = byMetric(mocks, "5xxErrorRate");
        assert.equal(cloudFront.length, mocks.ofType(T.distribution).length);
        for (const a of cloudFront) assert.equal(a.inputs.region, "us-east-1");
        for (const a of mocks.ofType(T.alarm).filter((x) => !cloudFront.includes(x)))
          assert.equal(alarmRegion(a, config.region), config.region, a.name);
        const regions = mocks
          .ofType(T.topic)
          .map((t) => t.inputs.region ?? config.region)
          .sort();
        assert.deepEqual(regions, [config.region, "us-east-1"].sort());
      });

      it("thresholds come from the stage's config", () => {
        const { mocks, config } = run();
        const only = (metric: string) => {
          const found = byMetric(mocks, metric);
          assert.ok(found.length > 0, `an alarm on ${metric}`);
          return found.map((a) => a.inputs.threshold);
        };
        for (const t of only("GetRecords.IteratorAgeMilliseconds"))
          assert.equal(t, config.alarmIteratorAgeSeconds * 1000);
        for (const t of only("IteratorAge")) assert.equal(t, config.alarmIteratorAgeSeconds * 1000);
        for (const t of only("5XXError")) assert.equal(t, config.alarmApi5xxPercent);
        for (const t of only("Latency")) assert.equal(t, config.alarmApiLatencyP99Ms);
        for (const t of only("DeliveryToS3.DataFreshness")) assert.equal(t, config.alarmFirehoseFreshnessSeconds);
        for (const t of only("FreeStorageSpace")) assert.equal(t, config.alarmSearchFreeStorageMb);
        for (const t of only("5xxErrorRate")) assert.equal(t, config.alarmCloudFront5xxPercent);
        // Each function's duration alarm sits at the configured share of its own timeout.
        for (const alarm of byMetric(mocks, "Duration")) {
          const fn = mocks.ofType(T.fn).find((f) => f.state.name === alarm.inputs.dimensions.FunctionName)!;
          assert.equal(
            alarm.inputs.threshold,
            Math.round((fn.inputs.timeout * 1000 * config.alarmDurationPercentOfTimeout) / 100),
            alarm.name,
          );
          assert.equal(alarm.inputs.extendedStatistic, "p99");
          assert.ok(alarm.inputs.threshold < fn.inputs.timeout * 1000);
        }
      });

      it("the topics are encrypted with rotating customer managed keys CloudWatch may use, and only this account's alarms may publish, over TLS", () => {
        const { mocks, config } = run();
        for (const topic of mocks.ofType(T.topic)) {
          const region = topic.inputs.region ?? config.region;
          const key = mocks.ofType(T.key).find((k) => k.state.arn === topic.inputs.kmsMasterKeyId);
          assert.ok(key, `topic ${topic.name} is encrypted with a key of this program`);
          assert.equal(key.inputs.enableKeyRotation, true);
          assert.equal(key.inputs.region, topic.inputs.region, "the key is in the topic's region");
          const alarmArns = `arn:aws:cloudwatch:${region}:${accountId}:alarm:*`;
          const keyPolicy = JSON.parse(key.inputs.policy);
          const cw = keyPolicy.Statement.find((s: any) => s.Principal?.Service === "cloudwatch.amazonaws.com");
          assert.deepEqual([cw.Effect, cw.Action], ["Allow", ["kms:Decrypt", "kms:GenerateDataKey*"]]);
          assert.deepEqual(cw.Condition, {
            StringEquals: { "aws:SourceAccount": accountId },
            ArnLike: { "aws:SourceArn": alarmArns },
          });
          for (const s of keyPolicy.Statement)
            assert.ok(s.Principal !== "*" && s.Principal.AWS !== "*", "no public key statement");

          const policy = JSON.parse(
            mocks.ofType(T.topicPolicy).find((p) => p.inputs.arn === topic.state.arn)!.inputs.policy,
          );
          assert.equal(policy.Statement.length, 2);
          const [publish, tls] = policy.Statement;
          assert.deepEqual(publish, {
            Effect: "Allow",
            Sid: "CloudWatchAlarmsPublish",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topic.state.arn,
            Condition: { StringEquals: { "aws:SourceAccount": accountId }, ArnLike: { "aws:SourceArn": alarmArns } },
          });
          assert.deepEqual(
            [tls.Effect, tls.Principal, tls.Action, tls.Condition],
            ["Deny", "*", "sns:Publish", { Bool: { "aws:SecureTransport": "false" } }],
          );
        }
      });

      it("every alarm is one PutMetricAlarm accepts: one metric with one statistic, or metric math within CloudWatch's limits", () => {
        for (const alarm of run().mocks.ofType(T.alarm)) {
          const i = alarm.inputs;
          if (!i.metricQueries) {
            assert.equal(
              [i.statistic, i.extendedStatistic].filter((s) => s !== undefined).length,
              1,
              `${alarm.name}: statistic or extendedStatistic`,
            );
            assert.ok([10, 30].includes(i.period) || i.period % 60 === 0, `${alarm.name}: period ${i.period}`);
            continue;
          }
          // Metric math: no single-metric fields beside the queries.
          for (const field of ["namespace", "metricName", "dimensions", "statistic", "extendedStatistic", "period"])
            assert.equal(i[field], undefined, `${alarm.name}: ${field} with metricQueries`);
          const queries: any[] = i.metricQueries;
          const metrics = queries.filter((q) => q.metric);
          const expressions = queries.filter((q) => q.expression);
          // "Alarms based on metric math expressions can reference a maximum of 10 metrics" (hard limit).
          assert.ok(
            metrics.length >= 1 && metrics.length <= 10,
            `${alarm.name}: ${metrics.length} metrics; a metric-math alarm may read 10 at most`,
          );
          assert.ok(expressions.length <= 10, `${alarm.name}: ${expressions.length} expressions`);
          assert.equal(
            queries.filter((q) => q.returnData === true).length,
            1,
            `${alarm.name}: exactly one query returns the alarm's data`,
          );
          assert.ok(
            queries.find((q) => q.returnData === true).expression,
            `${alarm.name}: the returned query is the expression`,
          );
          const ids = queries.map((q) => q.id);
          assert.equal(new Set(ids).size, ids.length, `${alarm.name}: query ids are unique`);
          for (const id of ids) assert.match(id, /^[a-z][a-zA-Z0-9_]*$/, `${alarm.name}: query id ${id}`);
          for (const q of metrics)
            assert.ok(
              q.metric.period % 60 === 0 && q.metric.stat,
              `${alarm.name}: query ${q.id} has a period and a stat`,
            );
          // Every lower-case word of an expression is a query id (functions such as SUM are upper case).
          for (const q of expressions)
            for (const ref of q.expression.match(/\b[a-z][a-zA-Z0-9_]*\b/g) ?? []) {
              assert.ok(ids.includes(ref), `${alarm.name}: expression ${q.expression} names ${ref}, which is no query`);
            }
        }
      });

      it("the missing-data treatment is the one chosen for each metric", () => {
        const { mocks } = run();
        // Published continuously while the part works: silence means it stopped.
        const breaching = new Set(["GetRecords.IteratorAgeMilliseconds", "ClusterStatus.red"]);
        for (const alarm of mocks.ofType(T.alarm)) {
          const expected = metricNames(alarm).some((m) => breaching.has(m)) ? "breaching" : "notBreaching";
          assert.equal(alarm.inputs.treatMissingData, expected, `${alarm.name} (${metricNames(alarm).join(", ")})`);
        }
      });

      it("each alarm's description says what it means, where to look first and links its runbook entry", () => {
        const docs = docText();
        for (const alarm of run().mocks.ofType(T.alarm)) {
          const d: string = alarm.inputs.alarmDescription;
          assert.ok(d.length <= 1024, `${alarm.name}: CloudWatch allows 1,024 characters`);
          const anchor = /Runbook: README\.md#([a-z0-9-]+)$/.exec(d)?.[1];
          assert.ok(anchor && anchor in alarmKinds, `${alarm.name}: ${d}`);
          assert.match(d, /First check: /);
          assert.ok(docs.includes(`### ${anchor}\n`), `README.md has no entry ${anchor}`);
        }
      });

      it("the dashboard body is JSON naming only published metrics of this program's resources, with every part on it", () => {
        const { mocks } = run();
        const [dashboard] = mocks.ofType(T.dashboard);
        const body = JSON.parse(dashboard.inputs.dashboardBody);
        const values = dimensionValues(mocks);
        const metrics = dashboardMetrics(body);
        for (const m of metrics) {
          assertRealMetric(m, values, "dashboard");
          assert.equal(
            m.region,
            m.namespace === "AWS/CloudFront" ? "us-east-1" : testRegion,
            `${m.namespace} ${m.metricName} is graphed from the region that has it`,
          );
        }
        // Each part shows traffic or backlog on the dashboard.
        const shown = (dim: string, value: string) => metrics.some((m) => m.dimensions[dim] === value);
        for (const [dim, set] of Object.entries(values).filter(
          ([d]) => !["Operation", "ClientId", "Region", "Stage"].includes(d),
        )) {
          for (const value of set) assert.ok(shown(dim, value), `${dim}=${value} is not on the dashboard`);
        }
        // Widgets fit the 24-column grid without overlapping.
        const cells = new Set<string>();
        for (const w of body.widgets) {
          assert.ok(w.x + w.width <= 24, JSON.stringify(w.properties.title));
          for (let x = w.x; x < w.x + w.width; x++)
            for (let y = w.y; y < w.y + w.height; y++) {
              assert.ok(!cells.has(`${x},${y}`), `widgets overlap at ${x},${y}`);
              cells.add(`${x},${y}`);
            }
        }
        const status = body.widgets.find((w: any) => w.type === "alarm");
        const regional = mocks
          .ofType(T.alarm)
          .filter((a) => !a.inputs.region)
          .map((a) => a.state.arn)
          .sort();
        assert.deepEqual([...status.properties.alarms].sort(), regional.slice(0, 100));
      });

      it("every alarm line on the dashboard is the threshold of an alarm on a metric of that graph", () => {
        const { mocks, config } = run();
        const body = JSON.parse(mocks.ofType(T.dashboard)[0].inputs.dashboardBody);
        const alarms = mocks.ofType(T.alarm);
        let checked = 0;
        for (const w of body.widgets.filter((x: any) => x.type === "metric")) {
          const graphed = dashboardMetrics({ widgets: [w] });
          for (const l of (w.properties.annotations?.horizontal ?? []).filter((h: any) =>
            h.label.startsWith("alarm"),
          )) {
            const match = alarms.find(
              (a) =>
                a.inputs.threshold === l.value &&
                alarmRegion(a, config.region) === w.properties.region &&
                alarmMetrics(a).some((m) => graphed.some((g) => sameMetric(g, m))),
            );
            assert.ok(match, `${w.properties.title}: line "${l.label}" at ${l.value} is no alarm's threshold`);
            checked++;
          }
        }
        // Duration per function, iterator age per consumer, stream lag, API latency, Firehose, JVM and storage, CloudFront.
        assert.ok(checked >= 12, `checked ${checked} alarm lines`);
      });

      it("exports the dashboard's console URL", async () => {
        const { monitoring, config } = run();
        const url = await new Promise<string>((done) => monitoring.dashboardUrl.apply(done));
        assert.equal(
          url,
          `https://${config.region}.console.aws.amazon.com/cloudwatch/home?region=${config.region}#dashboards:name=ecommerce-${stack}`,
        );
        assert.deepEqual(monitoring.alarms.map((a) => a.spec.id).length, run().mocks.ofType(T.alarm).length);
      });
    });
  }

  it("dev and prod differ exactly where their config differs", () => {
    const dev = runs.dev!;
    const prod = runs.prod!;
    const thresholds = (r: Run) => new Map(r.mocks.ofType(T.alarm).map((a) => [a.name, a.inputs.threshold]));
    const d = thresholds(dev);
    const p = thresholds(prod);
    assert.deepEqual([...d.keys()].sort(), [...p.keys()].sort(), "the same alarms in both stages");
    const differing = [...d.keys()].filter((k) => d.get(k) !== p.get(k)).sort();
    // Stage defaults differ for iterator age, API 5xx and latency, search storage, CloudFront 5xx
    // and the processor's timeout (so its duration alarm).
    const expected = [...d.keys()]
      .filter((name) =>
        /iterator-age|api-rest-5xx-rate|api-rest-latency-p99|search-free-storage|cloudfront-.*-5xx-rate|lambda-ingestion-processor-duration/.test(
          name,
        ),
      )
      .sort();
    assert.deepEqual(differing, expected);
    assert.equal(dev.config.alarmApi5xxPercent, 5);
    assert.equal(prod.config.alarmApi5xxPercent, 1);
  });

  it("every alarm e-mail address is subscribed to the topic of each region", async () => {
    const emails = ["oncall@example.com", "platform@example.com"];
    const { mocks, config } = await runAll("dev", { config: { "ecommerce:alarmEmails": emails } });
    const subscriptions = mocks.ofType(T.subscription);
    for (const topic of mocks.ofType(T.topic)) {
      const mine = subscriptions.filter((s) => s.inputs.topic === topic.state.arn);
      assert.deepEqual(
        mine.map((s) => s.inputs.endpoint).sort(),
        emails,
        `topic in ${topic.inputs.region ?? config.region}`,
      );
      for (const s of mine) {
        assert.equal(s.inputs.protocol, "email");
        assert.equal(s.inputs.region, topic.inputs.region);
      }
    }
    assert.equal(subscriptions.length, emails.length * 2);
  });

  it("a stack in us-east-1 needs one topic for all its alarms", async () => {
    const { mocks } = await runAll("dev", { config: { "aws:region": "us-east-1" } });
    assert.equal(mocks.ofType(T.topic).length, 1);
    for (const alarm of mocks.ofType(T.alarm)) assert.equal(alarm.inputs.region, undefined);
  });

  it("the coverage check fails for a part added without its alarms", async () => {
    const mocks = await runComponents("dev", (c) => {
      const api = new Api("api", { config: c, userPoolArn, allowedOrigin: "https://shop.example.com", routes: [] });
      const listed = new BundledFunction("listed", {
        entry: "handlers/orders/index.ts",
        description: "listed",
        memoryMb: 128,
        timeoutSeconds: 10,
        logRetentionDays: 14,
      });
      new BundledFunction("forgotten", {
        entry: "handlers/orders/index.ts",
        description: "not listed",
        memoryMb: 128,
        timeoutSeconds: 10,
        logRetentionDays: 14,
      });
      new aws.sqs.Queue("forgotten-queue", {});
      new Monitoring("monitoring", { config: c, targets: [api.monitoring, { functions: [listed] }] });
    });
    const missing = missingAlarms(mocks);
    assert.deepEqual(missing.filter((m) => m.includes("forgotten")).length, 4, missing.join("\n"));
    assert.ok(
      missing.every((m) => m.includes("forgotten")),
      missing.join("\n"),
    );
  });

  it("runs in preview mode, with unknown outputs, without error", async () => {
    const preview = await runAll("prod", { preview: true });
    assert.equal(preview.mocks.ofType(T.alarm).length, runs.prod!.mocks.ofType(T.alarm).length);
    assert.equal(preview.mocks.ofType(T.dashboard).length, 1);
  });

  describe("wired into the whole program", () => {
    for (const stack of ["dev", "prod"] as const) {
      it(`${stack}: every moving part of index.ts has its alarms, and the dashboard URL is a stack output`, async function () {
        this.timeout(120_000);
        const run = await sharedProgramRun(stack);
        assert.ok(run.mocks.ofType(T.alarm).length > 0, "index.ts creates Monitoring");
        assert.deepEqual(missingAlarms(run.mocks), []);
        assert.equal(
          run.outputs.dashboardUrl,
          `https://${testRegion}.console.aws.amazon.com/cloudwatch/home?region=${testRegion}#dashboards:name=ecommerce-${stack}`,
        );
      });
    }
  });

  it("the runbook documents every alarm kind", () => {
    const docs = docText();
    for (const kind of Object.keys(alarmKinds))
      assert.ok(docs.includes(`### ${kind}\n`), `README.md has no entry ${kind}`);
  });
});

describe("Monitoring registry", () => {
  it("a kind's dashboard lines follow its alarm definitions: a changed threshold moves the line", async () => {
    // The JVM alarm's 95 was once a literal on both sides; here the alarm says 90 and the graph must too.
    let lines: [string, number][] = [];
    await runComponents("dev", (c) => {
      const domain = new aws.opensearch.Domain("orders-search", {});
      const context = { thresholds: c, accountId };
      const alarms = openSearchDomains
        .alarms(domain, context)
        .map((a) => (a.kind === "search-jvm-pressure" ? { ...a, threshold: 90 } : a));
      const [row] = openSearchDomains.rows([{ part: domain, alarms }], context);
      lines = row.flatMap((g) => g.lines ?? []).map((l) => [l.label, l.value]);
      assert.equal(alarms.find((a) => a.kind === "search-free-storage")!.threshold, c.alarmSearchFreeStorageMb);
    });
    assert.deepEqual(lines, [
      ["alarm (JVM)", 90],
      ["alarm", 2048],
    ]);
  });
});
