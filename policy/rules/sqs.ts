// SQS queues: encryption, TLS only, and a dead-letter path for every queue that is not one.
import type { PolicyResource } from "@pulumi/policy";
import { ofType, resourceRule, stackRule } from "../lib/define";
import { acceptingInsecureTransport } from "../lib/iam";
import { parseMaybeJson, peek, present } from "../lib/props";
import type { PackPolicy } from "../lib/types";

const queueType = "aws:sqs/queue:Queue";
const queueIdentities = (q: PolicyResource) => [
  peek(() => q.props.url),
  peek(() => q.props.id),
  peek(() => q.props.arn),
];

/** Where another resource names a queue as the place failures go. */
const failureDestinations: Record<string, string[]> = {
  [queueType]: ["redrivePolicy"],
  "aws:lambda/eventSourceMapping:EventSourceMapping": ["destinationConfig"],
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": ["destinationConfig"],
  "aws:lambda/function:Function": ["deadLetterConfig"],
  "aws:sns/topicSubscription:TopicSubscription": ["redrivePolicy"],
};

/** True if `queue` is a dead-letter destination of some resource in the stack. */
function isDeadLetterQueue(queue: PolicyResource, resources: PolicyResource[]): boolean {
  const arn = peek(() => queue.props.arn);
  return resources.some((r) =>
    (failureDestinations[r.type] ?? []).some(
      (prop) =>
        (r.propertyDependencies?.[prop] ?? []).some((d) => d.urn === queue.urn) ||
        (typeof arn === "string" && JSON.stringify(peek(() => parseMaybeJson(r.props[prop])) ?? "").includes(arn)),
    ),
  );
}

export const sqsRules: PackPolicy[] = [
  resourceRule({
    name: "sqs-encryption",
    service: "sqs",
    maps: "AwsSolutions-SQS2 / CKV_AWS_27",
    level: "mandatory",
    description: "Queues encrypt messages at rest (SQS managed SSE or KMS).",
    remediation: "Set sqsManagedSseEnabled: true, or kmsMasterKeyId.",
    types: [queueType],
    validate: (props, _args, report) => {
      if (props.sqsManagedSseEnabled === false && !present(() => props.kmsMasterKeyId))
        report("The queue does not encrypt messages.");
      else if (props.sqsManagedSseEnabled === undefined && !present(() => props.kmsMasterKeyId))
        report("The queue does not declare encryption (set sqsManagedSseEnabled or kmsMasterKeyId).");
    },
  }),
  stackRule({
    name: "sqs-tls-only",
    service: "sqs",
    maps: "AwsSolutions-SQS4",
    level: "mandatory",
    description: "Queue policies deny requests not made over TLS.",
    remediation:
      "Add an aws.sqs.QueuePolicy with a Deny of sqs:* for Principal * when aws:SecureTransport is false (DeadLetterQueue does).",
    validate: (resources, _args, report) => {
      for (const queue of acceptingInsecureTransport(
        resources,
        queueType,
        "aws:sqs/queuePolicy:QueuePolicy",
        "queueUrl",
        queueIdentities,
        ["sqs:*"],
      )) {
        report(queue, `Queue ${queue.name} accepts requests without TLS.`);
      }
    },
  }),
  stackRule({
    name: "sqs-dead-letter-queue",
    service: "sqs",
    maps: "AwsSolutions-SQS3",
    level: "mandatory",
    description:
      "Every queue either has a redrive policy to a dead-letter queue or is itself the dead-letter destination of a queue, event source mapping or function.",
    remediation:
      "Set redrivePolicy { deadLetterTargetArn, maxReceiveCount } or use the queue as an on-failure destination.",
    validate: (resources, _args, report) => {
      for (const queue of ofType(resources, queueType)) {
        if (present(() => queue.props.redrivePolicy) || isDeadLetterQueue(queue, resources)) continue;
        report(queue, `Queue ${queue.name} has no dead-letter queue and is no one's dead-letter queue.`);
      }
    },
  }),
];
