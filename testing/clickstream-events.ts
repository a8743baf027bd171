// Builders of clickstream events and of the Lambda's Kinesis event, for tests and the bench.
import type { KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import type { ClickstreamEvent } from "../handlers/shared/clickstream-event";

export const streamArn = "arn:aws:kinesis:us-east-1:123456789012:stream/clickstream";

export function productView(
  eventId: string,
  sessionId: string,
  extra: Partial<ClickstreamEvent> = {},
): ClickstreamEvent {
  return {
    eventId,
    eventType: "product_view",
    sessionId,
    itemId: "KIT-MUG-STN-12",
    timestamp: "2025-03-01T12:00:00.000+01:00",
    page: { url: "https://shop.example.com/p/KIT-MUG-STN-12", referrer: "https://shop.example.com/" },
    properties: { category: "kitchen", position: 3 },
    ...extra,
  };
}

export function pageView(eventId: string, sessionId: string, extra: Partial<ClickstreamEvent> = {}): ClickstreamEvent {
  return {
    eventId,
    eventType: "page_view",
    sessionId,
    timestamp: 1740826800000,
    page: { url: "https://shop.example.com/" },
    ...extra,
  };
}

/** A record as Kinesis gives it to Lambda (what the event source mapping builds from GetRecords). */
export interface StreamRecord {
  sequenceNumber: string;
  partitionKey: string;
  data: Uint8Array;
  /** Seconds since the epoch, with fraction. */
  approximateArrivalTimestamp: number;
  shardId: string;
}

export function kinesisStreamEvent(records: readonly StreamRecord[]): KinesisStreamEvent {
  return {
    Records: records.map(
      (r): KinesisStreamRecord => ({
        kinesis: {
          kinesisSchemaVersion: "1.0",
          partitionKey: r.partitionKey,
          sequenceNumber: r.sequenceNumber,
          data: Buffer.from(r.data).toString("base64"),
          approximateArrivalTimestamp: r.approximateArrivalTimestamp,
        },
        eventSource: "aws:kinesis",
        eventVersion: "1.0",
        eventID: `${r.shardId}:${r.sequenceNumber}`,
        eventName: "aws:kinesis:record",
        invokeIdentityArn: "arn:aws:iam::123456789012:role/clickstream-processor",
        awsRegion: "us-east-1",
        eventSourceARN: streamArn,
      }),
    ),
  };
}

/** Kinesis-like sequence numbers: 56 digits, increasing, beyond a double's precision. */
export function syntheticSequenceNumber(i: number): string {
  return (10n ** 55n * 4n + 1000n * BigInt(i)).toString();
}

/** A synthetic stream batch: one record per data item, as one shard would deliver it. */
export function syntheticStreamEvent(
  items: readonly (Uint8Array | string)[],
  arrivedAt = Date.UTC(2025, 2, 1, 11, 0, 1),
): KinesisStreamEvent {
  return kinesisStreamEvent(
    items.map((item, i) => ({
      sequenceNumber: syntheticSequenceNumber(i),
      partitionKey: `pk-${i}`,
      data: typeof item === "string" ? Buffer.from(item) : item,
      approximateArrivalTimestamp: arrivedAt / 1000 + i / 1000,
      shardId: "shardId-000000000000",
    })),
  );
}
