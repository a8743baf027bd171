// A local stand-in for an Amazon OpenSearch domain, speaking the REST wire format over HTTP on
// 127.0.0.1 (port 0): index templates, index create/exists/mapping, `_bulk` (NDJSON in,
// per-item results out, with real internal and external versioning and delete tombstones),
// single-document get/index/delete, `_search` (see ./opensearch-query) and `_count`.
// Documents are checked against the index mapping like OpenSearch does (./opensearch-mapping).
// Tests can fail single bulk items (`bulkItemFault`) or whole requests (`requestFault`), and
// read every request received (`requests`) to check signing and request counts. Local mode
// serves it over TLS (the handlers accept only https endpoints) and keeps its state on disk.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { type Mappings, mergeMappings, validateDocument } from "./opensearch-mapping";
import { QueryError, type SearchableDocument, searchResponse } from "./opensearch-query";

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface StoredDocument {
  source?: Record<string, unknown>;
  version: number;
  seqNo: number;
  /** A delete tombstone: remembers the version so older writes stay refused. */
  deleted: boolean;
}

export interface BulkItem {
  operation: "index" | "create" | "delete";
  index: string;
  id: string;
  version?: number;
  versionType: string;
  source?: unknown;
  /** 1 the first time this exact operation (index, id, version) is received, then 2, 3, ... */
  attempt: number;
}

export interface Fault {
  status: number;
  type: string;
  reason: string;
}

interface IndexState {
  mappings: Mappings;
  settings: Record<string, unknown>;
  documents: Map<string, StoredDocument>;
  seqNo: number;
}

/** Everything the fake holds, as plain JSON (local mode saves it across restarts). */
export interface FakeOpenSearchState {
  templates: [string, Record<string, unknown>][];
  indices: [
    string,
    { mappings: Mappings; settings: Record<string, unknown>; seqNo: number; documents: [string, StoredDocument][] },
  ][];
}

export interface FakeOpenSearchOptions {
  /** Serve https with this key pair instead of plain http. */
  tls?: { key: string; cert: string };
  /** Fixed port; 0 (default) picks a free one. */
  port?: number;
  /** Keep every request in `requests` (default true; a long-running local mode turns it off). */
  recordRequests?: boolean;
}

interface Reply {
  status: number;
  body?: unknown;
}

const error = (status: number, type: string, reason: string, extra: Record<string, unknown> = {}): Reply => ({
  status,
  body: { error: { root_cause: [{ type, reason, ...extra }], type, reason, ...extra }, status },
});

export class FakeOpenSearch {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Return a fault to fail one bulk item (it is then not applied). */
  bulkItemFault?: (item: BulkItem) => Fault | undefined;
  /** Return a reply to fail a whole request before it is handled. */
  requestFault?: (request: RecordedRequest) => { status: number; body?: unknown } | undefined;
  /** Amazon OpenSearch's HTTP payload limit for small instance types. */
  maxRequestBytes = 10 * 1024 * 1024;

  readonly templates = new Map<string, Record<string, unknown>>();
  readonly indices = new Map<string, IndexState>();
  private readonly attempts = new Map<string, number>();
  private server: Server | undefined;
  private url: string | undefined;

  constructor(private readonly options: FakeOpenSearchOptions = {}) {}

  /** http(s)://127.0.0.1:<port> */
  get endpoint(): string {
    if (!this.url) throw new Error("FakeOpenSearch is not started");
    return this.url;
  }

  async start(): Promise<this> {
    const handle = (req: IncomingMessage, res: ServerResponse) => void this.receive(req, res);
    const tls = this.options.tls;
    this.server = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, handle) : createServer(handle);
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.options.port ?? 0, "127.0.0.1", () => resolve());
    });
    this.url = `${tls ? "https" : "http"}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  exportState(): FakeOpenSearchState {
    return {
      templates: [...this.templates],
      indices: [...this.indices].map(([name, state]) => [
        name,
        { mappings: state.mappings, settings: state.settings, seqNo: state.seqNo, documents: [...state.documents] },
      ]),
    };
  }

  importState(state: FakeOpenSearchState): void {
    this.templates.clear();
    this.indices.clear();
    for (const [name, template] of state.templates) this.templates.set(name, template);
    for (const [name, index] of state.indices)
      this.indices.set(name, { ...index, documents: new Map(index.documents) });
  }

  /** A live document (undefined when missing or deleted). */
  document(index: string, id: string): StoredDocument | undefined {
    const doc = this.indices.get(index)?.documents.get(id);
    return doc && !doc.deleted ? doc : undefined;
  }

  /** The stored version of a document or its tombstone. */
  versionOf(index: string, id: string): number | undefined {
    return this.indices.get(index)?.documents.get(id)?.version;
  }

  liveDocumentCount(index: string): number {
    return [...(this.indices.get(index)?.documents.values() ?? [])].filter((d) => !d.deleted).length;
  }

  /** The `_bulk` requests received, with their NDJSON bodies. */
  bulkRequests(): RecordedRequest[] {
    return this.requests.filter((r) => /(^|\/)_bulk$/.test(r.path));
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      chunks.push(chunk as Buffer);
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const request: RecordedRequest = {
      method: req.method ?? "GET",
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    if (this.options.recordRequests ?? true) this.requests.push(request);
    let reply: Reply;
    try {
      if (size > this.maxRequestBytes) {
        reply = error(
          413,
          "http_request_too_large",
          `request of ${size} bytes exceeds the ${this.maxRequestBytes} byte limit`,
        );
      } else {
        reply = this.requestFault?.(request) ?? this.route(request);
      }
    } catch (err) {
      reply =
        err instanceof QueryError ? error(err.status, err.type, err.reason) : error(500, "exception", String(err));
    }
    const payload = reply.body === undefined || request.method === "HEAD" ? "" : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      "content-type": "application/json; charset=UTF-8",
      "content-length": Buffer.byteLength(payload),
    });
    res.end(payload);
  }

  private route(request: RecordedRequest): Reply {
    const { method } = request;
    const parts = request.path.split("/").filter(Boolean);
    if (parts.length === 0) {
      return {
        status: 200,
        body: {
          name: "fake",
          cluster_name: "fake-opensearch",
          version: { distribution: "opensearch", number: "2.19.0" },
        },
      };
    }
    if (parts[0] === "_index_template" && parts.length === 2) return this.indexTemplate(method, parts[1], request);
    if (parts[0] === "_bulk" && parts.length === 1 && (method === "POST" || method === "PUT"))
      return this.bulk(undefined, request);
    if (parts[0] === "_search" && parts.length === 1) return this.search([...this.indices.keys()], request);
    if (parts[0].startsWith("_")) return this.noHandler(request);

    const index = parts[0];
    if (parts.length === 1) return this.indexApi(method, index, request);
    switch (parts[1]) {
      case "_bulk":
        if (method === "POST" || method === "PUT") return this.bulk(index, request);
        break;
      case "_search":
        if (method === "GET" || method === "POST") return this.search(index.split(","), request);
        break;
      case "_count":
        if (method === "GET" || method === "POST") {
          const body = request.body ? JSON.parse(request.body) : {};
          const { hits } = this.runSearch(index.split(","), { query: body.query, size: 0 });
          return {
            status: 200,
            body: { count: hits.total.value, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } },
          };
        }
        break;
      case "_refresh":
        if (method === "POST" || method === "GET")
          return this.withIndex(index, () => ({
            status: 200,
            body: { _shards: { total: 1, successful: 1, failed: 0 } },
          }));
        break;
      case "_mapping":
        return this.mapping(method, index, request);
      case "_doc":
        if (parts.length === 3) return this.doc(method, index, parts[2], request);
        break;
    }
    return this.noHandler(request);
  }

  private noHandler(request: RecordedRequest): Reply {
    return error(
      400,
      "illegal_argument_exception",
      `no handler found for uri [${request.path}] and method [${request.method}]`,
    );
  }

  private json(request: RecordedRequest): Record<string, unknown> {
    if (!request.body) return {};
    try {
      return JSON.parse(request.body);
    } catch {
      throw new QueryError("parse_exception", "request body is required and must be JSON");
    }
  }

  private indexTemplate(method: string, name: string, request: RecordedRequest): Reply {
    const template = this.templates.get(name);
    switch (method) {
      case "HEAD":
        return { status: template ? 200 : 404 };
      case "GET":
        if (!template) return error(404, "resource_not_found_exception", `index template matching [${name}] not found`);
        return { status: 200, body: { index_templates: [{ name, index_template: template }] } };
      case "PUT":
      case "POST": {
        if (template && request.query.get("create") === "true") {
          return error(400, "illegal_argument_exception", `index template [${name}] already exists`);
        }
        const body = this.json(request);
        if (!Array.isArray(body.index_patterns) || body.index_patterns.length === 0) {
          return error(400, "action_request_validation_exception", "Validation Failed: 1: index patterns are missing;");
        }
        this.templates.set(name, structuredClone(body));
        return { status: 200, body: { acknowledged: true } };
      }
      case "DELETE":
        if (!template) return error(404, "index_template_missing_exception", `index_template [${name}] missing`);
        this.templates.delete(name);
        return { status: 200, body: { acknowledged: true } };
    }
    return this.noHandler(request);
  }

  /** Creates an index from the matching templates (highest priority wins) plus `body`. */
  private createIndex(index: string, body: Record<string, unknown> = {}): IndexState {
    const matching = [...this.templates.values()]
      .filter((t) => (t.index_patterns as string[]).some((p) => globMatches(p, index)))
      .sort((a, b) => Number(b.priority ?? 0) - Number(a.priority ?? 0));
    const template = (matching[0]?.template ?? {}) as { settings?: Record<string, unknown>; mappings?: Mappings };
    const state: IndexState = {
      mappings: structuredClone(template.mappings ?? {}),
      settings: { ...(template.settings ?? {}), ...((body.settings as Record<string, unknown>) ?? {}) },
      documents: new Map(),
      seqNo: 0,
    };
    if (body.mappings) {
      const conflict = mergeMappings(state.mappings, body.mappings as Mappings);
      if (conflict) throw new QueryError(conflict.type, conflict.reason);
    }
    this.indices.set(index, state);
    return state;
  }

  private withIndex(index: string, handle: (state: IndexState) => Reply): Reply {
    const state = this.indices.get(index);
    if (!state) return error(404, "index_not_found_exception", `no such index [${index}]`, { index });
    return handle(state);
  }

  private indexApi(method: string, index: string, request: RecordedRequest): Reply {
    switch (method) {
      case "HEAD":
        return { status: this.indices.has(index) ? 200 : 404 };
      case "GET":
        return this.withIndex(index, (s) => ({
          status: 200,
          body: { [index]: { aliases: {}, mappings: s.mappings, settings: { index: s.settings } } },
        }));
      case "PUT": {
        if (this.indices.has(index))
          return error(400, "resource_already_exists_exception", `index [${index}] already exists`, { index });
        if (index !== index.toLowerCase())
          return error(400, "invalid_index_name_exception", `Invalid index name [${index}], must be lowercase`, {
            index,
          });
        this.createIndex(index, this.json(request));
        return { status: 200, body: { acknowledged: true, shards_acknowledged: true, index } };
      }
      case "DELETE":
        return this.withIndex(index, () => {
          this.indices.delete(index);
          return { status: 200, body: { acknowledged: true } };
        });
    }
    return this.noHandler(request);
  }

  private mapping(method: string, index: string, request: RecordedRequest): Reply {
    return this.withIndex(index, (state) => {
      if (method === "GET") return { status: 200, body: { [index]: { mappings: state.mappings } } };
      if (method !== "PUT" && method !== "POST") return this.noHandler(request);
      const conflict = mergeMappings(state.mappings, this.json(request) as Mappings);
      return conflict ? error(400, conflict.type, conflict.reason) : { status: 200, body: { acknowledged: true } };
    });
  }

  private doc(method: string, index: string, id: string, request: RecordedRequest): Reply {
    if (method === "GET" || method === "HEAD") {
      const doc = this.document(index, id);
      if (!this.indices.has(index))
        return error(404, "index_not_found_exception", `no such index [${index}]`, { index });
      if (!doc) return { status: 404, body: { _index: index, _id: id, found: false } };
      return {
        status: 200,
        body: {
          _index: index,
          _id: id,
          _version: doc.version,
          _seq_no: doc.seqNo,
          _primary_term: 1,
          found: true,
          _source: doc.source,
        },
      };
    }
    if (method === "PUT" || method === "POST" || method === "DELETE") {
      const version = request.query.get("version");
      const item: BulkItem = {
        operation: method === "DELETE" ? "delete" : request.query.get("op_type") === "create" ? "create" : "index",
        index,
        id,
        version: version === null ? undefined : Number(version),
        versionType: request.query.get("version_type") ?? "internal",
        source: method === "DELETE" ? undefined : this.json(request),
        attempt: 1,
      };
      const result = this.apply(item);
      return { status: result.status, body: result };
    }
    return this.noHandler(request);
  }

  private bulk(pathIndex: string | undefined, request: RecordedRequest): Reply {
    const contentType = String(request.headers["content-type"] ?? "");
    if (!/application\/(x-ndjson|json)/.test(contentType)) {
      return error(406, "content_type_not_supported", `Content-Type header [${contentType}] is not supported`);
    }
    if (!request.body.endsWith("\n")) {
      return error(400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]");
    }
    const lines = request.body.split("\n");
    lines.pop();
    const items: BulkItem[] = [];
    for (let i = 0; i < lines.length; i++) {
      let action: Record<string, Record<string, unknown>>;
      try {
        action = JSON.parse(lines[i]);
      } catch {
        return error(
          400,
          "illegal_argument_exception",
          `Malformed action/metadata line [${i + 1}], expected START_OBJECT`,
        );
      }
      const [operation, meta] = Object.entries(action)[0] ?? [];
      if (operation !== "index" && operation !== "create" && operation !== "delete") {
        return error(
          400,
          "illegal_argument_exception",
          `Malformed action/metadata line [${i + 1}], expected one of [create, delete, index] but found [${operation}]`,
        );
      }
      const index = (meta._index as string | undefined) ?? pathIndex;
      if (!index) return error(400, "action_request_validation_exception", "Validation Failed: 1: index is missing;");
      const versionType = String(meta.version_type ?? "internal");
      if (versionType !== "internal" && meta.version === undefined) {
        return error(
          400,
          "action_request_validation_exception",
          `Validation Failed: 1: version type [${versionType}] requires a version;`,
        );
      }
      let source: unknown;
      if (operation !== "delete") {
        i += 1;
        if (i >= lines.length)
          return error(400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]");
        try {
          source = JSON.parse(lines[i]);
        } catch {
          source = Symbol.for("unparseable");
        }
      }
      const id = meta._id === undefined ? Math.random().toString(36).slice(2) : String(meta._id);
      const version = meta.version === undefined ? undefined : Number(meta.version);
      const key = `${index}/${id}/${operation}/${version}`;
      const attempt = (this.attempts.get(key) ?? 0) + 1;
      this.attempts.set(key, attempt);
      items.push({ operation, index, id, version, versionType, source, attempt });
    }
    const started = Date.now();
    const results = items.map((item) => {
      const fault = this.bulkItemFault?.(item);
      if (fault) {
        return {
          [item.operation]: {
            _index: item.index,
            _id: item.id,
            status: fault.status,
            error: { type: fault.type, reason: fault.reason, index: item.index },
          },
        };
      }
      return { [item.operation]: this.apply(item) };
    });
    return {
      status: 200,
      body: { took: Date.now() - started, errors: results.some((r) => "error" in Object.values(r)[0]), items: results },
    };
  }

  /** Applies one index/create/delete with OpenSearch's versioning rules. */
  private apply(item: BulkItem): Record<string, unknown> & { status: number } {
    const state = this.indices.get(item.index) ?? this.createIndex(item.index);
    const base = { _index: item.index, _id: item.id };
    const fail = (status: number, type: string, reason: string, extra: Record<string, unknown> = {}) => ({
      ...base,
      status,
      error: { type, reason, index: item.index, shard: "0", index_uuid: "fake", ...extra },
    });
    if (item.source === Symbol.for("unparseable")) return fail(400, "mapper_parsing_exception", "failed to parse");

    if (item.operation !== "delete") {
      // OpenSearch parses the document against the mapping before it checks versions.
      const rejected = validateDocument(state.mappings, item.source, item.id);
      if (rejected)
        return fail(400, rejected.type, rejected.reason, rejected.caused_by ? { caused_by: rejected.caused_by } : {});
    }

    const current = state.documents.get(item.id);
    const live = current !== undefined && !current.deleted;
    let version: number;
    if (item.versionType === "external" || item.versionType === "external_gte") {
      const given = item.version!;
      const conflicts =
        current !== undefined && (item.versionType === "external" ? current.version >= given : current.version > given);
      if (conflicts) {
        return fail(
          409,
          "version_conflict_engine_exception",
          `[${item.id}]: version conflict, current version [${current.version}] is higher or equal to the one provided [${given}]`,
        );
      }
      version = given;
    } else {
      if (item.version !== undefined && current?.version !== item.version) {
        return fail(
          409,
          "version_conflict_engine_exception",
          `[${item.id}]: version conflict, current version [${current?.version ?? -1}] is different than the one provided [${item.version}]`,
        );
      }
      if (item.operation === "create" && live) {
        return fail(
          409,
          "version_conflict_engine_exception",
          `[${item.id}]: version conflict, document already exists (current version [${current.version}])`,
        );
      }
      version = (current?.version ?? 0) + 1;
    }
    state.seqNo += 1;
    const shards = { total: 1, successful: 1, failed: 0 };
    if (item.operation === "delete") {
      // External deletes record a tombstone even when the document is not there.
      state.documents.set(item.id, { version, seqNo: state.seqNo, deleted: true });
      return {
        ...base,
        _version: version,
        result: live ? "deleted" : "not_found",
        _shards: shards,
        _seq_no: state.seqNo,
        _primary_term: 1,
        status: live ? 200 : 404,
      };
    }
    state.documents.set(item.id, {
      source: item.source as Record<string, unknown>,
      version,
      seqNo: state.seqNo,
      deleted: false,
    });
    return {
      ...base,
      _version: version,
      result: live ? "updated" : "created",
      _shards: shards,
      _seq_no: state.seqNo,
      _primary_term: 1,
      status: live ? 200 : 201,
    };
  }

  private runSearch(indices: string[], body: Record<string, unknown>) {
    const documents: SearchableDocument[] = [];
    for (const index of indices) {
      const state = this.indices.get(index);
      if (!state) throw new QueryError("index_not_found_exception", `no such index [${index}]`, 404);
      for (const [id, doc] of state.documents) {
        if (!doc.deleted) documents.push({ index, id, source: doc.source ?? {}, mappings: state.mappings });
      }
    }
    return searchResponse(documents, body);
  }

  private search(named: string[], request: RecordedRequest): Reply {
    // ignore_unavailable: a missing index is skipped (an empty result) instead of a 404.
    const indices =
      request.query.get("ignore_unavailable") === "true" ? named.filter((i) => this.indices.has(i)) : named;
    const missing = indices.find((i) => !this.indices.has(i));
    if (missing) return error(404, "index_not_found_exception", `no such index [${missing}]`, { index: missing });
    const started = Date.now();
    const { hits, aggregations } = this.runSearch(indices, this.json(request));
    return {
      status: 200,
      body: {
        took: Date.now() - started,
        timed_out: false,
        _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
        hits,
        ...(aggregations ? { aggregations } : {}),
      },
    };
  }
}

function globMatches(pattern: string, name: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return regex.test(name);
}
