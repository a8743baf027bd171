// Kinesis streams: read lag (silence means nobody reads the stream) and throttled writes and reads.
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type Metric, slug, sustained } from "../monitoring-alarms";
import { line } from "../monitoring-dashboard";
import { listed, partKind, thresholdOf } from "../monitoring-kind";

export const kinesisStreams = partKind<
  aws.kinesis.Stream,
  "kinesis-iterator-age" | "kinesis-write-throttled" | "kinesis-read-throttled"
>({
  heading: "Kinesis streams",
  alarmKinds: {
    "kinesis-iterator-age": {
      means: "the oldest unread record in the stream is getting old (or nobody reads the stream)",
      check: "the consumer Lambda's Errors, Throttles and IteratorAge; its event source mapping state",
    },
    "kinesis-write-throttled": {
      means: "PutRecords calls were refused: the stream is at its write capacity",
      check: "IncomingRecords/IncomingBytes per shard; add shards or use ON_DEMAND",
    },
    "kinesis-read-throttled": {
      means: "GetRecords calls were refused: too many readers per shard",
      check: "the number of consumers and the parallelization factor",
    },
  },
  parts: listed("streams"),
  alarms: (stream, { thresholds: t }) => {
    const resource = pulumi.resourceName(stream);
    const metric = (metricName: string, stat: string): Metric => ({
      namespace: "AWS/Kinesis",
      metricName,
      dimensions: { StreamName: stream.name },
      stat,
    });
    const id = (suffix: string) => `kinesis-${slug(resource)}-${suffix}`;
    return [
      {
        id: id("iterator-age"),
        kind: "kinesis-iterator-age",
        resource,
        metric: metric("GetRecords.IteratorAgeMilliseconds", "Maximum"),
        window: sustained,
        comparison: "GreaterThanThreshold",
        threshold: t.alarmIteratorAgeSeconds * 1000,
        // The Lambda event source polls every shard each second, idle or not, so this metric is
        // always there while the stream is read: its absence means nobody reads the stream.
        treatMissingData: "breaching",
      },
      {
        id: id("write-throttled"),
        kind: "kinesis-write-throttled",
        resource,
        metric: metric("WriteProvisionedThroughputExceeded", "Sum"),
        window: sustained,
        comparison: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
      },
      {
        id: id("read-throttled"),
        kind: "kinesis-read-throttled",
        resource,
        metric: metric("ReadProvisionedThroughputExceeded", "Sum"),
        window: sustained,
        comparison: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
      },
    ];
  },
  rows: (parts) =>
    parts.map(({ part: stream, alarms }) => {
      const name = pulumi.resourceName(stream);
      const dims: [string, pulumi.Input<string>][] = [["StreamName", stream.name]];
      const m = (metric: string, stat: string) => line("AWS/Kinesis", metric, dims, stat);
      return [
        {
          title: `${name}: records in and read`,
          metrics: [m("IncomingRecords", "Sum"), m("GetRecords.Records", "Sum")],
        },
        { title: `${name}: failed PutRecords records`, metrics: [m("PutRecords.FailedRecords", "Sum")] },
        {
          title: `${name}: throughput exceeded`,
          metrics: [m("WriteProvisionedThroughputExceeded", "Sum"), m("ReadProvisionedThroughputExceeded", "Sum")],
        },
        {
          title: `${name}: read lag (ms)`,
          metrics: [m("GetRecords.IteratorAgeMilliseconds", "Maximum")],
          lines: [{ label: "alarm", value: thresholdOf(alarms, "kinesis-iterator-age") }],
        },
      ];
    }),
});
