// What each item of a `_bulk` response means for its stream record. HTTP 200 says nothing
// about the items: `errors: true` means some of them failed, each with its own status.
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
  /** 400: the document itself is refused (mapping, parsing); retrying cannot help. */
  | ({ kind: "rejected" } & BulkItemError)
  /** Any other status (403 index blocked, 404 index missing, ...): fail the record, the stream retries it later. */
  | ({ kind: "failed" } & BulkItemError);

interface ResponseItem {
  status?: number;
  result?: string;
  error?: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } } | string;
}

export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 429 || status >= 500;
}

/** Outcome of one response item, given the action it answers. */
export function classifyItem(action: BulkAction, item: ResponseItem | undefined): ItemOutcome {
  if (!item || typeof item.status !== "number") {
    return { kind: "retry", status: 0, errorType: "missing_item", reason: "the bulk response has no item for this action" };
  }
  const { status } = item;
  if (status >= 200 && status < 300) return { kind: action.operation === "delete" ? "deleted" : "indexed" };
  // Deleting a document that is not there: the tombstone is still recorded with its version.
  if (status === 404 && action.operation === "delete" && !item.error) return { kind: "deleted" };
  if (status === 409) return { kind: "stale" };
  const error = describeError(status, item.error);
  if (isRetryableStatus(status)) return { kind: "retry", ...error };
  if (status === 400) return { kind: "rejected", ...error };
  return { kind: "failed", ...error };
}

/** Outcomes of a whole response, item i answering action i. */
export function classifyResponse(actions: BulkAction[], body: { items?: unknown[] } | undefined): ItemOutcome[] {
  const items = Array.isArray(body?.items) ? body.items : [];
  return actions.map((action, i) => {
    const entry = items[i] as Record<string, ResponseItem> | undefined;
    // Each item is { <operation>: {...} }; take whichever operation key it has.
    const item = entry && typeof entry === "object" ? Object.values(entry)[0] : undefined;
    return classifyItem(action, item);
  });
}

function describeError(status: number, error: ResponseItem["error"]): BulkItemError {
  if (typeof error === "string") return { status, errorType: "error", reason: error };
  const cause = error?.caused_by?.reason ? ` (caused by ${error.caused_by.type}: ${error.caused_by.reason})` : "";
  return { status, errorType: error?.type ?? `http_${status}`, reason: `${error?.reason ?? "no reason given"}${cause}` };
}
