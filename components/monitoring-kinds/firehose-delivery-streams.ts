// Firehose delivery streams: records waiting too long, and failed deliveries to the lake.
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type Metric, slow, slug } from "../monitoring-alarms";
import { line } from "../monitoring-dashboard";
import { listed, partKind, thresholdOf } from "../monitoring-kind";

export const firehoseDeliveryStreams = partKind<
  aws.kinesis.FirehoseDeliveryStream,
  "firehose-freshness" | "firehose-delivery-failed"
>({
  heading: "Firehose delivery to the data lake",
  alarmKinds: {
    "firehose-freshness": {
      means: "records wait in Firehose longer than they should before reaching the lake",
      check: "DeliveryToS3.Success and the delivery stream's error log (S3 or KMS access)",
    },
    "firehose-delivery-failed": {
      means: "Firehose failed to write to the data lake bucket",
      check: "the delivery error log group: S3 AccessDenied or KMS errors on the lake bucket",
    },
  },
  parts: listed("deliveryStreams"),
  alarms: (delivery, { thresholds: t }) => {
    const resource = pulumi.resourceName(delivery);
    const metric = (metricName: string, stat: string): Metric => ({
      namespace: "AWS/Firehose",
      metricName,
      dimensions: { DeliveryStreamName: delivery.name },
      stat,
    });
    const id = (suffix: string) => `firehose-${slug(resource)}-${suffix}`;
    return [
      {
        id: id("freshness"),
        kind: "firehose-freshness",
        resource,
        metric: metric("DeliveryToS3.DataFreshness", "Maximum"),
        // The age of the oldest undelivered record already accumulates time: one period says it.
        window: { period: 300, evaluationPeriods: 1, datapointsToAlarm: 1 },
        comparison: "GreaterThanThreshold",
        threshold: t.alarmFirehoseFreshnessSeconds,
        // Published only while Firehose holds records; records it cannot deliver keep it published
        // (and growing), so no data means an empty buffer, not a broken delivery.
        treatMissingData: "notBreaching",
      },
      {
        id: id("delivery-failed"),
        kind: "firehose-delivery-failed",
        resource,
        metric: metric("DeliveryToS3.Success", "Average"),
        window: slow,
        comparison: "LessThanThreshold",
        threshold: 1,
        treatMissingData: "notBreaching",
      },
    ];
  },
  rows: (parts) =>
    parts.map(({ part: delivery, alarms }) => {
      const name = pulumi.resourceName(delivery);
      const dims: [string, pulumi.Input<string>][] = [["DeliveryStreamName", delivery.name]];
      const m = (metric: string, stat: string) => line("AWS/Firehose", metric, dims, stat);
      return [
        {
          title: `${name}: records in and delivered`,
          metrics: [m("IncomingRecords", "Sum"), m("DeliveryToS3.Records", "Sum")],
        },
        { title: `${name}: S3 delivery success (0-1)`, metrics: [m("DeliveryToS3.Success", "Average")] },
        { title: `${name}: throttled records`, metrics: [m("ThrottledRecords", "Sum")] },
        {
          title: `${name}: oldest undelivered record (s)`,
          metrics: [m("DeliveryToS3.DataFreshness", "Maximum")],
          lines: [{ label: "alarm", value: thresholdOf(alarms, "firehose-freshness") }],
        },
      ];
    }),
});
