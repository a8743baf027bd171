// Cold import of every deployed handler bundle, and of the same handler with the AWS SDK
// bundled in: a fresh `node` per sample loads the bundle (running its top-level wiring) plus
// whatever it requires from outside. The deployed variant leaves the SDK external, so each of
// its samples loads the @aws-sdk packages from node_modules (NODE_PATH), as Lambda loads them
// from the runtime's own copy; the SDK-bundled variant runs with no NODE_PATH at all, so it can
// load nothing but Node's built-ins (a sample that needed more would fail, not look fast).
// Judged against the same handler's bundle as 5d28203 deployed it (the goal's baseline,
// ./cold-import-baseline.ts), loaded like today's deployed bundle in the same rounds, and
// against floors measured in those rounds too: a hello-world bundle (Node's own start) and the
// runtime SDK's import of one client, and that client bundled. Also in those rounds: what the
// first use of a client only a rare path loads costs (handlers/lib/lazy-client.ts), and, where
// loopback stand-ins make it cheap, the cold start a Lambda really pays, import + first request
// (./cold-first-request.ts). Milliseconds are noisy and do not carry over to Lambda; ratios
// between figures of the same run do. Bytes are stable.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { buildSync } from "esbuild";
import { type Bundle, bundleHandler, bundleOptions, repoRoot } from "../components/lib/bundle";
import { bundleBudgets, bundleGoalBytes } from "../testing/bundle-budgets";
import { firstRequestOnce, firstRequests } from "./cold-first-request";
import { baselineBundles, baselineCommit, loadBaselineBundle } from "./cold-import-baseline";
import { type BenchRow, formatNumber, formatTiming, percentile, printTable, type Timing, timing } from "./table";

/** Every deployed handler, as the budgets name them (test/handlers/bundles.test.ts checks none is missing). */
export const handlerEntries = Object.keys(bundleBudgets);

/** Samples per file, interleaved round-robin so drift on the machine hits every file alike. */
const samples = 15;

export const coldImportGoalRatio = 0.6;

/** A valid environment for every handler's top-level parse, today's and 5d28203's (nothing is called at import). */
export const importEnvironment: Record<string, string> = {
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

/** Where a sample may load packages from: the runtime's SDK (node_modules), or nothing but Node's built-ins. */
type Packages = "node_modules" | "builtins only";

/** One fresh node: the `require` of `modules` as the child times it, and the whole process as the parent does. */
function importOnce(modules: string[], packages: Packages = "node_modules"): { importMs: number; processMs: number } {
  const script = `const t = performance.now(); for (const m of ${JSON.stringify(modules)}) require(m); console.log(performance.now() - t);`;
  const started = process.hrtime.bigint();
  const out = execFileSync(process.execPath, ["-e", script], {
    env: {
      PATH: process.env.PATH ?? "",
      ...(packages === "node_modules" ? { NODE_PATH: join(repoRoot, "node_modules") } : {}),
      ...importEnvironment,
    },
    encoding: "utf8",
  });
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { importMs: Number(out.trim().split("\n").pop()), processMs };
}

/**
 * The clients a bundle loads only on a rare path (handlers/lib/lazy-client.ts): what their first
 * use costs a container, as the lazy path runs it (the package's require and the client's
 * construction), in a fresh node that has loaded the deployed bundle first. Paid by the first
 * malformed record or dead letter of a container, not by every cold start.
 */
export const lazyClients = [
  {
    entry: "handlers/clickstream/index.ts",
    use: "first quarantine write",
    packageName: "@aws-sdk/client-s3",
    construct:
      "new (require('@aws-sdk/client-s3').S3Client)({ requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 } })",
  },
  {
    entry: "handlers/search-indexer/index.ts",
    use: "first dead letter",
    packageName: "@aws-sdk/client-sqs",
    construct: "new (require('@aws-sdk/client-sqs').SQSClient)({ region: process.env.AWS_REGION })",
  },
] as const;

/** One fresh node: loads `bundle`, then times what the first use of a lazily loaded client runs. */
function firstUseOnce(bundle: string, construct: string): number {
  const script = `require(${JSON.stringify(bundle)}); const t = performance.now(); ${construct}; console.log(performance.now() - t);`;
  const out = execFileSync(process.execPath, ["-e", script], {
    env: { PATH: process.env.PATH ?? "", NODE_PATH: join(repoRoot, "node_modules"), ...importEnvironment },
    encoding: "utf8",
  });
  return Number(out.trim().split("\n").pop());
}

/** Median cold import of `modules` (paths or package names) over `runs` fresh node processes. */
export function importMedianMs(modules: string[], runs: number): number {
  return percentile(
    Array.from({ length: runs }, () => importOnce(modules).importMs),
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

/**
 * The esbuild options of the alternative to the deployed bundle: the same as components/lib/bundle.ts
 * `bundleOptions` with nothing external, so the AWS SDK is bundled and pinned with the code. Without
 * the alias, too: the bundled SDK needs all of `@smithy/core/retry`, not only its error classifiers.
 */
function withSdkOptions(entry: string) {
  const { alias: _, ...options } = bundleOptions(entry);
  return { ...options, external: [] };
}

export function bundleWithSdk(entry: string): Bundle {
  const code = buildSync(withSdkOptions(entry)).outputFiles[0].text;
  return { code, bytes: Buffer.byteLength(code) };
}

/** Bytes of the code as Lambda's .zip deployment package stores it (deflate): what each cold start downloads. */
const zippedBytes = (code: string) => deflateRawSync(code).length;

/** "handlers/search-indexer/index.ts" -> "search-indexer". */
const handlerName = (entry: string) => entry.split("/")[1];

interface Measured {
  file: string;
  packages: Packages;
  importMs: number[];
  processMs: number[];
  /** A baseline bundle that fails to load is reported in its row, not measured (nor the bench aborted). */
  mayFail?: boolean;
  failure?: string;
}

/** What a failed sample's process said: its first error line (e.g. "Error: Cannot find module 'x'"). */
function failureOf(error: unknown): string {
  const stderr = String((error as { stderr?: unknown }).stderr ?? "");
  return (stderr.split("\n").find((line) => /Error\b/.test(line)) ?? (error as Error).message).trim();
}

/**
 * The packages a bundle itself requires from outside while it loads (not Node's built-ins, not
 * what a rare path loads later), in order, as one fresh node sees them: what its cold import
 * cannot go below, however little of our own code runs.
 */
function runtimePackagesOf(bundleFile: string): string[] {
  const script = `const Module = require("module"); const seen = []; const load = Module._load;
Module._load = function (request, parent, ...rest) {
  if (parent && parent.filename === ${JSON.stringify(bundleFile)} && !Module.isBuiltin(request) && !seen.includes(request)) seen.push(request);
  return load.call(this, request, parent, ...rest);
};
require(${JSON.stringify(bundleFile)}); console.log(JSON.stringify(seen));`;
  const out = execFileSync(process.execPath, ["-e", script], {
    env: { PATH: process.env.PATH ?? "", NODE_PATH: join(repoRoot, "node_modules"), ...importEnvironment },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

/** A handler's 5d28203 bundle, ready to measure, or why it cannot be (missing or altered fixture). */
type Baseline = { bundle: Bundle; problem?: undefined } | { bundle?: undefined; problem: string };

function baselineOf(entry: string): Baseline | undefined {
  if (!baselineBundles[entry]) return undefined;
  try {
    return { bundle: loadBaselineBundle(entry) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

export async function coldStartRows(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "cold-start-"));
  try {
    const measured = new Map<string, Measured>();
    const add = (name: string, code: string, packages: Packages, mayFail = false) => {
      const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, "-")}.js`);
      writeFileSync(file, code);
      measured.set(name, { file, packages, importMs: [], processMs: [], mayFail });
    };
    const helloWorld = "hello world";
    const runtimeSdk = "runtime SDK: @aws-sdk/client-dynamodb from node_modules";
    const bundledSdk = "the same client bundled (esbuild, minified)";
    add(helloWorld, 'exports.handler = async () => "hello";', "builtins only");
    add(runtimeSdk, 'require("@aws-sdk/client-dynamodb");', "node_modules");
    add(
      bundledSdk,
      buildSync({
        ...withSdkOptions("handlers/orders/index.ts"),
        entryPoints: undefined,
        stdin: { contents: 'module.exports = require("@aws-sdk/client-dynamodb");', resolveDir: repoRoot },
      }).outputFiles[0].text,
      "builtins only",
    );
    const variants = handlerEntries.map((entry) => ({
      entry,
      deployed: bundleHandler(entry),
      withSdk: bundleWithSdk(entry),
      baseline: baselineOf(entry),
    }));
    const atBaseline = (entry: string) => `${entry} at ${baselineCommit}`;
    for (const v of variants) {
      add(`${v.entry} deployed`, v.deployed.code, "node_modules");
      add(`${v.entry} SDK bundled`, v.withSdk.code, "builtins only");
      // Its @aws-sdk (and, as then, @smithy) requires load from node_modules, as today's deployed bundle's do.
      if (v.baseline?.bundle) add(atBaseline(v.entry), v.baseline.bundle.code, "node_modules", true);
    }
    // For the handlers with a baseline: today's bundle's runtime packages alone, the floor of its ratio.
    const packagesAlone = (entry: string) => `${entry} runtime packages alone`;
    const runtimePackages = new Map<string, string[]>();
    for (const v of variants.filter((v) => v.baseline)) {
      const packages = runtimePackagesOf(measured.get(`${v.entry} deployed`)!.file);
      runtimePackages.set(v.entry, packages);
      add(packagesAlone(v.entry), packages.map((p) => `require(${JSON.stringify(p)});`).join("\n"), "node_modules");
    }
    const firstUses = lazyClients.map((lazy) => ({ ...lazy, ms: [] as number[] }));
    const coldStarts = firstRequests.map((request) => ({
      request,
      importMs: [] as number[],
      requestMs: [] as number[],
    }));
    const childEnvironment = {
      PATH: process.env.PATH ?? "",
      NODE_PATH: join(repoRoot, "node_modules"),
      ...importEnvironment,
    };

    // Round-robin, each round starting one file later, so no file always runs first or last.
    const names = [...measured.keys()];
    for (let round = 0; round < samples; round++) {
      for (let i = 0; i < names.length; i++) {
        const m = measured.get(names[(round + i) % names.length])!;
        if (m.failure) continue;
        try {
          const sample = importOnce([m.file], m.packages);
          m.importMs.push(sample.importMs);
          m.processMs.push(sample.processMs);
        } catch (error) {
          if (!m.mayFail) throw error;
          m.failure = `failed to load with today's node_modules: ${failureOf(error)}`;
        }
      }
      for (const lazy of firstUses)
        lazy.ms.push(firstUseOnce(measured.get(`${lazy.entry} deployed`)!.file, lazy.construct));
      for (const cold of coldStarts) {
        const sample = firstRequestOnce(
          measured.get(`${cold.request.entry} deployed`)!.file,
          cold.request,
          childEnvironment,
        );
        cold.importMs.push(sample.importMs);
        cold.requestMs.push(sample.requestMs);
      }
    }

    const imported = (name: string): Timing => timing(measured.get(name)!.importMs);
    const processed = (name: string): Timing => timing(measured.get(name)!.processMs);
    const sdk = imported(runtimeSdk).median;
    const hello = processed(helloWorld).median;
    const ms = (t: Timing) => formatTiming(t, "ms", 1);
    const x = (n: number) => `${formatNumber(n, 2)}x`;
    const bytes = (b: Bundle) => `${formatNumber(b.bytes)} B, zip ${formatNumber(zippedBytes(b.code))} B`;

    const rows: BenchRow[] = [
      {
        name: `floor: ${helloWorld} (fresh node; process = spawn to exit)`,
        value: `import ${ms(imported(helloWorld))}; process ${ms(processed(helloWorld))}`,
        reference: "Node's own start: the floor of every process time below",
        kind: "noisy",
      },
      {
        name: `floor: ${runtimeSdk}`,
        value: ms(imported(runtimeSdk)),
        reference: `what every deployed bundle loads from the runtime, today's and ${baselineCommit}'s alike`,
        kind: "noisy",
      },
      {
        name: `floor: ${bundledSdk}`,
        value: ms(imported(bundledSdk)),
        reference: "ratio: median / the runtime SDK's median",
        ratio: imported(bundledSdk).median / sdk,
        kind: "noisy",
      },
    ];
    for (const { entry, deployed, withSdk, baseline } of variants) {
      const name = handlerName(entry);
      const now = imported(`${entry} deployed`);
      const bundled = imported(`${entry} SDK bundled`);
      const baselineProblem = baseline?.problem ?? measured.get(atBaseline(entry))?.failure;
      // The goal's baseline, measured in these same rounds: the machine's load weighs both alike.
      const before = baseline?.bundle && !baselineProblem ? imported(atBaseline(entry)) : undefined;
      const inWholeProcess = (variant: string) => x(processed(`${entry} ${variant}`).median / hello);
      const againstBefore = !baseline
        ? `no baseline (handler added since ${baselineCommit})`
        : before
          ? `ratio: median / ${baselineCommit}'s median in this run (${formatNumber(before.median, 1)} ms; mins ${x(now.min / before.min)}), goal <= ${coldImportGoalRatio}`
          : `no ratio: ${baselineProblem}`;
      rows.push(
        {
          name: `${name}: bytes, SDK from the runtime (deployed)`,
          value: bytes(deployed),
          reference: `ratio: / goal ${formatNumber(bundleGoalBytes)} B (100 KB)${baseline?.bundle ? `; ${baselineCommit} ${formatNumber(baseline.bundle.bytes)} B` : ""}`,
          ratio: deployed.bytes / bundleGoalBytes,
          kind: "stable",
        },
        {
          name: `${name}: bytes, SDK bundled`,
          value: bytes(withSdk),
          reference: `ratio: / the deployed bundle (zip ${x(zippedBytes(withSdk.code) / zippedBytes(deployed.code))})`,
          ratio: withSdk.bytes / deployed.bytes,
          kind: "stable",
        },
      );
      if (baseline && before) {
        const alone = imported(packagesAlone(entry));
        rows.push({
          name: `${name}: its runtime packages alone, no code of ours (the floor of its ratio, same rounds)`,
          value: ms(alone),
          reference: `${runtimePackages.get(entry)!.join(", ")}; ratio: median / ${baselineCommit}'s median: the deployed row's ratio cannot go below it while these load at import`,
          ratio: alone.median / before.median,
          kind: "noisy",
        });
      }
      if (baseline)
        rows.push({
          name: `${name}: cold import at ${baselineCommit} (the goal's baseline, same rounds)`,
          value: before ? ms(before) : `FAILED: ${baselineProblem}`,
          reference: before
            ? `${x(before.median / sdk)} the SDK's import; process ${x(processed(atBaseline(entry)).median / hello)} hello world's; ${bytes(baseline.bundle!)}, sha256 as recorded`
            : "not measured: fix the fixture (bench/fixtures/cold-import-5d28203/README.md)",
          kind: "noisy",
        });
      rows.push(
        {
          name: `${name}: cold import, SDK from the runtime (deployed)`,
          value: ms(now),
          reference: `${x(now.median / sdk)} the SDK's import; process ${inWholeProcess("deployed")} hello world's; ${againstBefore}`,
          ratio: before ? now.median / before.median : undefined,
          kind: "noisy",
        },
        {
          name: `${name}: cold import, SDK bundled`,
          value: ms(bundled),
          reference: `${x(bundled.median / sdk)} the SDK's import; process ${inWholeProcess("SDK bundled")} hello world's;${
            before ? ` ${x(bundled.median / before.median)} ${baselineCommit}'s;` : ""
          } ratio: / the deployed variant's median`,
          ratio: bundled.median / now.median,
          kind: "noisy",
        },
      );
    }
    for (const lazy of firstUses) {
      const t = timing(lazy.ms);
      rows.push({
        name: `${handlerName(lazy.entry)}: ${lazy.use}, ${lazy.packageName} loaded on first use (require + client)`,
        value: ms(t),
        reference: `${x(t.median / sdk)} the SDK's import; paid by a container's first ${lazy.use.replace(/^first /, "")}, not by its cold start`,
        kind: "noisy",
      });
    }
    for (const { request, importMs, requestMs } of coldStarts) {
      const total = timing(importMs.map((ms, i) => ms + requestMs[i]));
      rows.push({
        name: `${handlerName(request.entry)}: cold start = import + first request (${request.what}; AWS on loopback)`,
        value: ms(total),
        reference: `import median ${formatNumber(timing(importMs).median, 1)} ms + first request median ${formatNumber(timing(requestMs).median, 1)} ms; ${x(total.median / sdk)} the SDK's import`,
        kind: "noisy",
      });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const benchmark = {
  title: `Cold import per bundle, SDK from the runtime (deployed) vs bundled, against the ${baselineCommit} bundle (fresh node per sample, ${samples} samples each, interleaved; bytes stable, ms noisy: compare ratios within this run)`,
  run: coldStartRows,
};

if (require.main === module) {
  coldStartRows().then((rows) => printTable(benchmark.title, rows));
}
