// What each item of a `_bulk` response means for its stream record. HTTP 200 says nothing
// about the items: `errors: true` means some of them failed, each with its own status. A
// reply is trusted only where it answers the request: a body that is not JSON, holds another
// number of items, or an item for another id or operation, is a failure of those records
// (retried, then reported), never a success.
import type { BulkAction } from "./stream-record";

export interface BulkItemError {
  status: number;
  /** OpenSearch's error type, e.g. mapper_parsing_exception; "http_error" / "connection_error" for a failed request. */
  errorType: string;
  reason: string;
}

export type ItemOutcome =
  | { kind: "indexed" }
  | { kind: "deleted" }
  /** 409 version conflict: OpenSearch already holds this version or a newer one. */
  | { kind: "stale" }
  /** 429 or 5xx: worth another attempt after a pause. */
  | ({ kind: "retry" } & BulkItemError)
  /** 400 for a mapping or parse error: the document itself is refused; retrying cannot help. */
  | ({ kind: "rejected" } & BulkItemError)
  /** Any other status (403 index blocked, 404 index missing, ...): fail the record, the stream retries it later. */
  | ({ kind: "failed" } & BulkItemError);

interface ResponseItem {
  _id?: unknown;
  status?: number;
  result?: string;
  error?: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } } | string;
}

export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 429 || status >= 500;
}

/**
 * The 400s that say the document itself cannot be indexed (mapping or parsing): the only
 * permanent refusals. Any other 400 (a closed index, a cluster block) can pass once an
 * operator fixes the cluster, so it is retried and then reported, never dead-lettered.
 */
export const permanentRejectionTypes: ReadonlySet<string> = new Set([
  "mapper_parsing_exception",
  "document_parsing_exception",
  "strict_dynamic_mapping_exception",
  "illegal_argument_exception",
  "parse_exception",
  "json_parse_exception",
  "x_content_parse_exception",
  "not_x_content_exception",
]);

/** Outcome of one response item, given the action it answers. */
export function classifyItem(action: BulkAction, item: ResponseItem | undefined): ItemOutcome {
  if (!item || typeof item.status !== "number") {
    return {
      kind: "retry",
      status: 0,
      errorType: "missing_item",
      reason: "the bulk response has no item for this action",
    };
  }
  const { status } = item;
  if (status >= 200 && status < 300) return { kind: action.operation === "delete" ? "deleted" : "indexed" };
  // Deleting a document that is not there: the tombstone is still recorded with its version.
  if (status === 404 && action.operation === "delete" && !item.error) return { kind: "deleted" };
  if (status === 409) return { kind: "stale" };
  const error = describeError(status, item.error);
  if (isRetryableStatus(status)) return { kind: "retry", ...error };
  if (status === 400)
    return permanentRejectionTypes.has(error.errorType) ? { kind: "rejected", ...error } : { kind: "retry", ...error };
  return { kind: "failed", ...error };
}

const mismatch = (reason: string): ItemOutcome => ({
  kind: "retry",
  status: 0,
  errorType: "bulk_response_mismatch",
  reason,
});

/** Outcomes of a whole response, item i answering action i (only when the reply answers the request). */
export function classifyResponse(actions: BulkAction[], body: unknown): ItemOutcome[] {
  const items = (body as { items?: unknown } | undefined)?.items;
  if (body === null || typeof body !== "object" || !Array.isArray(items)) {
    return actions.map(() => mismatch("the bulk response is not a JSON object with items"));
  }
  if (items.length !== actions.length) {
    // Which item answers which action is unknown: none of them is trusted.
    return actions.map(() => mismatch(`the bulk response has ${items.length} items for ${actions.length} actions`));
  }
  return actions.map((action, i) => {
    const entry = items[i] as Record<string, ResponseItem> | null | undefined;
    const item = entry && typeof entry === "object" ? entry[action.operation] : undefined;
    if (!item || typeof item !== "object") return mismatch(`item ${i} does not answer a ${action.operation} action`);
    if (item._id !== action.id) return mismatch(`item ${i} answers id ${JSON.stringify(item._id)}, not ${action.id}`);
    return classifyItem(action, item);
  });
}

function describeError(status: number, error: ResponseItem["error"]): BulkItemError {
  if (typeof error === "string") return { status, errorType: "error", reason: error };
  const cause = error?.caused_by?.reason ? ` (caused by ${error.caused_by.type}: ${error.caused_by.reason})` : "";
  return {
    status,
    errorType: error?.type ?? `http_${status}`,
    reason: `${error?.reason ?? "no reason given"}${cause}`,
  };
}
