// Sends bulk actions to the orders index and retries what is worth retrying: items answered
// with 429/5xx, and whole requests that failed with 429/5xx or on the network. Retries are
// bounded (attempts and the invocation's remaining time) with exponential backoff and full
// jitter, and resend only the items that failed, so a success is never repeated.
import type { Client } from "@opensearch-project/opensearch";
import type { Bulk_RequestBody } from "@opensearch-project/opensearch/api/_core/bulk";
import { ordersIndex } from "../shared/order-index";
import { BulkChunk, maxBulkRequestBytes, toBulkChunks } from "./bulk-request";
import { BulkItemError, classifyResponse, isRetryableStatus, ItemOutcome } from "./bulk-response";
import type { BulkAction } from "./stream-record";

export interface RetryPolicy {
  /** Attempts per action, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 3000 };

export interface BulkSenderOptions {
  client: Client;
  retry?: RetryPolicy;
  maxRequestBytes?: number;
  /** Per HTTP request; also the time a retry must still have left in the invocation. */
  requestTimeoutMs?: number;
  /** The invocation's remaining time (Lambda context); no retry starts that could not finish. */
  remainingTimeMs?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface BulkSendResult {
  indexed: BulkAction[];
  deleted: BulkAction[];
  /** Refused with 409: OpenSearch already holds this version or a newer one. */
  stale: BulkAction[];
  /** Refused with 400: to the dead-letter queue. */
  rejected: Array<{ action: BulkAction; error: BulkItemError }>;
  /** Still failing after the retries, or failing in a way retries cannot fix here: batch item failures. */
  failed: Array<{ action: BulkAction; error: BulkItemError }>;
  /** HTTP requests made, and item resends among them. */
  requests: number;
  bytes: number;
  itemRetries: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function sendBulk(actions: BulkAction[], options: BulkSenderOptions): Promise<BulkSendResult> {
  const retry = options.retry ?? defaultRetryPolicy;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const result: BulkSendResult = { indexed: [], deleted: [], stale: [], rejected: [], failed: [], requests: 0, bytes: 0, itemRetries: 0 };

  let pending = actions;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const retryable: Array<{ action: BulkAction; error: BulkItemError }> = [];
    for (const chunk of toBulkChunks(pending, options.maxRequestBytes ?? maxBulkRequestBytes)) {
      const outcomes = await sendChunk(options.client, chunk, requestTimeoutMs);
      result.requests += 1;
      result.bytes += chunk.bytes;
      chunk.actions.forEach((action, i) => record(result, retryable, action, outcomes[i]));
    }
    if (retryable.length === 0) break;

    const delay = Math.round(random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1)));
    const timeLeft = options.remainingTimeMs ? options.remainingTimeMs() : Number.POSITIVE_INFINITY;
    if (attempt >= retry.maxAttempts || timeLeft - delay < requestTimeoutMs) {
      result.failed.push(...retryable);
      break;
    }
    await sleep(delay);
    result.itemRetries += retryable.length;
    pending = retryable.map((r) => r.action);
  }
  return result;
}

function record(result: BulkSendResult, retryable: Array<{ action: BulkAction; error: BulkItemError }>, action: BulkAction, outcome: ItemOutcome) {
  switch (outcome.kind) {
    case "indexed": result.indexed.push(action); break;
    case "deleted": result.deleted.push(action); break;
    case "stale": result.stale.push(action); break;
    case "retry": retryable.push({ action, error: errorOf(outcome) }); break;
    case "rejected": result.rejected.push({ action, error: errorOf(outcome) }); break;
    case "failed": result.failed.push({ action, error: errorOf(outcome) }); break;
  }
}

function errorOf(outcome: BulkItemError): BulkItemError {
  return { status: outcome.status, errorType: outcome.errorType, reason: outcome.reason };
}

/** One `_bulk` request; a failed request becomes the same outcome for each of its items. */
async function sendChunk(client: Client, chunk: BulkChunk, requestTimeoutMs: number): Promise<ItemOutcome[]> {
  try {
    const response = await client.bulk(
      // The body is already NDJSON (sized by bytes); the transport sends a string as it is.
      { index: ordersIndex, body: chunk.body as unknown as Bulk_RequestBody },
      // Our own loop retries, with backoff, only what failed.
      { requestTimeout: requestTimeoutMs, maxRetries: 0 },
    );
    return classifyResponse(chunk.actions, response.body);
  } catch (err) {
    const error = requestError(err);
    const kind = isRetryableStatus(error.status) ? "retry" : "failed";
    return chunk.actions.map(() => ({ kind, ...error }));
  }
}

function requestError(err: unknown): BulkItemError {
  const e = err as { name?: string; message?: string; meta?: { statusCode?: number; body?: { error?: { type?: string; reason?: string } } } };
  const status = typeof e.meta?.statusCode === "number" ? e.meta.statusCode : 0;
  if (status === 0) return { status, errorType: "connection_error", reason: `${e.name ?? "Error"}: ${e.message ?? String(err)}` };
  const body = e.meta?.body?.error;
  return { status, errorType: body?.type ?? "http_error", reason: body?.reason ?? `bulk request failed with HTTP ${status}` };
}
