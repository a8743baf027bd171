// A stand-in OpenSearch on 127.0.0.1 that answers `POST /<index>/_search` in OpenSearch's
// wire format and records every request, so tests can assert on the exact query sent.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedSearch {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Record<string, any>;
}

export interface SearchServer {
  endpoint: string;
  requests: RecordedSearch[];
  /** Documents the next `_search` answers with, as hits in the given order. */
  respondWith(documents: object[]): void;
  /** Answer every request with this HTTP error until reset with respondWith. */
  failWith(statusCode: number): void;
  /** Hold every answer back this long (a slow domain) until reset with respondWith. */
  delayBy(ms: number): void;
  stop(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

const safeJson = (text: string): Record<string, any> => {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return { unparsed: text };
  }
};

export function startSearchServer(): Promise<SearchServer> {
  const requests: RecordedSearch[] = [];
  let documents: object[] = [];
  let failure: number | undefined;
  let delayMs = 0;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const text = await readBody(req);
    const send = (status: number, body: object) => {
      res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
      res.end(JSON.stringify(body));
    };
    // Every request is recorded, the ones it does not serve too (the IAM test reads them).
    requests.push({ method: req.method ?? "", path: url.pathname, query: url.searchParams, body: safeJson(text) });
    if (!url.pathname.endsWith("/_search"))
      return send(404, { error: { type: "not_found", reason: url.pathname }, status: 404 });
    if (delayMs > 0) await new Promise((done) => setTimeout(done, delayMs));
    if (res.destroyed) return;
    if (failure) {
      return send(failure, {
        error: { root_cause: [], type: "cluster_block_exception", reason: "unavailable" },
        status: failure,
      });
    }
    send(200, {
      took: 3,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: {
        total: { value: documents.length, relation: "eq" },
        max_score: null,
        hits: documents.map((doc) => ({
          _index: "orders",
          _id: (doc as { orderId?: string }).orderId,
          _score: null,
          _source: doc,
          sort: [Date.parse((doc as { createdAt?: string }).createdAt ?? "0")],
        })),
      },
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        endpoint: `http://127.0.0.1:${port}`,
        requests,
        respondWith: (docs) => {
          documents = docs;
          failure = undefined;
          delayMs = 0;
        },
        failWith: (status) => {
          failure = status;
        },
        delayBy: (ms) => {
          delayMs = ms;
        },
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
