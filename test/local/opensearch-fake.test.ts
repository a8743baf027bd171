// The OpenSearch fake as local mode's search backend: a first search before any order is
// indexed is an empty result (ignore_unavailable), it serves TLS, and its state survives a restart.
import * as assert from "node:assert/strict";
import { request } from "node:https";
import { FakeOpenSearch } from "../../testing/opensearch-server";
import { localCertificate } from "../../local/tls";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

async function send(fake: FakeOpenSearch, method: string, path: string, body?: unknown, ca?: string) {
  const url = new URL(path, fake.endpoint);
  if (url.protocol === "http:") {
    const response = await fetch(url, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    return { status: response.status, body: (await response.json()) as any };
  }
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = request(url, { method, ca, headers: { "content-type": "application/json" } }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe("local: the OpenSearch fake as the search backend", () => {
  let fake: FakeOpenSearch;
  afterEach(async () => fake?.stop());

  it("answers a search on a missing index with ignore_unavailable with an empty result, not an error", async () => {
    fake = await new FakeOpenSearch().start();
    const ignored = await send(fake, "POST", "/orders/_search?ignore_unavailable=true", { query: { match_all: {} } });
    assert.equal(ignored.status, 200);
    assert.deepEqual(ignored.body.hits.hits, []);
    assert.equal(ignored.body.hits.total.value, 0);
    const strict = await send(fake, "POST", "/orders/_search", { query: { match_all: {} } });
    assert.equal(strict.status, 404);
    assert.equal(strict.body.error.type, "index_not_found_exception");
  });

  it("serves https with the local certificate, and keeps its documents through export and import", async () => {
    const dir = mkdtempSync(join(tmpdir(), "local-tls-"));
    try {
      const tls = await localCertificate(dir);
      fake = await new FakeOpenSearch({ tls }).start();
      assert.match(fake.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.equal((await send(fake, "PUT", "/orders/_doc/o1", { status: "PLACED" }, tls.cert)).status, 201);
      const state = JSON.parse(JSON.stringify(fake.exportState()));
      await fake.stop();
      fake = await new FakeOpenSearch({ tls }).start();
      fake.importState(state);
      const found = await send(fake, "GET", "/orders/_doc/o1", undefined, tls.cert);
      assert.equal(found.status, 200);
      assert.deepEqual(found.body._source, { status: "PLACED" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
