// Dead-letter queues: any message waiting is an alarm; the dashboard shows them all in one row.
import * as pulumi from "@pulumi/pulumi";
import type { DeadLetterQueue } from "../lib/dead-letter-queue";
import { slug } from "../monitoring-alarms";
import { line } from "../monitoring-dashboard";
import { listed, partKind, thresholdOf } from "../monitoring-kind";

export const deadLetterQueues = partKind<DeadLetterQueue, "dlq-messages">({
  heading: "Dead-letter queues",
  alarmKinds: {
    "dlq-messages": {
      means: "records or batches were given up on and parked in a dead-letter queue",
      check: "receive a message from the queue: it names the batch/records and the error",
    },
  },
  parts: listed("deadLetterQueues"),
  alarms: (dlq) => {
    const resource = pulumi.resourceName(dlq);
    return [
      {
        id: `sqs-${slug(resource)}-messages`,
        kind: "dlq-messages",
        resource,
        metric: {
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: dlq.queue.name },
          stat: "Maximum",
        },
        // Stays in ALARM until someone has looked at and redriven or removed the messages.
        window: { period: 60, evaluationPeriods: 1, datapointsToAlarm: 1 },
        comparison: "GreaterThanThreshold",
        threshold: 0,
        // SQS stops publishing for a queue idle for hours: no data means an empty, unused queue.
        treatMissingData: "notBreaching",
      },
    ];
  },
  rows: (parts) => {
    if (parts.length === 0) return [];
    const perQueue = (metric: string) =>
      parts.map(({ part: q }) =>
        line("AWS/SQS", metric, [["QueueName", q.queue.name]], "Maximum", pulumi.resourceName(q)),
      );
    const threshold = thresholdOf(
      parts.flatMap((p) => p.alarms),
      "dlq-messages",
    );
    return [
      [
        {
          title: `Dead-letter queues: messages waiting (alarm above ${threshold})`,
          metrics: perQueue("ApproximateNumberOfMessagesVisible"),
        },
        { title: "Dead-letter queues: oldest message (s)", metrics: perQueue("ApproximateAgeOfOldestMessage") },
      ],
    ];
  },
});
