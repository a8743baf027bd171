// An OpenSearch client stand-in for `_bulk` only, answering each request as a script says:
// documented item shapes (status, error type) and the replies a broken proxy or cluster can
// give (items for other ids, fewer or more items, a body that is not JSON, a failed request).
// It records which actions it really applied, so tests can check where every record ended.
import type { OpenSearchClient, OpenSearchRequest, OpenSearchResponse } from "../handlers/lib/opensearch-client";

export interface BulkLine {
  operation: "index" | "delete";
  id: string;
  version: number;
}

export type ItemAnswer = { status: 200 | 201 } | { status: 409 } | { status: number; errorType: string };

export type BulkReply =
  | { kind: "items"; answer: (line: BulkLine, position: number) => ItemAnswer }
  | { kind: "other-ids" }
  | { kind: "fewer-items" }
  | { kind: "extra-items" }
  | { kind: "not-json" }
  | { kind: "request-fails"; status: number };

export class ScriptedBulkClient {
  /** Every `_bulk` request, as its parsed action lines. */
  readonly requests: BulkLine[][] = [];
  /** Ids applied (2xx) or found superseded (409): the index holds them at this version or newer. */
  readonly settled = new Set<string>();
  /** What the index holds per id: as OpenSearch's external versioning, a version at or below it is a 409 whatever the script says. */
  private readonly versions = new Map<string, number>();
  constructor(private readonly script: (call: number, lines: BulkLine[]) => BulkReply) {}

  asClient(): OpenSearchClient {
    return this as unknown as OpenSearchClient;
  }

  async request(params: OpenSearchRequest): Promise<OpenSearchResponse<any>> {
    if (params.method !== "PUT" || !params.path.endsWith("/_bulk") || params.ndjson === undefined)
      throw new Error(`not a _bulk request: ${params.method} ${params.path}`);
    const lines = parseBulkBody(params.ndjson);
    const call = this.requests.length;
    this.requests.push(lines);
    const reply = this.script(call, lines);
    const ok = (line: BulkLine) => ({
      [line.operation]: {
        _index: "orders",
        _id: line.id,
        status: line.operation === "index" ? 201 : 200,
        result: "created",
      },
    });
    switch (reply.kind) {
      case "request-fails":
        return { statusCode: reply.status, body: { error: { type: "http", reason: "failed" }, status: reply.status } };
      case "not-json":
        return { statusCode: 200, body: "<html><body>502 Bad Gateway</body></html>" };
      case "fewer-items":
        return {
          statusCode: 200,
          body: { took: 1, errors: false, items: lines.slice(0, Math.max(0, lines.length - 1)).map(ok) },
        };
      case "extra-items":
        return {
          statusCode: 200,
          body: {
            took: 1,
            errors: false,
            items: [ok({ operation: "index", id: "someone-else", version: 1 }), ...lines.map(ok)],
          },
        };
      case "other-ids":
        return {
          statusCode: 200,
          body: { took: 1, errors: false, items: lines.map((l) => ok({ ...l, id: `${l.id}-other` })) },
        };
      case "items": {
        const items = lines.map((line, position) => {
          const held = this.versions.get(line.id);
          const answer: ItemAnswer =
            held !== undefined && line.version <= held ? { status: 409 } : reply.answer(line, position);
          // 2xx: the index now holds this version; 409: it holds this one or a newer one.
          if (answer.status < 300 || answer.status === 409)
            this.versions.set(line.id, Math.max(held ?? 0, line.version));
          if (answer.status < 300 || answer.status === 409) this.settled.add(line.id);
          if (answer.status < 300) return ok(line);
          const errorType = "errorType" in answer ? answer.errorType : "version_conflict_engine_exception";
          return {
            [line.operation]: {
              _index: "orders",
              _id: line.id,
              status: answer.status,
              error: { type: errorType, reason: `${errorType} for ${line.id}` },
            },
          };
        });
        return { statusCode: 200, body: { took: 1, errors: items.some((i) => "error" in Object.values(i)[0]), items } };
      }
    }
  }
}

function parseBulkBody(body: string): BulkLine[] {
  const lines = body
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const actions: BulkLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const operation = "index" in lines[i] ? "index" : "delete";
    const meta = lines[i][operation];
    actions.push({ operation, id: meta._id, version: meta.version });
    if (operation === "index") i++; // the document line
  }
  return actions;
}
