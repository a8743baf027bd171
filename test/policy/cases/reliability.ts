// Reliability cases: stream consumers, deletion protection in production, alarm actions.
import { r, unknown } from "../harness";
import { patch, type RuleCases } from "./types";

const ESM = "aws:lambda/eventSourceMapping:EventSourceMapping";
// As StreamConsumer builds it; the stream ARN is computed, so unknown in preview.
const mapping = {
  functionName: "arn:aws:lambda:eu-west-1:123456789012:function:processor",
  eventSourceArn: "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks",
  startingPosition: "TRIM_HORIZON",
  batchSize: 500,
  maximumBatchingWindowInSeconds: 5,
  functionResponseTypes: ["ReportBatchItemFailures"],
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 3,
  maximumRecordAgeInSeconds: 3600,
  destinationConfig: { onFailure: { destinationArn: "arn:aws:sqs:eu-west-1:123456789012:dlq" } },
};
const esm = (changes: Record<string, any> = {}) => [r(ESM, "processor-clicks", patch(mapping, changes))];

const alarm = {
  comparisonOperator: "GreaterThanThreshold",
  evaluationPeriods: 1,
  metricName: "Errors",
  namespace: "AWS/Lambda",
  period: 60,
  statistic: "Sum",
  threshold: 0,
  alarmActions: ["arn:aws:sns:eu-west-1:123456789012:alarms"],
};

export const reliabilityCases: RuleCases = {
  "stream-consumer-on-failure-destination": {
    compliant: esm(),
    // Preview: the ARN is unknown, the mapping is still recognised as a stream consumer.
    violating: esm({ eventSourceArn: unknown, destinationConfig: undefined }),
    expect: /no on-failure destination/,
  },
  "stream-consumer-bisect-on-error": {
    compliant: esm(),
    violating: esm({ bisectBatchOnFunctionError: false }),
    expect: /bisectBatchOnFunctionError is off/,
  },
  "stream-consumer-bounded-retries": {
    compliant: esm(),
    violating: esm({ maximumRetryAttempts: -1, maximumRecordAgeInSeconds: undefined }),
    expect: /Retries are unbounded \(maximumRetryAttempts -1\)/,
  },
  "stream-consumer-partial-batch-response": {
    compliant: esm({
      eventSourceArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000",
    }),
    violating: esm({
      eventSourceArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000",
      functionResponseTypes: undefined,
    }),
    expect: /cannot report partial batch failures/,
  },
  "stateful-deletion-protection": {
    stage: "prod",
    compliant: [
      r("aws:dynamodb/table:Table", "orders", {
        deletionProtectionEnabled: true,
        pointInTimeRecovery: { enabled: true },
      }),
      r("aws:s3/bucket:Bucket", "lake", { forceDestroy: false }),
      r("aws:opensearch/domain:Domain", "search", {}, { protect: true }),
      r("aws:cognito/userPool:UserPool", "users", { deletionProtection: "ACTIVE" }),
    ],
    violating: [r("aws:dynamodb/table:Table", "orders", { pointInTimeRecovery: { enabled: true } })],
    expect: /The table has no deletion protection/,
  },
  "alarm-actions": {
    compliant: [r("aws:cloudwatch/metricAlarm:MetricAlarm", "processor-errors", alarm)],
    violating: [r("aws:cloudwatch/metricAlarm:MetricAlarm", "processor-errors", patch(alarm, { alarmActions: [] }))],
    expect: /notifies no one/,
  },
};
