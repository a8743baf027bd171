// What a Lambda event source mapping does with one batch of stream records, as the
// StreamConsumer configures it: records older than maximumRecordAgeInSeconds are given up on;
// a reported batch-item failure checkpoints at the lowest failed record and retries from there;
// a function error bisects the batch (bisectBatchOnFunctionError) and retries each half; after
// maximumRetryAttempts the records are described in the on-failure destination. Nothing is
// skipped silently: every record is either processed or described there.
import type { InvokeResult } from "../lambda/pool";

export interface MappingSettings {
  batchSize: number;
  batchWindowSeconds: number;
  maximumRetryAttempts: number;
  maximumRecordAgeSeconds: number;
  bisectBatchOnFunctionError: boolean;
  reportBatchItemFailures: boolean;
}

export interface SourceRecord {
  sequenceNumber: string;
  /** When the record reached the stream (ms since epoch). */
  arrivalMs: number;
  /** The record as it appears in the Lambda event's Records[]. */
  eventRecord: Record<string, unknown>;
}

export type FailureCondition = "RetryAttemptsExhausted" | "RecordAgeExceeded";

export interface BatchHandlers {
  invoke(records: SourceRecord[]): Promise<InvokeResult>;
  /** Describes records given up on in the on-failure destination. */
  giveUp(
    records: SourceRecord[],
    condition: FailureCondition,
    attempts: number,
    lastResult?: InvokeResult,
  ): Promise<void>;
  now?: () => number;
}

/** The position the function reported as failed, or undefined for a clean batch; NaN for an unusable answer. */
function lowestFailure(records: SourceRecord[], result: InvokeResult, reportsItems: boolean): number | undefined {
  if (result.error) return 0;
  if (!reportsItems) return undefined;
  const failures = (result.result as { batchItemFailures?: { itemIdentifier?: unknown }[] } | null)?.batchItemFailures;
  if (!failures || failures.length === 0) return undefined;
  let lowest = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const at = records.findIndex((r) => r.sequenceNumber === failure.itemIdentifier);
    // An identifier that is not in the batch (or empty) fails the whole batch, as Lambda does.
    if (at < 0) return 0;
    lowest = Math.min(lowest, at);
  }
  return lowest;
}

/** Runs one batch to completion (processed or given up on). Resolves once the shard may move on. */
export async function processBatch(
  records: SourceRecord[],
  settings: MappingSettings,
  handlers: BatchHandlers,
  attempts = 0,
): Promise<void> {
  const now = handlers.now ?? Date.now;
  let batch = records;
  let attempt = attempts;
  for (;;) {
    if (settings.maximumRecordAgeSeconds >= 0) {
      const tooOld = batch.filter((r) => now() - r.arrivalMs > settings.maximumRecordAgeSeconds * 1000);
      if (tooOld.length > 0) {
        await handlers.giveUp(tooOld, "RecordAgeExceeded", attempt);
        batch = batch.filter((r) => !tooOld.includes(r));
      }
    }
    if (batch.length === 0) return;
    const result = await handlers.invoke(batch);
    attempt += 1;
    const failedAt = lowestFailure(batch, result, settings.reportBatchItemFailures);
    if (failedAt === undefined) return;
    const remaining = batch.slice(failedAt);
    if (settings.maximumRetryAttempts >= 0 && attempt > settings.maximumRetryAttempts) {
      await handlers.giveUp(remaining, "RetryAttemptsExhausted", attempt, result);
      return;
    }
    if (result.error && settings.bisectBatchOnFunctionError && remaining.length > 1) {
      const half = Math.ceil(remaining.length / 2);
      await processBatch(remaining.slice(0, half), settings, handlers, attempt);
      await processBatch(remaining.slice(half), settings, handlers, attempt);
      return;
    }
    batch = remaining;
  }
}
