// Turns one Kinesis record into the events it carries. The collector puts one event's JSON
// per record; other producers may put a JSON array of events. Whatever cannot be read as
// JSON is returned as an undecodable unit so it can be quarantined with the bytes that
// arrived. Nothing a producer writes makes this throw: data that is not strict base64, not
// UTF-8, not JSON or nested too deep to be an event, and an arrival time no Date can hold,
// each become an undecodable unit with the reason.
import type { KinesisStreamRecord } from "aws-lambda";

/** Where a unit came from: enough to report it to Kinesis and to find it in the quarantine. */
export interface RecordRef {
  /** Position of the record in the Lambda event. */
  index: number;
  sequenceNumber: string;
  partitionKey: string;
  shardId: string;
  /** When Kinesis accepted the record; the events' `receivedAt`. Undefined when the event's value is no instant. */
  arrivedAt?: Date;
}

/** One event as parsed JSON (not yet validated); `position` is its index in an array record. */
export interface EventUnit {
  kind: "event";
  ref: RecordRef & { arrivedAt: Date };
  position?: number;
  value: unknown;
  /** The event's JSON as received (the record text, or the array element re-serialised). */
  rawText: string;
}

/**
 * A record whose data cannot be read as events. `data` is what arrived: the decoded bytes as
 * UTF-8 text or base64, or — when the Lambda event's `data` is not strict base64 — that
 * string itself, untouched ("received").
 */
export interface UndecodableUnit {
  kind: "undecodable";
  ref: RecordRef;
  data: string;
  dataEncoding: "utf8" | "base64" | "received";
  reason: string;
}

export type DecodedUnit = EventUnit | UndecodableUnit;

/** Deeper than this cannot be an event (an event is 2 levels, an array of events 3). */
export const maxJsonDepth = 8;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * True when `text` is padded base64 (RFC 4648 §4: `^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|
 * [A-Za-z0-9+/]{3}=)?$`), as Lambda encodes a record's data, given `bytes`, Node's decoding of
 * it. Node's decoder skips what is not base64 and stops at "=", so any such character leaves
 * fewer bytes than the text's length promises; it also reads the URL alphabet's "-" and "_",
 * which are refused by name. Beside the decoding it costs next to nothing; matching the
 * regular expression cost about a third of a JSON.parse of the record.
 */
export function isStrictBase64(text: string, bytes: Uint8Array): boolean {
  const length = text.length;
  if (length % 4 !== 0) return false;
  const padding =
    length === 0 || text.charCodeAt(length - 1) !== 0x3d ? 0 : text.charCodeAt(length - 2) !== 0x3d ? 1 : 2;
  if (text.indexOf("-") !== -1 || text.indexOf("_") !== -1) return false;
  return bytes.byteLength === (length / 4) * 3 - padding;
}

/** "shardId-000000000000:4954…" → "shardId-000000000000". */
function shardIdOf(record: KinesisStreamRecord): string {
  const eventId = typeof record.eventID === "string" ? record.eventID : "";
  const colon = eventId.indexOf(":");
  return colon > 0 ? eventId.slice(0, colon) : "unknown-shard";
}

/** Seconds since the epoch → a Date, or undefined when no Date can hold it. */
function arrivalOf(seconds: unknown): Date | undefined {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return undefined;
  const date = new Date(Math.round(seconds * 1000));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function recordRef(record: KinesisStreamRecord, index: number): RecordRef {
  return {
    index,
    sequenceNumber: record.kinesis.sequenceNumber,
    partitionKey: record.kinesis.partitionKey,
    shardId: shardIdOf(record),
    arrivedAt: arrivalOf(record.kinesis.approximateArrivalTimestamp),
  };
}

const hasArrival = (ref: RecordRef): ref is RecordRef & { arrivedAt: Date } => ref.arrivedAt !== undefined;

/** Nesting depth of JSON text, counted without parsing (brackets outside strings). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** True when `text` holds at most `limit` opening brackets ({ or [), strings included. */
export function atMostBrackets(text: string, limit: number): boolean {
  let count = 0;
  for (const bracket of ["{", "["]) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1))
      if (++count > limit) return false;
  }
  return true;
}

/** `ref`: recordRef(record, index), when the caller has it already. */
export function decodeRecord(
  record: KinesisStreamRecord,
  index: number,
  ref: RecordRef = recordRef(record, index),
): DecodedUnit[] {
  const received = record.kinesis.data;
  const bytes = typeof received === "string" ? Buffer.from(received, "base64") : undefined;
  if (bytes === undefined || !isStrictBase64(received, bytes)) {
    const data = typeof received === "string" ? received : JSON.stringify(received ?? null);
    return [{ kind: "undecodable", ref, data, dataEncoding: "received", reason: "record data is not valid base64" }];
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return [
      { kind: "undecodable", ref, data: received, dataEncoding: "base64", reason: "record data is not valid UTF-8" },
    ];
  }
  const undecodable = (reason: string): DecodedUnit[] => [
    { kind: "undecodable", ref, data: text, dataEncoding: "utf8", reason },
  ];
  if (!hasArrival(ref)) return undecodable("the record's approximateArrivalTimestamp is not an instant");
  // The exact depth scan is a loop over every character; text with at most maxJsonDepth
  // brackets (an ordinary event has 1-3) cannot be deeper, and indexOf counts them natively.
  const depth = atMostBrackets(text, maxJsonDepth) ? 0 : jsonDepth(text);
  if (depth > maxJsonDepth)
    return undecodable(`record data is nested ${depth} levels deep; an event is at most ${maxJsonDepth}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return undecodable(`record data is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(value)) return [{ kind: "event", ref, value, rawText: text }];
  if (value.length === 0) return undecodable("record data is an empty array: it holds no events");
  return value.map((element, position) => ({
    kind: "event",
    ref,
    position,
    value: element,
    rawText: JSON.stringify(element),
  }));
}
