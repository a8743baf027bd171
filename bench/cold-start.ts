// Cold import of every deployed handler bundle: a fresh `node` per sample loads the bundle
// (running its top-level wiring) plus whatever it requires from outside, with the AWS SDK
// taken from node_modules standing in for the Lambda runtime's. Judged against two floors
// measured in the same run and interleaved with the bundles: a hello-world bundle (Node's own
// start) and the runtime SDK's import of one client. Milliseconds are noisy and do not carry
// over to Lambda; ratios between figures of the same run do. Bytes are stable.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleHandler, repoRoot } from "../components/lib/bundle";
import { catalogHandlerEntry } from "../components/catalog";
import { processorEntry } from "../components/ingestion";
import { reportsHandlerEntry } from "../components/analytics-reports";
import { indexerHandlerEntry, orderHandlerEntry, searchAccessHandlerEntry } from "../components/orders";
import { recommendationsHandlerEntry } from "../components/recommendations";
import { type BenchRow, formatNumber, percentile } from "./table";

/** Every deployed handler, as the components name them. */
export const handlerEntries = [
  orderHandlerEntry,
  indexerHandlerEntry,
  searchAccessHandlerEntry,
  processorEntry,
  catalogHandlerEntry,
  recommendationsHandlerEntry,
  reportsHandlerEntry,
];

/** Samples per bundle, interleaved round-robin so drift on the machine hits every bundle alike. */
const samples = 15;

/**
 * Cold import before this work (commit 5d28203, this machine shared with other builds, 15
 * interleaved samples): the figures the new ones are judged by. The runtime SDK's import
 * (one DynamoDB client) measured 114.0 ms median in that same run, hello world 2.6 ms.
 */
export const coldImportBefore: Record<string, { bytes: number; minMs: number; medianMs: number }> = {
  "handlers/orders/index.ts": { bytes: 621_187, minMs: 184.5, medianMs: 245.9 },
  "handlers/search-indexer/index.ts": { bytes: 443_236, minMs: 123.2, medianMs: 200.1 },
  "handlers/search-access/index.ts": { bytes: 412_880, minMs: 92.0, medianMs: 134.6 },
  "handlers/clickstream/index.ts": { bytes: 151_163, minMs: 161.7, medianMs: 216.0 },
  "handlers/catalog/index.ts": { bytes: 264_109, minMs: 125.5, medianMs: 217.1 },
};
const sdkMedianBeforeMs = 114.0;

/** A valid environment for every handler's top-level parse (nothing is called at import). */
const environment: Record<string, string> = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "secret",
  AWS_LAMBDA_FUNCTION_NAME: "bench",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  ORDERS_TABLE: "orders",
  PRODUCTS_TABLE: "products",
  INVENTORY_TABLE: "inventory",
  IDEMPOTENCY_TABLE: "idempotency",
  OPENSEARCH_ENDPOINT: "https://search.example.com",
  ALLOWED_ORIGIN: "https://shop.example.com",
  DEAD_LETTER_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/dlq",
  FIREHOSE_STREAM_NAME: "lake",
  LAKE_BUCKET: "lake",
  PERSONALIZE_TRACKING_ID: "tracking",
  WORKGROUP: "bench",
  NAMED_QUERY_IDS: JSON.stringify({ funnel: "q-funnel", "top-products": "q-top-products" }),
  POWERTOOLS_SERVICE_NAME: "bench",
  POWERTOOLS_METRICS_NAMESPACE: "Bench",
};

/** Milliseconds `require` of `modules` takes in a fresh node, as the child measures it. */
function importOnce(modules: string[]): number {
  const script = `const t = performance.now(); for (const m of ${JSON.stringify(modules)}) require(m); console.log(performance.now() - t);`;
  const out = execFileSync(process.execPath, ["-e", script], {
    env: { PATH: process.env.PATH ?? "", NODE_PATH: join(repoRoot, "node_modules"), ...environment },
    encoding: "utf8",
  });
  return Number(out.trim().split("\n").pop());
}

/** Median cold import of `modules` (paths or package names) over `runs` fresh node processes. */
export function importMedianMs(modules: string[], runs: number): number {
  return percentile(
    Array.from({ length: runs }, () => importOnce(modules)),
    50,
  );
}

/** Median cold import of a bundle's code (written to a temporary file) over `runs` fresh node processes. */
export function bundleImportMedianMs(code: string, runs: number): number {
  const dir = mkdtempSync(join(tmpdir(), "cold-import-"));
  try {
    const file = join(dir, "index.js");
    writeFileSync(file, code);
    return importMedianMs([file], runs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function coldStartRows(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "cold-start-"));
  try {
    const files = new Map<string, string>();
    const write = (name: string, code: string) => {
      const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, "-")}.js`);
      writeFileSync(file, code);
      files.set(name, file);
    };
    write("hello world", 'exports.handler = async () => "hello";');
    write("runtime SDK: @aws-sdk/client-dynamodb", 'require("@aws-sdk/client-dynamodb");');
    for (const entry of handlerEntries) write(entry, bundleHandler(entry).code);

    const times = new Map<string, number[]>([...files.keys()].map((k) => [k, []]));
    for (let i = 0; i < samples; i++) for (const [name, file] of files) times.get(name)!.push(importOnce([file]));

    const median = (name: string) => percentile(times.get(name)!, 50);
    const min = (name: string) => Math.min(...times.get(name)!);
    const sdk = "runtime SDK: @aws-sdk/client-dynamodb";
    const rows: BenchRow[] = [];
    for (const name of files.keys()) {
      const before = coldImportBefore[name];
      const kb = (bytes: number) => `${formatNumber(bytes / 1024, 1)} KB`;
      rows.push({
        name: `cold import: ${name}${before ? ` (${kb(bundleHandler(name).bytes)}, before ${kb(before.bytes)})` : ""}`,
        value: `min ${formatNumber(min(name), 1)} ms, median ${formatNumber(median(name), 1)} ms`,
        reference: before
          ? `before: min ${formatNumber(before.minMs, 1)}, median ${formatNumber(before.medianMs, 1)} ms (runtime SDK then ${sdkMedianBeforeMs} ms, now ${formatNumber(median(sdk), 1)} ms)`
          : `hello world median ${formatNumber(median("hello world"), 1)} ms`,
        // Median now over median before, each in units of the runtime SDK's import in its own
        // run: the machine's load differs between runs, the SDK's import weighs it in both.
        ratio: before
          ? median(name) / median(sdk) / (before.medianMs / sdkMedianBeforeMs)
          : median(name) / median("hello world"),
      });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const benchmark = {
  title: `Cold import per bundle (fresh node per sample, ${samples} samples each, interleaved; ms noisy, ratio: median now / before, both in runtime-SDK import units; floors: / hello world)`,
  run: coldStartRows,
};
