// The SearchIndexer's core: one invocation's DynamoDB stream records → one `_bulk` request
// (more only above the size cap) → the batch response. Every record ends in exactly one of:
// applied to the index, already superseded there (version conflict), the dead-letter queue,
// or a reported batch item failure that the event source mapping retries.
//
// The event source mapping resends every record from the first reported failure on. A
// record it will resend is not dead-lettered now: it is dead-lettered by the delivery that
// gets past it, so a replayed rejected record reaches the queue once, not once per delivery.
import type { DynamoDBBatchItemFailure, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import type { Logger } from "@aws-lambda-powertools/logger";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { OpenSearchClient } from "../lib/opensearch-client";
import { type BulkSenderOptions, sendBulk } from "./bulk-sender";
import type { DeadLetterSink } from "./dead-letter";
import { type BulkAction, type DeadLetterReason, toBulkAction } from "./stream-record";

export const IndexerMetric = {
  DocumentsIndexed: "DocumentsIndexed",
  DocumentsDeleted: "DocumentsDeleted",
  /** Records OpenSearch already had at this version or newer (replays, out-of-order). */
  StaleRecordsSkipped: "StaleRecordsSkipped",
  BulkRequests: "BulkRequests",
  BulkItemRetries: "BulkItemRetries",
  DocumentsDeadLettered: "DocumentsDeadLettered",
  DeadLetterSendFailures: "DeadLetterSendFailures",
  BatchItemFailures: "BatchItemFailures",
} as const;

type MetricUnitValue = (typeof MetricUnit)[keyof typeof MetricUnit];

/** The part of Powertools Metrics used here. */
export interface MetricsSink {
  addMetric(name: string, unit: MetricUnitValue, value: number): void;
}

export interface SearchIndexerDeps {
  client: OpenSearchClient;
  bootstrap: { ensure(): Promise<void> };
  deadLetters: DeadLetterSink;
  logger: Pick<Logger, "info" | "warn" | "error">;
  metrics: MetricsSink;
  /** Retry policy, byte cap, timeouts and clock of the bulk sender. */
  bulk?: Omit<BulkSenderOptions, "client" | "remainingTimeMs">;
}

interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

interface DeadLetter {
  /** Position in the batch. */
  index: number;
  record: unknown;
  sequenceNumber?: string;
  reason: DeadLetterReason;
}

export function createSearchIndexer(deps: SearchIndexerDeps) {
  return async function indexStreamBatch(
    event: DynamoDBStreamEvent,
    context?: LambdaContextLike,
  ): Promise<DynamoDBBatchResponse> {
    const records: unknown[] = Array.isArray(event?.Records) ? event.Records : [];
    // Without the template, documents would be indexed with guessed mappings: fail the
    // whole batch (the stream retries it) rather than index anything.
    await deps.bootstrap.ensure();

    const actions: BulkAction[] = [];
    const indexOf = new Map<BulkAction, number>();
    const deadLetters: DeadLetter[] = [];
    records.forEach((record, index) => {
      const conversion = toBulkAction(record);
      if (conversion.ok) {
        actions.push(conversion.action);
        indexOf.set(conversion.action, index);
      } else {
        deadLetters.push({ index, record, sequenceNumber: conversion.sequenceNumber, reason: conversion.reason });
      }
    });

    const failed = new Set<string>();
    /** The first record the event source mapping will resend (records.length: none). */
    let checkpoint = records.length;
    if (actions.length > 0) {
      const result = await sendBulk(actions, {
        ...deps.bulk,
        client: deps.client,
        remainingTimeMs: context ? () => context.getRemainingTimeInMillis() : undefined,
      });
      for (const { action, error } of result.rejected) {
        const index = indexOf.get(action)!;
        deadLetters.push({
          index,
          record: records[index],
          sequenceNumber: action.sequenceNumber,
          reason: { code: "mapping-rejected", message: error.reason, status: error.status, errorType: error.errorType },
        });
      }
      for (const { action, error } of result.failed) {
        failed.add(action.sequenceNumber);
        checkpoint = Math.min(checkpoint, indexOf.get(action)!);
        deps.logger.error("bulk item failed", {
          orderId: action.id,
          version: action.version,
          sequenceNumber: action.sequenceNumber,
          ...error,
        });
      }
      deps.metrics.addMetric(IndexerMetric.DocumentsIndexed, MetricUnit.Count, result.indexed.length);
      deps.metrics.addMetric(IndexerMetric.DocumentsDeleted, MetricUnit.Count, result.deleted.length);
      deps.metrics.addMetric(IndexerMetric.StaleRecordsSkipped, MetricUnit.Count, result.stale.length);
      deps.metrics.addMetric(IndexerMetric.BulkRequests, MetricUnit.Count, result.requests);
      deps.metrics.addMetric(IndexerMetric.BulkItemRetries, MetricUnit.Count, result.itemRetries);
    }

    const { sent, unsent } = await sendDeadLetters(deps, deadLetters, checkpoint);
    for (const sequenceNumber of unsent) failed.add(sequenceNumber);

    const batchItemFailures = itemFailuresInRecordOrder(records, failed);
    deps.metrics.addMetric(IndexerMetric.DocumentsDeadLettered, MetricUnit.Count, sent);
    deps.metrics.addMetric(IndexerMetric.BatchItemFailures, MetricUnit.Count, batchItemFailures.length);
    deps.logger.info("stream batch indexed", {
      records: records.length,
      actions: actions.length,
      deadLettered: sent,
      deadLettersLeftForTheResend: deadLetters.length - sent - unsent.length,
      batchItemFailures: batchItemFailures.length,
    });
    return { batchItemFailures };
  };
}

/**
 * Sends, in record order, the dead letters of the records before `checkpoint` (the rest come
 * back in the resend). The first one SQS does not take becomes the new checkpoint: it is
 * reported, and nothing after it is sent, since all of that comes back too.
 */
async function sendDeadLetters(
  deps: SearchIndexerDeps,
  deadLetters: DeadLetter[],
  checkpoint: number,
): Promise<{ sent: number; unsent: string[] }> {
  let sent = 0;
  for (const { index, record, sequenceNumber, reason } of [...deadLetters].sort((a, b) => a.index - b.index)) {
    if (index >= checkpoint) break;
    try {
      await deps.deadLetters.send(record, reason);
      sent++;
      deps.logger.warn("record dead-lettered", { sequenceNumber, reason });
    } catch (error) {
      deps.metrics.addMetric(IndexerMetric.DeadLetterSendFailures, MetricUnit.Count, 1);
      deps.logger.error("dead-letter send failed", { sequenceNumber, reason, error: String(error) });
      if (sequenceNumber === undefined) {
        // A record with no sequence number cannot be reported alone: fail the whole batch so
        // the stream delivers it again rather than losing it.
        throw new Error(
          `dead-letter send failed for a record without a SequenceNumber (${reason.code}): ${String(error)}`,
        );
      }
      return { sent, unsent: [sequenceNumber] };
    }
  }
  return { sent, unsent: [] };
}

function itemFailuresInRecordOrder(records: unknown[], failed: Set<string>): DynamoDBBatchItemFailure[] {
  const failures: DynamoDBBatchItemFailure[] = [];
  const reported = new Set<string>();
  for (const record of records) {
    const sequenceNumber = (record as { dynamodb?: { SequenceNumber?: string } })?.dynamodb?.SequenceNumber;
    if (sequenceNumber && failed.has(sequenceNumber) && !reported.has(sequenceNumber)) {
      reported.add(sequenceNumber);
      failures.push({ itemIdentifier: sequenceNumber });
    }
  }
  return failures;
}
