// What the clickstream path's AWS limits allow, computed from the event model's own maxima:
// the largest processor batch Lambda can deliver, and how many Personalize calls one processor
// invocation may keep in flight. components/config.ts refuses settings beyond these.
import {
  clickstreamEventTypes,
  maxIdLength,
  maxSerialisedPropertiesLength,
  maxTimestampLength,
  maxUrlLength,
} from "../handlers/shared/clickstream-event";

/**
 * Lambda passes a Kinesis batch to the function in one synchronous invocation, whose payload
 * is at most 6 MB (the Invoke API refuses more than 6,291,456 bytes).
 */
export const lambdaSyncPayloadBytes = 6 * 1024 * 1024;

/**
 * A free-text character as JSON text may take 6 bytes: the collector re-serialises each value
 * (API Gateway's `$input.json`), and a control character is written as `\u00XX`.
 */
const maxJsonBytesPerChar = 6;

/** The largest event the model allows, as the JSON a record carries (every field at its maximum). */
export function largestEventJsonBytes(): number {
  const longestType = Math.max(...clickstreamEventTypes.map((t) => t.length));
  const skeleton = JSON.stringify({
    eventId: "",
    eventType: "",
    sessionId: "",
    userId: "",
    itemId: "",
    timestamp: "",
    page: { url: "", referrer: "" },
    properties: null,
  });
  return (
    skeleton.length -
    "null".length +
    4 * maxIdLength + // ids: ASCII only
    longestType +
    maxTimestampLength + // ISO-8601: ASCII
    2 * maxUrlLength * maxJsonBytesPerChar +
    maxSerialisedPropertiesLength * maxJsonBytesPerChar
  );
}

/** base64 of `bytes`, as a Kinesis record's `data` in the Lambda event. */
const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3);

/**
 * One Kinesis record in the Lambda event around its data, every variable part at its longest
 * (partition key = sessionId, 128; sequence number 56 digits; stream name 128; role ARN with a
 * 512-character path and 64-character name), plus the comma between records.
 */
function recordEnvelopeBytes(): number {
  const seq = "9".repeat(56);
  // The longest partition and region names, so the bound holds in every partition.
  const partition = "aws-us-gov";
  const region = "ap-southeast-2";
  const arnAccount = `arn:${partition}:kinesis:${region}:123456789012`;
  const record = {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: "p".repeat(maxIdLength),
      sequenceNumber: seq,
      data: "",
      approximateArrivalTimestamp: 1_700_000_000.123,
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `shardId-000000000000:${seq}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: `arn:${partition}:iam::123456789012:role/${"p".repeat(510)}/${"r".repeat(64)}`,
    awsRegion: "ap-southeast-2",
    eventSourceARN: `${arnAccount}:stream/${"s".repeat(128)}`,
  };
  return JSON.stringify(record).length + 1;
}

/** Bytes of one record carrying the largest event, in the Lambda event. */
export const largestRecordInEventBytes = () => recordEnvelopeBytes() + base64Length(largestEventJsonBytes());

/** The largest processor batch size Lambda can always deliver whole (`{"Records":[...]}` included). */
export function maxDeliverableBatchSize(): number {
  return Math.floor((lambdaSyncPayloadBytes - '{"Records":[]}'.length) / largestRecordInEventBytes());
}

/** Amazon Personalize: PutEvents requests per second (per account and region; adjustable). */
export const personalizePutEventsQuotaPerSecond = 1000;
/**
 * The fastest a PutEvents call completes (round trip from Lambda in the region). The in-flight
 * limit is sized so that calls this fast, from every concurrent invocation, stay within the
 * quota; slower calls only leave quota unused.
 */
export const personalizeFastestCallMs = 20;
/** On-demand streams start with 4 shards' capacity (4 MiB/s, 4,000 records/s of writes). */
export const onDemandInitialShards = 4;

/**
 * PutEvents calls one processor invocation may keep in flight: the quota shared by every
 * concurrent invocation (shards x parallelization factor), times the time one call takes
 * (Little's law: in flight = rate x latency). At least 1.
 */
export function personalizeInFlightLimit(options: {
  quotaPerSecond: number;
  shards: number;
  parallelization: number;
  fastestCallMs?: number;
}): number {
  const invocations = options.shards * options.parallelization;
  const perInvocationRate = options.quotaPerSecond / invocations;
  return Math.max(1, Math.floor((perInvocationRate * (options.fastestCallMs ?? personalizeFastestCallMs)) / 1000));
}
