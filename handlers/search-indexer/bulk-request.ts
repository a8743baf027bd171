// Bulk actions → NDJSON `_bulk` bodies no larger than a byte cap. Amazon OpenSearch takes
// 10-100 MiB per HTTP request depending on instance type, and bulk requests of 5-15 MiB are
// the recommended size: 5 MiB keeps every domain size safe and each request quick.
import type { BulkAction } from "./stream-record";

export const maxBulkRequestBytes = 5 * 1024 * 1024;

export interface BulkChunk {
  actions: BulkAction[];
  /** NDJSON, every line (the last included) terminated by "\n" as `_bulk` requires. */
  body: string;
  bytes: number;
}

/**
 * The action's NDJSON lines. The index is in the request path (`/orders/_bulk`), so the
 * metadata line only carries the id and the external version.
 */
export function bulkActionLines(action: BulkAction): string {
  const meta = { _id: action.id, version: action.version, version_type: "external" };
  if (action.operation === "delete") return `${JSON.stringify({ delete: meta })}\n`;
  return `${JSON.stringify({ index: meta })}\n${JSON.stringify(action.document ?? {})}\n`;
}

/**
 * Packs actions, in order, into as few bodies as fit under `maxBytes`. An action larger than
 * the cap on its own (impossible for a 400 KB DynamoDB item under a 5 MiB cap) is still sent,
 * alone, rather than dropped.
 */
export function toBulkChunks(actions: BulkAction[], maxBytes = maxBulkRequestBytes): BulkChunk[] {
  const chunks: BulkChunk[] = [];
  let current: { actions: BulkAction[]; parts: string[]; bytes: number } = { actions: [], parts: [], bytes: 0 };
  const flush = () => {
    if (current.actions.length === 0) return;
    chunks.push({ actions: current.actions, body: current.parts.join(""), bytes: current.bytes });
    current = { actions: [], parts: [], bytes: 0 };
  };
  for (const action of actions) {
    const lines = bulkActionLines(action);
    const bytes = Buffer.byteLength(lines);
    if (current.bytes + bytes > maxBytes) flush();
    current.actions.push(action);
    current.parts.push(lines);
    current.bytes += bytes;
  }
  flush();
  return chunks;
}
