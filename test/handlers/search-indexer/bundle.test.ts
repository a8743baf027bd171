// The deployed SearchIndexer bundle: within its byte budget, the same bytes on every build
// (so an unchanged handler never redeploys), and loadable on its own by Node with only the
// AWS SDK beside it (as the Lambda runtime provides), refusing a bad environment clearly.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleBudgets } from "../../../testing/bundle-budgets";

const entry = "handlers/search-indexer/index.ts";
/** The one table of budgets (testing/bundle-budgets.ts). */
const byteBudget = bundleBudgets[entry];

function freshBundle(): { code: string; bytes: number } {
  // bundleHandler caches per process: load a fresh copy of the module for an independent build.
  const modulePath = require.resolve("../../../components/lib/bundle");
  delete require.cache[modulePath];
  // biome-ignore lint/style/noCommonJs: a fresh copy of the module, after clearing the require cache
  return (require(modulePath) as typeof import("../../../components/lib/bundle")).bundleHandler(entry);
}

const goodEnvironment = {
  OPENSEARCH_ENDPOINT: "https://vpc-orders-abc123.us-east-1.es.amazonaws.com",
  DEAD_LETTER_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/search-indexer-dlq",
  AWS_REGION: "us-east-1",
  POWERTOOLS_SERVICE_NAME: "search-indexer",
  POWERTOOLS_METRICS_NAMESPACE: "Ecommerce/Search",
};

describe("SearchIndexer bundle", () => {
  let dir: string;
  let code: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "search-indexer-bundle-"));
    code = freshBundle().code;
    writeFileSync(join(dir, "index.js"), code);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Loads the bundle in a fresh node and prints `print` (an expression over `m`, the module). */
  function load(env: Record<string, string>, print = "typeof m.handler"): string {
    const script = `const m = require(${JSON.stringify(join(dir, "index.js"))}); console.log(${print});`;
    return execFileSync(process.execPath, ["-e", script], {
      // Only the AWS SDK is resolvable from outside the bundle, like in the Lambda runtime.
      env: {
        PATH: process.env.PATH ?? "",
        NODE_PATH: join(__dirname, "..", "..", "..", "node_modules"),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        ...env,
      },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  }

  it(`stays under ${byteBudget.toLocaleString("en-US")} bytes`, () => {
    assert.ok(Buffer.byteLength(code) <= byteBudget, `bundle is ${Buffer.byteLength(code)} bytes`);
  });

  it("is byte-identical on two builds", () => {
    const hash = (text: string) => createHash("sha256").update(text).digest("hex");
    assert.equal(hash(freshBundle().code), hash(code));
  });

  it("bundles everything but the AWS SDK", () => {
    const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    const external = required.filter((name) => !name.startsWith("node:") && !builtinModules.includes(name));
    assert.deepEqual([...new Set(external)].sort(), ["@aws-sdk/client-sqs", "@aws-sdk/credential-provider-node"]);
  });

  it("loads with a valid environment and exports the handler", () => {
    assert.equal(load(goodEnvironment), "function");
  });

  it("loads @aws-sdk/client-sqs only for a dead letter, not at cold start", () => {
    // The runtime SDK packages the cold start loaded, by name, from the require cache.
    const loaded = `[...new Set(Object.keys(require.cache).map((f) => f.match(/node_modules\\/(@aws-sdk\\/[^/]+)\\//)?.[1]).filter(Boolean))].sort().join(" ")`;
    const packages = load(goodEnvironment, loaded).split(" ");
    assert.ok(packages.includes("@aws-sdk/credential-provider-node"), packages.join(", "));
    assert.ok(!packages.includes("@aws-sdk/client-sqs"), `loaded at cold start: ${packages.join(", ")}`);
  });

  it("refuses to start with an http endpoint or a missing queue URL, naming each problem", () => {
    const { DEAD_LETTER_QUEUE_URL: _omitted, ...withoutQueue } = goodEnvironment;
    try {
      load({ ...withoutQueue, OPENSEARCH_ENDPOINT: "http://orders.example.com" });
      assert.fail("the bundle loaded with a bad environment");
    } catch (err) {
      const stderr = String((err as { stderr?: string }).stderr);
      assert.match(stderr, /search-indexer environment is invalid/);
      assert.match(stderr, /OPENSEARCH_ENDPOINT: OPENSEARCH_ENDPOINT must be the domain's https:\/\/ endpoint/);
      assert.match(stderr, /DEAD_LETTER_QUEUE_URL/);
    }
  });
});
