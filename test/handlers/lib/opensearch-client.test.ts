// The handlers' SigV4 fetch client against the OpenSearch JavaScript client it replaced: for
// every request shape the handlers send, the same credentials and the same instant give
// byte-identical Authorization headers (the reference client is a devDependency for this test
// only). Then, over the wire, what the domain reads: statuses come back as responses, JSON is
// parsed, and a request that gets no answer fails with an error saying so.
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import { SignatureV4 } from "@smithy/signature-v4";
import { strict as assert } from "node:assert";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createOpenSearchClient,
  OpenSearchConnectionError,
  type OpenSearchRequest,
  Sha256,
  signedHeaders,
} from "../../../handlers/lib/opensearch-client";
import { ordersIndexMappings, ordersIndexTemplate } from "../../../handlers/shared/order-index";

const endpoint = "https://vpc-orders-abc123.eu-west-1.es.amazonaws.com";
const region = "eu-west-1";
const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "session-token/with+odd=chars",
};
const amzDate = "20261201T120000Z";
const signingDate = new Date("2026-12-01T12:00:00Z");

/** What the OpenSearch client would send for one call: its signed request object, captured before any I/O. */
async function referenceHeaders(call: (client: Client) => Promise<unknown>): Promise<Record<string, string>> {
  const signer = AwsSigv4Signer({ region, service: "es", getCredentials: async () => credentials });
  let captured: { headers: Record<string, string> } | undefined;
  class CapturingConnection extends signer.Connection {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    request(params: any, callback: (err: Error | null, response: null) => void): any {
      captured = (this as any).buildRequestObject(params);
      process.nextTick(callback, new Error("captured, not sent"), null);
      return { abort: () => undefined };
    }
  }
  const client = new Client({ ...signer, Connection: CapturingConnection as never, node: endpoint, maxRetries: 0 });
  await call(client).catch(() => undefined);
  assert.ok(captured, "the reference client built no request");
  return captured.headers;
}

/** The same request through ours. */
function ourHeaders(request: OpenSearchRequest): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: "es", region, credentials: async () => credentials, sha256: Sha256 });
  const body = request.ndjson ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
  return signedHeaders(signer, new URL(endpoint), request, body, signingDate);
}

const pinned = { headers: { "x-amz-date": amzDate } };
const bulkBody = `${[
  JSON.stringify({ index: { _id: "o-1", version: 3, version_type: "external" } }),
  JSON.stringify({ orderId: "o-1", customerId: "alice", status: "PAID", note: "ünïcödé & spaces" }),
  JSON.stringify({ delete: { _id: "o-2", version: 7, version_type: "external" } }),
].join("\n")}\n`;
const searchBody = {
  size: 20,
  query: { bool: { filter: [{ term: { customerId: "alice" } }], must: [{ match_all: {} }] } },
  track_total_hits: true,
};
const roleMapping = { backend_roles: ["arn:aws:iam::123456789012:role/orders-role-3c4d"] };

const shapes: Array<{ name: string; reference: (client: Client) => Promise<unknown>; ours: OpenSearchRequest }> = [
  {
    name: "orders search: POST /orders/_search?ignore_unavailable=true",
    reference: (c) => c.search({ index: "orders", body: searchBody as never, ignore_unavailable: true }, pinned),
    ours: { method: "POST", path: "/orders/_search", query: { ignore_unavailable: true }, body: searchBody },
  },
  {
    name: "indexer bulk: PUT /orders/_bulk with NDJSON",
    reference: (c) => c.bulk({ index: "orders", body: bulkBody as never }, pinned),
    ours: { method: "PUT", path: "/orders/_bulk", ndjson: bulkBody },
  },
  {
    name: "bootstrap: GET /_index_template/orders",
    reference: (c) => c.indices.getIndexTemplate({ name: "orders" }, pinned),
    ours: { method: "GET", path: "/_index_template/orders" },
  },
  {
    name: "bootstrap: POST /_index_template/orders?create=true",
    reference: (c) =>
      c.indices.putIndexTemplate({ name: "orders", create: true, body: ordersIndexTemplate as never }, pinned),
    ours: { method: "POST", path: "/_index_template/orders", query: { create: true }, body: ordersIndexTemplate },
  },
  {
    name: "bootstrap: HEAD /orders",
    reference: (c) => c.indices.exists({ index: "orders" }, pinned),
    ours: { method: "HEAD", path: "/orders" },
  },
  {
    name: "bootstrap: PUT /orders",
    reference: (c) => c.indices.create({ index: "orders" }, pinned),
    ours: { method: "PUT", path: "/orders" },
  },
  {
    name: "bootstrap: POST /orders/_mapping",
    reference: (c) => c.indices.putMapping({ index: "orders", body: ordersIndexMappings as never }, pinned),
    ours: { method: "POST", path: "/orders/_mapping", body: ordersIndexMappings },
  },
  {
    name: "search-access: PUT /_plugins/_security/api/rolesmapping/orders_reader",
    reference: (c) =>
      c.transport.request(
        { method: "PUT", path: "/_plugins/_security/api/rolesmapping/orders_reader", body: roleMapping },
        pinned,
      ),
    ours: { method: "PUT", path: "/_plugins/_security/api/rolesmapping/orders_reader", body: roleMapping },
  },
];

describe("handlers/lib: the SigV4 OpenSearch client", () => {
  describe("signs like the OpenSearch JavaScript client", () => {
    for (const shape of shapes) {
      it(shape.name, async () => {
        const reference = await referenceHeaders(shape.reference);
        const ours = await ourHeaders(shape.ours);
        assert.match(
          reference.Authorization,
          /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261201\/eu-west-1\/es\/aws4_request, /,
        );
        assert.equal(ours.authorization, reference.Authorization);
        assert.equal(ours["x-amz-content-sha256"], reference["x-amz-content-sha256"]);
        assert.equal(ours["x-amz-security-token"], reference["X-Amz-Security-Token"]);
      });
    }
  });

  describe("over the wire", () => {
    let server: Server;
    let base: string;
    let received: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }>;
    let reply: (url: string) => { status: number; type?: string; body?: string; hang?: boolean };

    before(async () => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          received.push({
            method: req.method ?? "",
            url: req.url ?? "",
            headers: req.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          });
          const answer = reply(req.url ?? "");
          if (answer.hang) return;
          res.writeHead(answer.status, answer.type ? { "content-type": answer.type } : {});
          res.end(answer.body);
        });
      });
      await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    });
    beforeEach(() => {
      received = [];
      reply = () => ({ status: 200, type: "application/json; charset=UTF-8", body: '{"acknowledged":true}' });
    });

    const client = (timeoutMs = 2000) =>
      createOpenSearchClient({
        endpoint: base,
        region,
        credentials: async () => credentials,
        requestTimeoutMs: timeoutMs,
      });

    it("sends the body, the query and the signature, and parses a JSON answer", async () => {
      const response = await client().request({
        method: "POST",
        path: "/orders/_search",
        query: { ignore_unavailable: true },
        body: searchBody,
      });
      assert.deepEqual(response, { statusCode: 200, body: { acknowledged: true } });
      const [request] = received;
      assert.equal(`${request.method} ${request.url}`, "POST /orders/_search?ignore_unavailable=true");
      assert.deepEqual(JSON.parse(request.body), searchBody);
      assert.equal(request.headers["content-type"], "application/json");
      assert.match(
        String(request.headers.authorization),
        /SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
      );
      assert.equal(request.headers["x-amz-security-token"], credentials.sessionToken);
      assert.equal(request.headers.host, new URL(base).host, "the Host header sent is the one signed");
    });

    it("sends NDJSON as it is, with its content type", async () => {
      await client().request({ method: "PUT", path: "/orders/_bulk", ndjson: bulkBody });
      assert.equal(received[0].body, bulkBody);
      assert.equal(received[0].headers["content-type"], "application/x-ndjson");
    });

    it("returns an error status as a response with OpenSearch's reason, and text that is not JSON as text", async () => {
      reply = () => ({
        status: 403,
        type: "application/json",
        body: '{"error":{"type":"security_exception","reason":"no permissions"},"status":403}',
      });
      assert.deepEqual(await client().request({ method: "GET", path: "/_index_template/orders" }), {
        statusCode: 403,
        body: { error: { type: "security_exception", reason: "no permissions" }, status: 403 },
      });
      reply = () => ({ status: 502, type: "text/html", body: "<html>502 Bad Gateway</html>" });
      assert.deepEqual(await client().request({ method: "GET", path: "/" }), {
        statusCode: 502,
        body: "<html>502 Bad Gateway</html>",
      });
    });

    it("fails a request that gets no answer within its timeout, naming it", async () => {
      reply = () => ({ status: 200, hang: true });
      await assert.rejects(
        client(200).request({ method: "HEAD", path: "/orders" }),
        (err: Error) => err instanceof OpenSearchConnectionError && /HEAD \/orders timed out/.test(err.message),
      );
    });

    it("fails a refused connection, naming it", async () => {
      // A port that was just free: nothing listens on it.
      const probe = createServer();
      await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
      const { port } = probe.address() as AddressInfo;
      await new Promise<void>((done) => probe.close(() => done()));
      const closed = createOpenSearchClient({
        endpoint: `http://127.0.0.1:${port}`,
        region,
        credentials: async () => credentials,
      });
      await assert.rejects(
        closed.request({ method: "GET", path: "/" }),
        (err: Error) => err instanceof OpenSearchConnectionError && /GET \/ failed: ECONNREFUSED/.test(err.message),
      );
    });
  });
});
