// The whole Pulumi program under mocks (as `pulumi preview` runs it, minus the engine), and the
// share of it that is esbuild: every handler bundle and the storefront build, built fresh.
// The first run in a process bundles; later runs reuse the in-process bundle cache, so the
// two are measured apart and interleaved.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bundleOptions, repoRoot } from "../components/lib/bundle";
import { buildWithDiskCache } from "../components/lib/bundle-cache";
import { buildSiteSync } from "../components/site-build";
import { runProgram } from "../testing/program";
import { type BenchRow, formatNumber, formatTiming, interleave, printTable, timeMs, timing } from "./table";

const handlerEntries = fs
  .readdirSync(path.join(repoRoot, "handlers"))
  .map((dir) => `handlers/${dir}/index.ts`)
  .filter((entry) => fs.existsSync(path.join(repoRoot, entry)));

/** Every handler bundled by a fresh copy of components/lib/bundle.ts (its cache empty), and the site. */
function esbuildEverything(): void {
  const modulePath = require.resolve("../components/lib/bundle");
  delete require.cache[modulePath];
  // biome-ignore lint/style/noCommonJs: a fresh copy of the module, after clearing the require cache
  const { bundleHandler } = require(modulePath) as typeof import("../components/lib/bundle");
  for (const entry of handlerEntries) bundleHandler(entry);
  buildSiteSync();
}

/** Every handler from the tests' disk cache (components/lib/bundle-cache.ts), its entries already written. */
function handlersFromDiskCache(cacheDir: string): void {
  for (const entry of handlerEntries) {
    if (buildWithDiskCache(bundleOptions(entry), cacheDir).outcome !== "hit")
      throw new Error(`${entry}: not served from the disk cache`);
  }
}

export const benchmark = {
  title: "The program under mocks (dev stack) and esbuild's share",
  async run(): Promise<BenchRow[]> {
    const rounds = 7;
    const firstMs = await timeMs(() => runProgram("dev"));
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-bundle-cache-"));
    for (const entry of handlerEntries) buildWithDiskCache(bundleOptions(entry), cacheDir);
    const samples = await interleave(
      {
        program: () => runProgram("dev"),
        esbuild: esbuildEverything,
        fromDisk: () => handlersFromDiskCache(cacheDir),
      },
      rounds,
    );
    fs.rmSync(cacheDir, { recursive: true, force: true });
    const program = timing(samples.program);
    const esbuild = timing(samples.esbuild);
    const fromDisk = timing(samples.fromDisk);
    const resources = (await runProgram("dev")).resources.length;
    return [
      {
        name: `first run in this process (bundles built), ${resources} resources`,
        value: `${formatNumber(firstMs, 0)} ms`,
        reference: "one sample: the cold path",
        kind: "noisy",
      },
      { name: "program, bundles cached", value: formatTiming(program, "ms", 0), kind: "noisy" },
      {
        name: `esbuild: ${handlerEntries.length} handler bundles + the site, fresh`,
        value: formatTiming(esbuild, "ms", 0),
        kind: "noisy",
      },
      {
        name: `the ${handlerEntries.length} handler bundles from the tests' disk cache (inputs hashed, no esbuild)`,
        value: formatTiming(fromDisk, "ms", 0),
        reference: "what a mocha worker pays instead of bundling",
        kind: "noisy",
      },
      {
        name: "esbuild's share of a run that bundles (medians)",
        value: `${formatNumber((100 * esbuild.median) / (program.median + esbuild.median), 0)} %`,
        reference: `${formatNumber(esbuild.median, 0)} of ${formatNumber(program.median + esbuild.median, 0)} ms`,
        kind: "noisy",
      },
    ];
  },
};

if (require.main === module) {
  benchmark.run().then((rows) => printTable(benchmark.title, rows));
}
