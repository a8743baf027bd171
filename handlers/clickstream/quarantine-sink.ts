// Keeps what cannot go to the lake as-is — invalid or oversized events and undecodable
// records — with the reasons, in the lake bucket under the quarantine prefix: one JSON
// object per batch. The key is derived from the batch's records, so a resent batch
// overwrites its own object instead of adding a second copy.
import { PutObjectCommand, type PutObjectCommandOutput } from "@aws-sdk/client-s3";
import type { RejectionReason } from "./validate-event";

/** The part of S3Client this sink uses. */
export interface S3Sender {
  send(command: PutObjectCommand): Promise<PutObjectCommandOutput>;
}

export interface QuarantineEntry {
  sequenceNumber: string;
  partitionKey: string;
  shardId: string;
  /** When Kinesis accepted the record (ISO-8601). */
  receivedAt: string;
  /** Index of the event in a record holding an array of events. */
  position?: number;
  /** "invalid" (fails the contract), "oversized" (> 10 KB normalised), "undecodable" (not JSON). */
  kind: "invalid" | "oversized" | "undecodable";
  reasons: RejectionReason[];
  /** The event or record as received. */
  data: string;
  dataEncoding: "utf8" | "base64";
}

export interface QuarantineDocument {
  quarantinedAt: string;
  entries: QuarantineEntry[];
}

export interface QuarantineOptions {
  client: S3Sender;
  bucket: string;
  /** e.g. "quarantine/" */
  prefix: string;
}

/** `<prefix>dt=YYYY-MM-DD/<shard>-<first sequence>-<last sequence>-<count>.json`, dated by arrival. */
export function quarantineKey(prefix: string, entries: readonly QuarantineEntry[]): string {
  const first = entries[0];
  const last = entries[entries.length - 1];
  const day = first.receivedAt.slice(0, 10);
  return `${prefix}dt=${day}/${first.shardId}-${first.sequenceNumber}-${last.sequenceNumber}-${entries.length}.json`;
}

/** Writes the entries as one object and returns its key; throws when S3 refuses. */
export async function writeQuarantine(entries: readonly QuarantineEntry[], options: QuarantineOptions, now: Date): Promise<string> {
  const key = quarantineKey(options.prefix, entries);
  const document: QuarantineDocument = { quarantinedAt: now.toISOString(), entries: [...entries] };
  await options.client.send(
    new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: JSON.stringify(document), ContentType: "application/json" }),
  );
  return key;
}
