// Mocha's settings for `npm test`: every test/**/*.test.ts, in parallel workers (a worker runs one
// file at a time, so the files of a suite share nothing but what testing/ caches per process).
// Files are handed to the workers in this order: the slowest first (measured, see README's
// "Tests"), so that none of them starts last and runs alone while the other workers sit idle.
const fs = require("node:fs");
const path = require("node:path");

/** Slowest first: browser suites driving local mode, then the suites of many whole-program runs. */
const slowestFirst = [
  "test/browser/analytics-local.test.ts",
  "test/browser/pages.test.ts",
  "test/browser/local-mode.test.ts",
  "test/browser/checkout.test.ts",
  "test/browser/shopper-trips.test.ts",
  "test/local/local-mode.test.ts",
  "test/browser/tracker.test.ts",
  "test/browser/reports-polling.test.ts",
  "test/infra/iam-simulator.test.ts",
  "test/infra/storefront.test.ts",
  "test/infra/api-model.test.ts",
  "test/local/start-cli.test.ts",
  "test/analytics/local-mode-lake.test.ts",
  "test/infra/ingestion.test.ts",
  "test/policy/stack.test.ts",
  "test/handlers/clickstream/property.test.ts",
  "test/handlers/bundles.test.ts",
  "test/handlers/clickstream/entry.test.ts",
  "test/infra/monitoring.test.ts",
  "test/infra/partition.test.ts",
  "test/browser/shopper.test.ts",
  "test/infra/create-only-tags.test.ts",
  "test/infra/program.test.ts",
  "test/infra/stateful.test.ts",
  "test/infra/analytics.test.ts",
  "test/handlers/orders/create.test.ts",
];

// Handler bundles kept on disk between the workers and between runs, while their inputs are
// unchanged (components/lib/bundle-cache.ts); a clean clone or `npm ci` starts cold.
process.env.BUNDLE_CACHE_DIR ??= path.join(__dirname, "node_modules", ".cache", "bundles");

const testFiles = fs
  .readdirSync(path.join(__dirname, "test"), { recursive: true })
  .map((file) => `test/${String(file).split(path.sep).join("/")}`)
  .filter((file) => file.endsWith(".test.ts"))
  .sort();
const rank = (file) => (slowestFirst.includes(file) ? slowestFirst.indexOf(file) : slowestFirst.length);

module.exports = {
  // esbuild strips the types (typecheck is tsc's job): half ts-node's cost to load the sources.
  require: ["./testing/typescript-loader.cjs", "test/setup.ts"],
  spec: [...testFiles].sort((a, b) => rank(a) - rank(b)),
  timeout: 600000,
  exit: true,
  parallel: true,
  jobs: 3,
};
