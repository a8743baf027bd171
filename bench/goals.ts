// The "Done when" table of issue 15: every goal with the figure before the work, the figure
// this run measured and the ratio it is judged by. Nothing is measured here: each goal reads
// the row of the benchmark that measures it (by the row's name), so the summary and the
// detailed tables cannot disagree. A goal whose benchmark ran but whose row is gone says so
// (a renamed row shows up here, not as a silently missing figure).
import { benchmark as clickstream } from "./clickstream";
import { coldImportGoalRatio, benchmark as coldStart, handlerEntries } from "./cold-start";
import { baselineBundles, baselineCommit } from "./cold-import-baseline";
import { benchmark as orders } from "./orders";
import { bundleGoalBytes } from "../testing/bundle-budgets";
import { benchmark as program } from "./program";
import { benchmark as suite, suiteBeforeSeconds, suiteGoalSeconds } from "./suite";
import { type BenchRow, formatNumber } from "./table";

export interface BenchResult {
  title: string;
  rows: BenchRow[];
}

/** A goal's figure as read from its source row: the text to print and the number judged against the goal. */
interface Reading {
  value: string;
  figure?: number;
}

export interface Goal {
  /** What the issue asks, e.g. "orders: DynamoDB calls, new order on a warm container". */
  goal: string;
  /** The figure before, with where it comes from. */
  before: string;
  /** The goal as a number the figure is divided by (ratio <= 1.00: met); none where the issue asks only for a report. */
  target?: number;
  /** How the target reads, e.g. "<= 1.5x bare PutItem p50". */
  targetText: string;
  /** The benchmark (its title) and the row (its name) that measure it. */
  source: { title: string; row: RegExp };
  kind: "stable" | "noisy";
  /** The figure from the row; by default the row's value and its ratio. */
  read?: (row: BenchRow, rows: BenchRow[]) => Reading | undefined;
}

/** The leading number of a figure such as "292,527 B" or "1 (TransactWriteItems)". */
export function leadingNumber(text: string): number | undefined {
  const match = /^\s*(-?[\d,]*\.?\d+)/.exec(text);
  return match ? Number(match[1].replace(/,/g, "")) : undefined;
}

const x = (n: number) => `${formatNumber(n, 2)}x`;

const callGoals: [kind: string, before: number, target: number, targetText: string][] = [
  ["new order, warm container", 4, 1, "1 call"],
  ["new order, cold container", 4, 2, "catalog read + 1"],
  ["replay (same key and body)", 3, 1, "1 call"],
  ["TransactionConflict once, then placed", 5, 2, "2 calls"],
  ["out of stock (409)", 4, 1, "1 call"],
];

const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const handlerName = (entry: string) => entry.split("/")[1];

/** Every goal of issue 15, in the order. */
export const goals: Goal[] = [
  ...callGoals.map(
    ([kind, before, target, targetText]): Goal => ({
      goal: `orders: DynamoDB calls, ${kind}`,
      before: `${before} calls (5d28203)`,
      target,
      targetText,
      source: { title: orders.title, row: new RegExp(`^DynamoDB calls: ${literally(kind)}`) },
      kind: "stable",
      read: (row) => ({ value: row.value, figure: leadingNumber(row.value) }),
    }),
  ),
  {
    goal: "orders: POST /orders new p50 / bare PutItem p50 (same run)",
    before: "4.6x (issue); 6.67x by this bench at 5d28203",
    target: 1.5,
    targetText: "<= 1.5x",
    source: { title: orders.title, row: /^POST \/orders new, warm \(/ },
    kind: "noisy",
    read: (row) =>
      row.ratio === undefined ? undefined : { value: `${x(row.ratio)} (${row.value})`, figure: row.ratio },
  },
  ...handlerEntries.map(
    (entry): Goal => ({
      goal: `bundle bytes: ${handlerName(entry)} (minified, SDK external)`,
      before: baselineBundles[entry]
        ? `${formatNumber(baselineBundles[entry].bytes)} B (${baselineCommit})`
        : "none (added since)",
      target: bundleGoalBytes,
      targetText: `<= ${formatNumber(bundleGoalBytes)} B (100 KB)`,
      source: {
        title: coldStart.title,
        row: new RegExp(`^${literally(handlerName(entry))}: bytes, SDK from the runtime`),
      },
      kind: "stable",
      read: (row) => ({ value: row.value, figure: leadingNumber(row.value) }),
    }),
  ),
  ...handlerEntries
    .filter((entry) => baselineBundles[entry])
    .map(
      (entry): Goal => ({
        goal: `cold import: ${handlerName(entry)}, median now / ${baselineCommit}'s bundle's median (same run)`,
        before: `${baselineCommit}'s bundle, loaded in the same rounds = 1.00`,
        target: coldImportGoalRatio,
        targetText: `<= ${coldImportGoalRatio}x`,
        source: {
          title: coldStart.title,
          row: new RegExp(`^${literally(handlerName(entry))}: cold import, SDK from the runtime`),
        },
        kind: "noisy",
        read: (row) =>
          row.ratio === undefined ? undefined : { value: `${x(row.ratio)} (${row.value})`, figure: row.ratio },
      }),
    ),
  {
    goal: "AWS SDK bundled instead of the runtime's: cold import median / deployed (median over handlers)",
    before: "not measured",
    targetText: "a decision with figures (README, Bundles and cold start)",
    source: { title: coldStart.title, row: /: cold import, SDK bundled$/ },
    kind: "noisy",
    read: (_, rows) => {
      const ratios = rows
        .filter((r) => / cold import, SDK bundled$/.test(r.name) && r.ratio !== undefined)
        .map((r) => r.ratio as number)
        .sort((a, b) => a - b);
      const bytes = rows
        .filter((r) => / bytes, SDK bundled$/.test(r.name) && r.ratio !== undefined)
        .map((r) => r.ratio as number);
      if (ratios.length === 0) return undefined;
      return {
        value: `${x(ratios[Math.floor(ratios.length / 2)])} (${x(ratios[0])}-${x(ratios[ratios.length - 1])}), for ${x(Math.min(...bytes))}-${x(Math.max(...bytes))} the bytes`,
      };
    },
  },
  {
    goal: "clickstream: CPU per event / one JSON.parse + JSON.stringify (same run)",
    before: "11-13 us per event (issue; no floor measured then)",
    target: 3,
    targetText: "<= 3x",
    source: { title: clickstream.title, row: /^CPU per event/ },
    kind: "noisy",
    read: (row) =>
      row.ratio === undefined ? undefined : { value: `${x(row.ratio)} (${row.value})`, figure: row.ratio },
  },
  {
    goal: "clickstream: per-event CPU at 10,000 events / at 100 (the curve's growth)",
    before: "not measured",
    target: 1,
    targetText: "<= 1x: no super-linear growth (the curve rows above)",
    source: { title: clickstream.title, row: /^\s*curve: 10,000 events/ },
    kind: "noisy",
    read: (row, rows) => {
      const first = rows.find((r) => /^\s*curve: 100 events/.test(r.name));
      const at100 = first && leadingNumber(first.value);
      const at10000 = leadingNumber(row.value);
      if (at100 === undefined || at10000 === undefined) return undefined;
      return { value: `${x(at10000 / at100)} (${first?.value} -> ${row.value})`, figure: at10000 / at100 };
    },
  },
  {
    goal: "clickstream: the largest batch Lambda can deliver, payload / 6 MB",
    before: "10,000 events, 8.8 MB: 1.47x (undeliverable)",
    target: 1,
    targetText: "<= 1x (fits the 6 MB invocation payload)",
    source: { title: clickstream.title, row: /^batch: the most events Lambda can deliver/ },
    kind: "stable",
    read: (row) =>
      row.ratio === undefined ? undefined : { value: `${x(row.ratio)} (${row.value})`, figure: row.ratio },
  },
  {
    goal: "clickstream: Personalize in flight derived from quota and parallelism, PutEvents/s / quota share",
    before: "8 in flight, fixed: 1,000 events at 20 ms per call took 1,480 ms",
    target: 1,
    targetText: "<= 1x and near it: as fast as the quota allows, no faster",
    source: { title: clickstream.title, row: /Personalize \d+ in flight \(derived/ },
    kind: "noisy",
    read: (row) =>
      row.ratio === undefined
        ? undefined
        : { value: `${x(row.ratio)} (${row.value}; ${row.reference})`, figure: row.ratio },
  },
  {
    goal: "the suite: npm test wall time",
    before: `${suiteBeforeSeconds} s (issue)`,
    target: suiteGoalSeconds,
    targetText: `<= ${suiteGoalSeconds} s`,
    source: { title: suite.title, row: /^npm test wall time/ },
    kind: "noisy",
    read: (row) => ({ value: `${row.value} (${row.reference})`, figure: leadingNumber(row.value) }),
  },
  {
    goal: "the program under mocks, and esbuild's share of a bundling run",
    before: "about 2.9 s, 19% esbuild (issue)",
    targetText: "reported",
    source: { title: program.title, row: /^esbuild's share/ },
    kind: "noisy",
    read: (row) => ({ value: `${row.value} esbuild (${row.reference}, medians)` }),
  },
];

/** One row per goal whose benchmark ran in `results`: the figure now, the figure before, now / target. */
export function goalRows(results: BenchResult[], list: Goal[] = goals): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const g of list) {
    const result = results.find((r) => r.title === g.source.title);
    if (!result) continue;
    const row = result.rows.find((r) => g.source.row.test(r.name));
    const reading = row && (g.read ? g.read(row, result.rows) : { value: row.value, figure: row.ratio });
    const against = `goal ${g.targetText}; before ${g.before}`;
    if (!reading) {
      rows.push({
        name: g.goal,
        value: row ? `no figure in row "${row.name}"` : `no row matching ${g.source.row} in "${g.source.title}"`,
        reference: against,
      });
      continue;
    }
    rows.push({
      name: g.goal,
      value: reading.value,
      reference: g.target === undefined ? against : `ratio: now / goal; ${against}`,
      ratio: g.target !== undefined && reading.figure !== undefined ? reading.figure / g.target : undefined,
      kind: g.kind,
    });
  }
  return rows;
}

export const goalsTitle = "Issue 15 goals: before, now (this run), ratio now / goal (<= 1.00 meets it)";
