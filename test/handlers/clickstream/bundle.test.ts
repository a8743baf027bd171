// The deployed ClickstreamProcessor bundle: within its size budget (cold start and upload
// size), free of the AWS SDK (the runtime provides it), and byte-identical across builds so
// an unchanged handler never redeploys.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../../../components/lib/bundle";
import { bundleBudgets } from "../../../testing/bundle-budgets";

const execFileAsync = promisify(execFile);

const entry = "handlers/clickstream/index.ts";
const budgetBytes = bundleBudgets[entry];

/** A fresh copy of the bundler module, so its in-memory cache cannot hand back the first build. */
function freshBundler(): typeof import("../../../components/lib/bundle") {
  const path = require.resolve("../../../components/lib/bundle");
  delete require.cache[path];
  // biome-ignore lint/style/noCommonJs: a fresh copy of the module, after clearing the require cache
  return require(path);
}

describe("ClickstreamProcessor bundle", () => {
  it(`is under ${budgetBytes} bytes and leaves the AWS SDK external`, () => {
    const { code, bytes } = freshBundler().bundleHandler(entry);
    assert.ok(bytes <= budgetBytes, `bundle is ${bytes} bytes; budget ${budgetBytes}`);
    for (const client of ["@aws-sdk/client-firehose", "@aws-sdk/client-personalize-events", "@aws-sdk/client-s3"]) {
      assert.ok(code.includes(`require("${client}")`), `${client} is required at run time, not bundled`);
    }
    assert.ok(!code.includes("PutRecordBatchCommand extends"), "no SDK command class is inlined");
  });

  it("gives identical bytes on two builds", () => {
    const first = freshBundler().bundleHandler(entry).code;
    const second = freshBundler().bundleHandler(entry).code;
    assert.ok(first.length > 0);
    assert.equal(first, second);
  });
});

describe("ClickstreamProcessor bundle, cold", () => {
  /** What the runtime SDK packages the process has loaded are, by name (from the require cache). */
  const loadedSdkPackages = `() => [...new Set(Object.keys(require.cache).map((f) => f.match(/node_modules\\/(@aws-sdk\\/[^/]+)\\//)?.[1]).filter(Boolean))].sort()`;

  let dir: string;
  let server: Server;
  let endpoint: string;
  const requests: { method: string; url: string; body: string }[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "clickstream-bundle-"));
    writeFileSync(join(dir, "index.js"), freshBundler().bundleHandler(entry).code);
    // S3 on loopback, answering every PutObject as S3 does (200, an ETag): the quarantine's writes land here.
    server = createServer((request, response) => {
      let body = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => {
        body += chunk;
      });
      request.on("end", () => {
        requests.push({ method: request.method ?? "", url: request.url ?? "", body });
        response.writeHead(200, { ETag: '"quarantined"' }).end();
      });
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await new Promise((done) => server.close(done));
  });

  it("does not load @aws-sdk/client-s3 at cold start; the first malformed record loads it and is quarantined", async () => {
    const record = {
      eventID: "shardId-000000000000:49590338271490256608559692538361571095921575989136588898",
      kinesis: {
        sequenceNumber: "49590338271490256608559692538361571095921575989136588898",
        partitionKey: "session-1",
        data: "not base64!",
        approximateArrivalTimestamp: 1_767_225_600,
      },
    };
    const script = `
      const loaded = ${loadedSdkPackages};
      const { handler } = require(${JSON.stringify(join(dir, "index.js"))});
      const atLoad = loaded();
      handler({ Records: [${JSON.stringify(record)}] }, { functionName: "processor", awsRequestId: "req-1" }).then((response) =>
        console.log(JSON.stringify({ atLoad, afterQuarantine: loaded(), response })));`;
    const { stdout } = await execFileAsync(process.execPath, ["-e", script], {
      // Only the AWS SDK is resolvable from outside the bundle, as in the Lambda runtime.
      env: {
        PATH: process.env.PATH ?? "",
        NODE_PATH: join(repoRoot, "node_modules"),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "secret",
        AWS_ENDPOINT_URL_S3: endpoint,
        FIREHOSE_STREAM_NAME: "lake",
        LAKE_BUCKET: "lake",
      },
      encoding: "utf8",
    });
    const outcome = JSON.parse(stdout.trim().split("\n").pop()!);
    const clients = (packages: string[]) => packages.filter((name) => name.startsWith("@aws-sdk/client-"));
    assert.deepEqual(clients(outcome.atLoad), ["@aws-sdk/client-firehose", "@aws-sdk/client-personalize-events"]);
    assert.deepEqual(clients(outcome.afterQuarantine), [
      "@aws-sdk/client-firehose",
      "@aws-sdk/client-personalize-events",
      "@aws-sdk/client-s3",
    ]);
    assert.deepEqual(
      outcome.response,
      { batchItemFailures: [] },
      "the record is quarantined, not reported for a resend",
    );
    const puts = requests.filter((r) => r.method === "PUT");
    assert.equal(puts.length, 1);
    assert.match(
      decodeURIComponent(puts[0].url),
      /^\/lake\/quarantine\/dt=2026-01-01\/shardId-000000000000\/49590338271490256608559692538361571095921575989136588898\.json/,
    );
    const document = JSON.parse(puts[0].body);
    assert.equal(document.entries[0].kind, "undecodable");
    assert.equal(document.entries[0].data, "not base64!");
  });
});
