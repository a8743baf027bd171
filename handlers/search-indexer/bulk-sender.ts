// Sends bulk actions to the orders index and retries what is worth retrying: items answered
// with 429/5xx, and whole requests that failed with 429/5xx or on the network. Retries are
// bounded (attempts and the invocation's remaining time) with exponential backoff and full
// jitter, and resend only the items that failed, so a success is never repeated.
import type { OpenSearchClient, OpenSearchErrorBody } from "../lib/opensearch-client";
import { retrying, type RetryPolicy } from "../lib/retry";
import { ordersIndex } from "../shared/order-index";
import { type BulkChunk, maxBulkRequestBytes, toBulkChunks } from "./bulk-request";
import { type BulkItemError, classifyResponse, isRetryableStatus, type ItemOutcome } from "./bulk-response";
import type { BulkAction } from "./stream-record";

/** Attempts per action, the first included, and the backoff between them. */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 3000 };

export interface BulkSenderOptions {
  client: OpenSearchClient;
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

export async function sendBulk(actions: BulkAction[], options: BulkSenderOptions): Promise<BulkSendResult> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const policy: RetryPolicy = {
    ...(options.retry ?? defaultRetryPolicy),
    sleep: options.sleep,
    random: options.random,
  };
  const result: BulkSendResult = {
    indexed: [],
    deleted: [],
    stale: [],
    rejected: [],
    failed: [],
    requests: 0,
    bytes: 0,
    itemRetries: 0,
  };

  let pending = actions;
  let retryable: Array<{ action: BulkAction; error: BulkItemError }> = [];
  const deadline = options.remainingTimeMs && { timeLeftMs: options.remainingTimeMs, attemptMs: requestTimeoutMs };
  const outcome = await retrying(
    policy,
    async (attempt) => {
      if (attempt > 1) {
        result.itemRetries += retryable.length;
        pending = retryable.map((r) => r.action);
      }
      retryable = [];
      for (const chunk of toBulkChunks(pending, options.maxRequestBytes ?? maxBulkRequestBytes)) {
        const outcomes = await sendChunk(options.client, chunk, requestTimeoutMs);
        result.requests += 1;
        result.bytes += chunk.bytes;
        chunk.actions.forEach((action, i) => record(result, retryable, action, outcomes[i]));
      }
      return retryable.length === 0 ? "done" : "retry";
    },
    deadline || undefined,
  );
  if (outcome.exhausted) result.failed.push(...retryable);
  return result;
}

function record(
  result: BulkSendResult,
  retryable: Array<{ action: BulkAction; error: BulkItemError }>,
  action: BulkAction,
  outcome: ItemOutcome,
) {
  switch (outcome.kind) {
    case "indexed":
      result.indexed.push(action);
      break;
    case "deleted":
      result.deleted.push(action);
      break;
    case "stale":
      result.stale.push(action);
      break;
    case "retry":
      retryable.push({ action, error: errorOf(outcome) });
      break;
    case "rejected":
      result.rejected.push({ action, error: errorOf(outcome) });
      break;
    case "failed":
      result.failed.push({ action, error: errorOf(outcome) });
      break;
  }
}

function errorOf(outcome: BulkItemError): BulkItemError {
  return { status: outcome.status, errorType: outcome.errorType, reason: outcome.reason };
}

/** One `_bulk` request; a failed request becomes the same outcome for each of its items. */
async function sendChunk(client: OpenSearchClient, chunk: BulkChunk, requestTimeoutMs: number): Promise<ItemOutcome[]> {
  let error: BulkItemError;
  try {
    // The body is already NDJSON (sized by bytes), sent as it is.
    const response = await client.request({
      method: "PUT",
      path: `/${ordersIndex}/_bulk`,
      ndjson: chunk.body,
      timeoutMs: requestTimeoutMs,
    });
    if (response.statusCode >= 200 && response.statusCode < 300) return classifyResponse(chunk.actions, response.body);
    const body = (response.body as OpenSearchErrorBody | undefined)?.error;
    error = {
      status: response.statusCode,
      errorType: typeof body === "object" ? (body.type ?? "http_error") : "http_error",
      reason: (typeof body === "object" ? body.reason : body) ?? `bulk request failed with HTTP ${response.statusCode}`,
    };
  } catch (err) {
    error = {
      status: 0,
      errorType: "connection_error",
      reason: `${(err as Error).name ?? "Error"}: ${(err as Error).message ?? String(err)}`,
    };
  }
  const kind = isRetryableStatus(error.status) ? "retry" : "failed";
  return chunk.actions.map(() => ({ kind, ...error }));
}
