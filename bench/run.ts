// `npm run bench`: every benchmark's figures as tables, then the goals read from them
// (bench/goals.ts). Never pass/fail; the figures go in the closing notes and are compared
// against the AWS limits in DESIGN.md.
import { benchmark as analytics } from "./analytics";
import { benchmark as catalog } from "./catalog";
import { benchmark as clickstream } from "./clickstream";
import { benchmark as coldStart } from "./cold-start";
import { type BenchResult, goalRows, goalsTitle } from "./goals";
import { benchmark as local } from "./local";
import { benchmark as gateway } from "./gateway";
import { benchmark as orders } from "./orders";
import { benchmark as program } from "./program";
import { benchmark as searchIndexer } from "./search-indexer";
import { benchmark as storefront } from "./storefront";
import { benchmark as suite } from "./suite";
import { type BenchRow, printTable } from "./table";

interface Benchmark {
  title: string;
  run(): Promise<BenchRow[]>;
}

const benchmarks: Benchmark[] = [
  // Each module exports `benchmark: Benchmark`; listed here in the order they print.
  clickstream,
  catalog,
  orders,
  searchIndexer,
  analytics,
  storefront,
  local,
  gateway,
  program,
  coldStart,
  suite,
];

/** `npm run bench -- orders clickstream`: only the benchmarks whose title names one of the words. */
async function main() {
  const only = process.argv.slice(2).map((w) => w.toLowerCase());
  const chosen = only.length
    ? benchmarks.filter((b) => only.some((w) => b.title.toLowerCase().includes(w)))
    : benchmarks;
  if (chosen.length === 0)
    throw new Error(`no benchmark title names ${only.join(", ")}: ${benchmarks.map((b) => b.title).join("; ")}`);
  const results: BenchResult[] = [];
  const failed: string[] = [];
  for (const b of chosen) {
    // One broken benchmark must not cost the others' figures or the goals table: it is
    // reported, the run goes on, and the exit code says the run was incomplete.
    try {
      const rows = await b.run();
      printTable(b.title, rows);
      results.push({ title: b.title, rows });
    } catch (error) {
      failed.push(b.title);
      console.error(`\n## ${b.title}\n\nfailed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
    }
  }
  const summary = goalRows(results);
  if (summary.length > 0) printTable(goalsTitle, summary);
  if (failed.length > 0) {
    console.error(`\n${failed.length} benchmark(s) failed: ${failed.join("; ")}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
