// One row of `npm run bench`: a measured figure beside the limit or baseline it is judged by.
export interface BenchRow {
  /** What was measured, e.g. "clickstream: events/s (0 ms fakes)". */
  name: string;
  /** The figure, already rounded, with its unit, e.g. "41,200 events/s". */
  value: string;
  /** The AWS limit or baseline it is compared with, e.g. "min 20 calls (ceil(N/500))". */
  reference?: string;
  /** value / reference as a plain number where that makes sense (1.00 = at the limit). */
  ratio?: number;
}

export function printTable(title: string, rows: BenchRow[]): void {
  const header = ["measure", "value", "against", "ratio"];
  const cells = rows.map((r) => [r.name, r.value, r.reference ?? "", r.ratio === undefined ? "" : r.ratio.toFixed(2)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => "| " + c.map((v, i) => v.padEnd(widths[i])).join(" | ") + " |";
  console.log(`\n## ${title}\n`);
  console.log(line(header));
  console.log("| " + widths.map((w) => "-".repeat(w)).join(" | ") + " |");
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
