// One row of `npm run bench`: a measured figure beside the limit or baseline it is judged by.
// Rows say whether their figure is stable (bytes, calls, counts: the same on every run and on
// Lambda) or noisy (a timing on this machine: read the min and median, compare only within a
// run). Timed figures come from `timing()` over many repetitions, comparisons from `interleave()`.
export interface BenchRow {
  /** What was measured, e.g. "clickstream: events/s (0 ms fakes)". */
  name: string;
  /** The figure, already rounded, with its unit, e.g. "41,200 events/s". */
  value: string;
  /** The AWS limit or baseline it is compared with, e.g. "min 20 calls (ceil(N/500))". */
  reference?: string;
  /** value / reference as a plain number where that makes sense (1.00 = at the limit). */
  ratio?: number;
  /** "stable": bytes, calls, counts; "noisy": a timing on this machine. */
  kind?: "stable" | "noisy";
}

export function printTable(title: string, rows: BenchRow[]): void {
  const header = ["measure", "value", "against", "ratio", "kind"];
  const cells = rows.map((r) => [
    r.name,
    r.value,
    r.reference ?? "",
    r.ratio === undefined ? "" : r.ratio.toFixed(2),
    r.kind ?? "unmarked",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(" | ")} |`;
  console.log(`\n## ${title}\n`);
  console.log(line(header));
  console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
  for (const c of cells) console.log(line(c));
}

export function formatNumber(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Percentile (0-100) of a list of samples, nearest-rank. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** A timed figure over repetitions: the min is the least disturbed run, the median the typical one. */
export interface Timing {
  min: number;
  median: number;
  runs: number;
}

export function timing(samples: number[]): Timing {
  if (samples.length === 0) throw new Error("timing of no samples");
  return { min: Math.min(...samples), median: percentile(samples, 50), runs: samples.length };
}

/** "min 1.20 / median 1.35 ms (n=50)". */
export function formatTiming(t: Timing, unit = "ms", digits = 2): string {
  return `min ${formatNumber(t.min, digits)} / median ${formatNumber(t.median, digits)} ${unit} (n=${t.runs})`;
}

/** Milliseconds `work` takes. */
export async function timeMs(work: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Runs each case once per round, rotating which goes first, in this one process, so the cases
 * share the machine's state (load, caches, JIT) and a disturbance hits all of them alike.
 * Returns each case's samples in milliseconds.
 */
export async function interleave<K extends string>(
  cases: Record<K, () => unknown>,
  rounds: number,
): Promise<Record<K, number[]>> {
  const names = Object.keys(cases) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      samples[name].push(await timeMs(cases[name]));
    }
  }
  return samples;
}
