// Reliability: stream consumers that cannot stall a shard or drop a record, stateful stores
// that survive a mistaken `pulumi destroy` in production, and alarms that notify someone.
// (Point-in-time recovery and log retention live with their services: dynamodb.ts, logs.ts.)
import type { ResourceValidationArgs } from "@pulumi/policy";
import { resourceRule } from "../lib/define";
import { asArray, isUnknown, peek, present } from "../lib/props";
import { isProduction } from "../lib/stage";
import type { PackPolicy } from "../lib/types";

const mappingType = ["aws:lambda/eventSourceMapping:EventSourceMapping"];

/**
 * Kinesis and DynamoDB stream sources. The source ARN is computed (unknown in preview); then a
 * starting position without queues/topics means a stream (SQS sources take none).
 */
function readsStream(props: Record<string, any>): boolean {
  const arn = peek(() => props.eventSourceArn);
  if (typeof arn === "string")
    return /^arn:aws[a-z-]*:kinesis:/.test(arn) || /^arn:aws[a-z-]*:dynamodb:.*\/stream\//.test(arn);
  return (
    isUnknown(() => props.eventSourceArn) &&
    present(() => props.startingPosition) &&
    asArray(peek(() => props.topics)).length === 0 &&
    !present(() => props.selfManagedEventSource)
  );
}
const readsQueue = (props: Record<string, any>) =>
  /^arn:aws[a-z-]*:sqs:/.test(String(peek(() => props.eventSourceArn) ?? ""));

const streamMapping =
  (check: (props: Record<string, any>, report: (m: string) => void) => void) =>
  (props: Record<string, any>, _args: ResourceValidationArgs, report: (m: string) => void) => {
    if (readsStream(props)) check(props, report);
  };

const closest = "closest: CKV_AWS_116 (failed events kept), extended to stream event source mappings";

export const reliabilityRules: PackPolicy[] = [
  resourceRule({
    name: "stream-consumer-on-failure-destination",
    service: "reliability",
    maps: closest,
    level: "mandatory",
    description:
      "Stream event source mappings send what they give up on to an on-failure destination (SQS dead-letter queue), so no record is dropped silently.",
    remediation:
      "Set destinationConfig.onFailure.destinationArn to a DeadLetterQueue's ARN (StreamConsumer does) and grant the function's role sqs:SendMessage on it.",
    types: mappingType,
    validate: streamMapping((props, report) => {
      if (!present(() => props.destinationConfig?.onFailure?.destinationArn))
        report("The mapping has no on-failure destination: records are dropped once retries end.");
    }),
  }),
  resourceRule({
    name: "stream-consumer-bisect-on-error",
    service: "reliability",
    maps: closest,
    level: "mandatory",
    description:
      "Stream event source mappings split a failing batch to isolate a poison record instead of retrying the whole batch.",
    remediation: "Set bisectBatchOnFunctionError: true.",
    types: mappingType,
    validate: streamMapping((props, report) => {
      if (props.bisectBatchOnFunctionError !== true)
        report("A failing batch is retried whole (bisectBatchOnFunctionError is off).");
    }),
  }),
  resourceRule({
    name: "stream-consumer-bounded-retries",
    service: "reliability",
    maps: closest,
    level: "mandatory",
    description:
      "Stream event source mappings bound retries and record age (the defaults, -1, retry a poison record until it expires and block its shard).",
    remediation:
      "Set maximumRetryAttempts (streamMaxRetryAttempts) and maximumRecordAgeInSeconds (streamMaxRecordAgeSeconds) to non-negative values.",
    types: mappingType,
    validate: streamMapping((props, report) => {
      const retries = props.maximumRetryAttempts;
      const age = props.maximumRecordAgeInSeconds;
      if (typeof retries !== "number" || retries < 0)
        report(`Retries are unbounded (maximumRetryAttempts ${retries ?? "unset"}).`);
      if (typeof age !== "number" || age < 0)
        report(`Record age is unbounded (maximumRecordAgeInSeconds ${age ?? "unset"}).`);
    }),
  }),
  resourceRule({
    name: "stream-consumer-partial-batch-response",
    service: "reliability",
    maps: closest,
    level: "mandatory",
    description:
      "Stream and queue event source mappings let the function report failed items (ReportBatchItemFailures), so one bad record does not replay its whole batch.",
    remediation:
      'Set functionResponseTypes: ["ReportBatchItemFailures"] and return { batchItemFailures } from the handler (Powertools BatchProcessor).',
    types: mappingType,
    validate: (props, _args, report) => {
      if (!readsStream(props) && !readsQueue(props)) return;
      if (!asArray(props.functionResponseTypes).includes("ReportBatchItemFailures"))
        report(
          "The function cannot report partial batch failures (functionResponseTypes lacks ReportBatchItemFailures).",
        );
    },
  }),
  resourceRule({
    name: "stateful-deletion-protection",
    service: "reliability",
    maps: "CKV_AWS_139 / CKV_AWS_293 (deletion protection, applied to every stateful store)",
    level: "mandatory",
    description:
      "In production, stateful stores refuse deletion: DynamoDB tables and user pools have deletion protection, buckets are not force-destroyed, search domains are `protect`ed.",
    remediation:
      'Set protectData: true in the prod stack: deletionProtectionEnabled (tables), deletionProtection "ACTIVE" (user pools), forceDestroy false (buckets), the `protect` resource option (search domains).',
    types: [
      "aws:dynamodb/table:Table",
      "aws:cognito/userPool:UserPool",
      "aws:s3/bucket:Bucket",
      "aws:s3/bucketV2:BucketV2",
      "aws:opensearch/domain:Domain",
    ],
    validate: (props, args, report) => {
      if (!isProduction(args)) return;
      switch (args.type) {
        case "aws:dynamodb/table:Table":
          if (props.deletionProtectionEnabled !== true) report("The table has no deletion protection.");
          break;
        case "aws:cognito/userPool:UserPool":
          if (props.deletionProtection !== "ACTIVE") report("The user pool has no deletion protection.");
          break;
        case "aws:opensearch/domain:Domain":
          if (!args.opts.protect) report("The search domain is not protected (resource option protect).");
          break;
        default:
          if (props.forceDestroy === true) report("The bucket is force-destroyed with its objects.");
      }
    },
  }),
  resourceRule({
    name: "alarm-actions",
    service: "reliability",
    maps: "CKV_AWS_319",
    level: "mandatory",
    description: "Every CloudWatch alarm has its actions enabled and notifies at least one target (the alarm topic).",
    remediation: "Set alarmActions (and okActions) to the alarm topic's ARN; leave actionsEnabled true.",
    types: ["aws:cloudwatch/metricAlarm:MetricAlarm"],
    validate: (props, _args, report) => {
      if (props.actionsEnabled === false) report("The alarm's actions are disabled.");
      if (!isUnknown(() => props.alarmActions) && asArray(props.alarmActions).length === 0)
        report("The alarm notifies no one (no alarmActions).");
    },
  }),
];
