// The bench's "Done when" table (bench/goals.ts): each goal of issue 15 read from the row of the
// benchmark that measures it, judged against the goal; a goal whose row is gone says so instead
// of vanishing. And the suite figure's closing counts, read from mocha's own summary.
import { strict as assert } from "node:assert";
import { benchmark as clickstream } from "../../bench/clickstream";
import { benchmark as coldStart, handlerEntries } from "../../bench/cold-start";
import { baselineBundles } from "../../bench/cold-import-baseline";
import { bundleGoalBytes } from "../../testing/bundle-budgets";
import { type BenchResult, goalRows, goals } from "../../bench/goals";
import { benchmark as orders } from "../../bench/orders";
import { benchmark as program } from "../../bench/program";
import { failureReport, benchmark as suite, mochaCounts, mochaOutput } from "../../bench/suite";

const ordersRun: BenchResult = {
  title: orders.title,
  rows: [
    { name: "POST /orders new, warm (300, interleaved; noisy)", value: "4.20 ms (min 3.00 ms)", ratio: 1.2 },
    {
      name: "DynamoDB calls: new order, warm container (counted; stable)",
      value: "1 (TransactWriteItems)",
      ratio: 0.25,
    },
    { name: "DynamoDB calls: new order, cold container (counted; stable)", value: "2 (Scan + TransactWriteItems)" },
    { name: "DynamoDB calls: replay (same key and body) (counted; stable)", value: "1 (TransactWriteItems)" },
    {
      name: "DynamoDB calls: TransactionConflict once, then placed (counted; stable)",
      value: "3 (3 TransactWriteItems)",
    },
    { name: "DynamoDB calls: out of stock (409) (counted; stable)", value: "1 (TransactWriteItems)" },
  ],
};

const rowOf = (rows: ReturnType<typeof goalRows>, goal: string) => {
  const row = rows.find((r) => r.name === goal);
  assert.ok(row, `no goal row "${goal}" in ${rows.map((r) => r.name).join("; ")}`);
  return row;
};

describe("bench goals (the Done-when table)", () => {
  it("reads each goal's figure from the row that measures it and gives it as a ratio of the goal", () => {
    const rows = goalRows([ordersRun]);
    const warm = rowOf(rows, "orders: DynamoDB calls, new order, warm container");
    assert.equal(warm.value, "1 (TransactWriteItems)");
    assert.equal(warm.ratio, 1);
    assert.match(warm.reference ?? "", /before 4 calls/);
    assert.equal(rowOf(rows, "orders: DynamoDB calls, TransactionConflict once, then placed").ratio, 1.5);
    const p50 = rowOf(rows, "orders: POST /orders new p50 / bare PutItem p50 (same run)");
    assert.equal(p50.ratio, 1.2 / 1.5);
    assert.equal(p50.kind, "noisy");
    assert.equal(warm.kind, "stable");
  });

  it("judges every handler bundle's bytes against 100 KB from the cold-start rows", () => {
    const rows = goalRows([
      {
        title: coldStart.title,
        rows: [{ name: "orders: bytes, SDK from the runtime (deployed)", value: "292,527 B, zip 88,481 B" }],
      },
    ]);
    assert.equal(rowOf(rows, "bundle bytes: orders (minified, SDK external)").ratio, 292_527 / bundleGoalBytes);
    // The other handlers' rows are absent from this result: each says which row it looked for.
    assert.match(
      rowOf(rows, "bundle bytes: clickstream (minified, SDK external)").value,
      /no row matching .*clickstream: bytes, SDK from the runtime/,
    );
  });

  it("leaves out the goals of benchmarks that did not run", () => {
    const rows = goalRows([ordersRun]);
    assert.ok(rows.length > 0);
    assert.ok(
      rows.every((r) => r.name.startsWith("orders:")),
      rows.map((r) => r.name).join("; "),
    );
  });

  it("has a goal for every part of the issue, from the benchmark that measures it", () => {
    const sources = new Set(goals.map((g) => g.source.title));
    for (const b of [orders, coldStart, clickstream, suite, program]) assert.ok(sources.has(b.title), b.title);
    for (const entry of handlerEntries) {
      const name = entry.split("/")[1];
      assert.ok(
        goals.some((g) => g.goal.startsWith(`bundle bytes: ${name} `)),
        `no bytes goal for ${entry}`,
      );
      if (baselineBundles[entry])
        assert.ok(
          goals.some((g) => g.goal.startsWith(`cold import: ${name},`)),
          `no cold import goal for ${entry}`,
        );
    }
  });

  it("reads mocha's closing counts for the suite figure, so skipped tests cannot pass for speed", () => {
    const output = "  1080 passing (4m)\n  3 pending\n  1 failing\n\n  1) a test:\n     Error: 12 passing nowhere";
    assert.deepEqual(mochaCounts(output), { passing: 1080, pending: 3, failing: 1 });
    assert.deepEqual(mochaCounts("  12 passing (2s)\n"), { passing: 12, pending: 0, failing: 0 });
  });

  it("takes mocha's lines from npm test's side-by-side output, not another command's", () => {
    const output = [
      "[typecheck:program] 3 passing checks",
      "[mocha]   ✔ a test",
      "[mocha]   1080 passing (4m)",
      "[lint] 2 failing rules",
      "[mocha]   1 failing",
      "[mocha] ",
      "[mocha]   1) a suite",
    ].join("\n");
    assert.equal(mochaOutput(output), "  ✔ a test\n  1080 passing (4m)\n  1 failing\n\n  1) a suite");
    assert.deepEqual(mochaCounts(mochaOutput(output)), { passing: 1080, pending: 0, failing: 1 });
    assert.equal(mochaOutput("  12 passing (2s)"), "  12 passing (2s)");
  });

  it("says what failed when the suite it timed failed: mocha's report from its failing count on", () => {
    const output = "  ✔ a test\n  1080 passing (4m)\n  1 failing\n\n  1) a suite\n       a test:\n     Error: boom\n";
    assert.equal(failureReport(output), "  1 failing\n\n  1) a suite\n       a test:\n     Error: boom\n");
    assert.equal(failureReport("npm ERR! typecheck failed", 9), "ck failed");
  });
});
