// Delivers normalised events to the data lake through Firehose PutRecordBatch: one JSON line
// per record, chunks within the API limits, and — because HTTP 200 may still carry failed
// entries, whatever FailedPutCount says — only the entries not delivered are resent, with backoff.
import {
  PutRecordBatchCommand,
  type PutRecordBatchCommandOutput,
  type PutRecordBatchResponseEntry,
} from "@aws-sdk/client-firehose";
import type { Logger } from "@aws-lambda-powertools/logger";
import { mapWithConcurrency } from "../lib/concurrency";
import { errorName, isRetryableAwsError, retrying, type RetryPolicy } from "../lib/retry";

/** The part of FirehoseClient this sink uses (tests inject a fake). */
export interface FirehoseSender {
  send(command: PutRecordBatchCommand): Promise<PutRecordBatchCommandOutput>;
}

export const maxFirehoseRecordsPerCall = 500;
export const maxFirehoseBytesPerCall = 4 * 1024 * 1024;
/** Chunks in flight at once: a 10,000-event batch is 20 chunks. */
export const firehoseConcurrency = 4;

export interface LakeRecord<T> {
  /** One normalised event's JSON followed by "\n". */
  data: Uint8Array;
  /** What the caller needs back when this record fails (e.g. its Kinesis record). */
  owner: T;
}

/**
 * A lake record's data: `json` (`bytes` long in UTF-8) and "\n", written straight into one
 * buffer (`json + "\n"` would first copy the text once more, to join it).
 */
export function jsonLine(json: string, bytes = Buffer.byteLength(json)): Uint8Array {
  const line = Buffer.allocUnsafe(bytes + 1);
  line.write(json, 0, bytes, "utf8");
  line[bytes] = 0x0a;
  return line;
}

export interface FirehoseOptions {
  client: FirehoseSender;
  deliveryStreamName: string;
  retry: RetryPolicy;
  logger: Logger;
}

export interface FirehoseResult<T> {
  delivered: number;
  /** Records still not accepted after every attempt. */
  failed: LakeRecord<T>[];
  calls: number;
  /** Records resent (entry-level and whole-call retries). */
  retries: number;
}

/** Splits records into PutRecordBatch calls of ≤ 500 records and ≤ 4 MiB, in order. */
export function firehoseChunks<T>(records: readonly LakeRecord<T>[]): LakeRecord<T>[][] {
  const chunks: LakeRecord<T>[][] = [];
  let current: LakeRecord<T>[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = record.data.byteLength;
    if (
      current.length > 0 &&
      (current.length === maxFirehoseRecordsPerCall || bytes + size > maxFirehoseBytesPerCall)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function isDelivered(entry: PutRecordBatchResponseEntry | undefined): boolean {
  return (
    entry !== undefined &&
    entry !== null &&
    !entry.ErrorCode &&
    typeof entry.RecordId === "string" &&
    entry.RecordId.length > 0
  );
}

export async function deliverToFirehose<T>(
  records: readonly LakeRecord<T>[],
  options: FirehoseOptions,
): Promise<FirehoseResult<T>> {
  const result: FirehoseResult<T> = { delivered: 0, failed: [], calls: 0, retries: 0 };
  await mapWithConcurrency(firehoseChunks(records), firehoseConcurrency, async (chunk) => {
    let pending = chunk;
    let lastError = "";
    const outcome = await retrying(options.retry, async (attempt) => {
      if (attempt > 1) result.retries += pending.length;
      result.calls++;
      try {
        const reply = await options.client.send(
          new PutRecordBatchCommand({
            DeliveryStreamName: options.deliveryStreamName,
            Records: pending.map((r) => ({ Data: r.data })),
          }),
        );
        // Trust the entries, not FailedPutCount: an entry is delivered only when it carries a
        // RecordId and no ErrorCode. A missing entry counts as failed: resending a line is
        // safe (readers deduplicate by eventId), losing it is not.
        const responses = reply.RequestResponses ?? [];
        const stillFailing = pending.filter((_, i) => !isDelivered(responses[i]));
        result.delivered += pending.length - stillFailing.length;
        if (stillFailing.length === 0) return "done";
        const codes = [...new Set(responses.map((r) => r?.ErrorCode).filter(Boolean))].join(", ");
        lastError = `${stillFailing.length} of ${pending.length} entries not delivered (FailedPutCount ${reply.FailedPutCount ?? "absent"}; ${codes || "no ErrorCode"})`;
        pending = stillFailing;
        return "retry";
      } catch (error) {
        if (!isRetryableAwsError(error)) {
          options.logger.error("Firehose refused the batch; not retrying", {
            error: error as Error,
            records: pending.length,
          });
          result.failed.push(...pending);
          return "done";
        }
        lastError = errorName(error);
        return "retry";
      }
    });
    if (outcome.exhausted) {
      options.logger.error("Firehose records still failing after the last attempt", {
        attempts: outcome.attempts,
        records: pending.length,
        lastError,
      });
      result.failed.push(...pending);
    }
  });
  return result;
}
