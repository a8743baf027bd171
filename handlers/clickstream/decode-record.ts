// Turns one Kinesis record into the events it carries. The collector puts one event's JSON
// per record; other producers may put a JSON array of events. Whatever cannot be read as
// JSON is returned as an undecodable unit so it can be quarantined with its raw bytes.
import type { KinesisStreamRecord } from "aws-lambda";

/** Where a unit came from: enough to report it to Kinesis and to find it in the quarantine. */
export interface RecordRef {
  /** Position of the record in the Lambda event. */
  index: number;
  sequenceNumber: string;
  partitionKey: string;
  shardId: string;
  /** When Kinesis accepted the record; the events' `receivedAt`. */
  arrivedAt: Date;
}

/** One event as parsed JSON (not yet validated); `position` is its index in an array record. */
export interface EventUnit {
  kind: "event";
  ref: RecordRef;
  position?: number;
  value: unknown;
  /** The event's JSON as received (the record text, or the array element re-serialised). */
  rawText: string;
}

/** A record whose data is not UTF-8 JSON holding an event or a non-empty array of events. */
export interface UndecodableUnit {
  kind: "undecodable";
  ref: RecordRef;
  data: Buffer;
  reason: string;
}

export type DecodedUnit = EventUnit | UndecodableUnit;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** "shardId-000000000000:4954…" → "shardId-000000000000". */
function shardIdOf(record: KinesisStreamRecord): string {
  const colon = record.eventID?.indexOf(":") ?? -1;
  return colon > 0 ? record.eventID.slice(0, colon) : "unknown-shard";
}

export function recordRef(record: KinesisStreamRecord, index: number): RecordRef {
  return {
    index,
    sequenceNumber: record.kinesis.sequenceNumber,
    partitionKey: record.kinesis.partitionKey,
    shardId: shardIdOf(record),
    arrivedAt: new Date(Math.round(record.kinesis.approximateArrivalTimestamp * 1000)),
  };
}

export function decodeRecord(record: KinesisStreamRecord, index: number): DecodedUnit[] {
  const ref = recordRef(record, index);
  const data = Buffer.from(record.kinesis.data, "base64");
  const undecodable = (reason: string): DecodedUnit[] => [{ kind: "undecodable", ref, data, reason }];

  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return undecodable("record data is not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return undecodable(`record data is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(value)) return [{ kind: "event", ref, value, rawText: text }];
  if (value.length === 0) return undecodable("record data is an empty array: it holds no events");
  return value.map((element, position) => ({ kind: "event", ref, position, value: element, rawText: JSON.stringify(element) }));
}
