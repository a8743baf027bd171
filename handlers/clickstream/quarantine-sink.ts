// Keeps what cannot go to the lake as-is — invalid or oversized events and undecodable
// records — with the reasons, in the lake bucket under the quarantine prefix: one JSON
// object per Kinesis record, named after that record (shard and sequence number). A record
// Kinesis resends after a partial failure therefore overwrites its own object: the
// quarantine never holds a record twice, however often it is delivered.
//
// Only a malformed record comes here, so @aws-sdk/client-s3 is loaded on the first write, not
// at every cold start (./clients.ts), and the entry builds its S3 client then too.
import type { PutObjectCommand, PutObjectCommandOutput } from "@aws-sdk/client-s3";
import { mapWithConcurrency } from "../lib/concurrency";
import type { Sender } from "../lib/lazy-client";
import { loadS3Package } from "./clients";
import type { RejectionReason } from "./validate-event";

/** The part of S3Client this sink uses. */
export type S3Sender = Sender<PutObjectCommand, PutObjectCommandOutput>;

export interface QuarantineEntry {
  sequenceNumber: string;
  partitionKey: string;
  shardId: string;
  /** When Kinesis accepted the record (ISO-8601); absent when its arrival time is no instant. */
  receivedAt?: string;
  /** Index of the event in a record holding an array of events. */
  position?: number;
  /** "invalid" (fails the contract), "oversized" (> 10 KB normalised), "undecodable" (not events). */
  kind: "invalid" | "oversized" | "undecodable";
  reasons: RejectionReason[];
  /**
   * The event or record as received: UTF-8 text, base64 of bytes that are not UTF-8, or the
   * Lambda event's `kinesis.data` string untouched when it is not valid base64 ("received").
   */
  data: string;
  dataEncoding: "utf8" | "base64" | "received";
}

export interface QuarantineDocument {
  quarantinedAt: string;
  /** Every quarantined event of one Kinesis record, in position order. */
  entries: QuarantineEntry[];
}

export interface QuarantineOptions {
  client: S3Sender;
  bucket: string;
  /** e.g. "quarantine/" */
  prefix: string;
}

/** PutObject calls in flight at once. */
export const quarantineConcurrency = 16;

/** Object key characters S3 handles without encoding surprises; anything else becomes "_". */
const safeKeyPart = (part: string) => part.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 200) || "_";

/**
 * `<prefix>dt=YYYY-MM-DD/<shard>/<sequence number>.json`, dated by the record's arrival (the
 * processing day when the arrival time is unusable). Derived from the record alone.
 */
export function quarantineKey(prefix: string, entry: QuarantineEntry, now: Date): string {
  const day = (entry.receivedAt ?? now.toISOString()).slice(0, 10);
  return `${prefix}dt=${day}/${safeKeyPart(entry.shardId)}/${safeKeyPart(entry.sequenceNumber)}.json`;
}

export interface QuarantineResult<T> {
  /** Keys written. */
  keys: string[];
  /** Owners of the records whose object S3 did not take (to be reported for a resend). */
  failed: T[];
  errors: unknown[];
}

/**
 * Writes one object per record (entries grouped by sequence number); a failed write fails
 * only its record.
 */
export async function writeQuarantine<T>(
  records: readonly { owner: T; entries: QuarantineEntry[] }[],
  options: QuarantineOptions,
  now: Date,
): Promise<QuarantineResult<T>> {
  const result: QuarantineResult<T> = { keys: [], failed: [], errors: [] };
  if (records.length === 0) return result;
  // A runtime without the package fails the invocation here: Kinesis resends the whole batch.
  const { PutObjectCommand } = await loadS3Package();
  await mapWithConcurrency(records, quarantineConcurrency, async ({ owner, entries }) => {
    const key = quarantineKey(options.prefix, entries[0], now);
    const document: QuarantineDocument = { quarantinedAt: now.toISOString(), entries };
    try {
      await options.client.send(
        new PutObjectCommand({
          Bucket: options.bucket,
          Key: key,
          Body: JSON.stringify(document),
          ContentType: "application/json",
        }),
      );
      result.keys.push(key);
    } catch (error) {
      result.failed.push(owner);
      result.errors.push(error);
    }
  });
  return result;
}
