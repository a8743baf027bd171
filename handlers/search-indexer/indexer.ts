// The SearchIndexer's core: one invocation's DynamoDB stream records → one `_bulk` request
// (more only above the size cap) → the batch response. Every record ends in exactly one of:
// applied to the index, already superseded there (version conflict), the dead-letter queue,
// or a reported batch item failure that the event source mapping retries.
import type { DynamoDBBatchItemFailure, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import type { Logger } from "@aws-lambda-powertools/logger";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Client } from "@opensearch-project/opensearch";
import { BulkSenderOptions, sendBulk } from "./bulk-sender";
import type { DeadLetterSink } from "./dead-letter";
import { BulkAction, DeadLetterReason, toBulkAction } from "./stream-record";

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
  client: Client;
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
  record: unknown;
  sequenceNumber?: string;
  reason: DeadLetterReason;
}

export function createSearchIndexer(deps: SearchIndexerDeps) {
  return async function indexStreamBatch(event: DynamoDBStreamEvent, context?: LambdaContextLike): Promise<DynamoDBBatchResponse> {
    const records: unknown[] = Array.isArray(event?.Records) ? event.Records : [];
    // Without the template, documents would be indexed with guessed mappings: fail the
    // whole batch (the stream retries it) rather than index anything.
    await deps.bootstrap.ensure();

    const actions: BulkAction[] = [];
    const recordOf = new Map<BulkAction, unknown>();
    const deadLetters: DeadLetter[] = [];
    for (const record of records) {
      const conversion = toBulkAction(record);
      if (conversion.ok) {
        actions.push(conversion.action);
        recordOf.set(conversion.action, record);
      } else {
        deadLetters.push({ record, sequenceNumber: conversion.sequenceNumber, reason: conversion.reason });
      }
    }

    const failed = new Set<string>();
    if (actions.length > 0) {
      const result = await sendBulk(actions, {
        ...deps.bulk,
        client: deps.client,
        remainingTimeMs: context ? () => context.getRemainingTimeInMillis() : undefined,
      });
      for (const { action, error } of result.rejected) {
        deadLetters.push({
          record: recordOf.get(action),
          sequenceNumber: action.sequenceNumber,
          reason: { code: "mapping-rejected", message: error.reason, status: error.status, errorType: error.errorType },
        });
      }
      for (const { action, error } of result.failed) {
        failed.add(action.sequenceNumber);
        deps.logger.error("bulk item failed", { orderId: action.id, version: action.version, sequenceNumber: action.sequenceNumber, ...error });
      }
      deps.metrics.addMetric(IndexerMetric.DocumentsIndexed, MetricUnit.Count, result.indexed.length);
      deps.metrics.addMetric(IndexerMetric.DocumentsDeleted, MetricUnit.Count, result.deleted.length);
      deps.metrics.addMetric(IndexerMetric.StaleRecordsSkipped, MetricUnit.Count, result.stale.length);
      deps.metrics.addMetric(IndexerMetric.BulkRequests, MetricUnit.Count, result.requests);
      deps.metrics.addMetric(IndexerMetric.BulkItemRetries, MetricUnit.Count, result.itemRetries);
    }

    const sendFailures = await sendDeadLetters(deps, deadLetters);
    for (const sequenceNumber of sendFailures) failed.add(sequenceNumber);

    const batchItemFailures = itemFailuresInRecordOrder(records, failed);
    deps.metrics.addMetric(IndexerMetric.DocumentsDeadLettered, MetricUnit.Count, deadLetters.length - sendFailures.length);
    deps.metrics.addMetric(IndexerMetric.BatchItemFailures, MetricUnit.Count, batchItemFailures.length);
    deps.logger.info("stream batch indexed", {
      records: records.length,
      actions: actions.length,
      deadLettered: deadLetters.length - sendFailures.length,
      batchItemFailures: batchItemFailures.length,
    });
    return { batchItemFailures };
  };
}

/** Sends every dead letter; returns the sequence numbers of those SQS did not take. */
async function sendDeadLetters(deps: SearchIndexerDeps, deadLetters: DeadLetter[]): Promise<string[]> {
  const results = await Promise.allSettled(deadLetters.map((d) => deps.deadLetters.send(d.record, d.reason)));
  const unsent: string[] = [];
  results.forEach((result, i) => {
    const { sequenceNumber, reason } = deadLetters[i];
    if (result.status === "fulfilled") {
      deps.logger.warn("record dead-lettered", { sequenceNumber, reason });
      return;
    }
    deps.metrics.addMetric(IndexerMetric.DeadLetterSendFailures, MetricUnit.Count, 1);
    deps.logger.error("dead-letter send failed", { sequenceNumber, reason, error: String(result.reason) });
    if (sequenceNumber === undefined) {
      // A record with no sequence number cannot be reported alone: fail the whole batch so
      // the stream delivers it again rather than losing it.
      throw new Error(`dead-letter send failed for a record without a SequenceNumber (${reason.code}): ${String(result.reason)}`);
    }
    unsent.push(sequenceNumber);
  });
  return unsent;
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
