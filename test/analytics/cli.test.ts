// `npm run analytics`: the arguments, the printed table and the chart, over a lake the
// processor writes.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defaultChartFile, defaultLakeDir, parseCli, runCli } from "../../analytics/cli";
import { sinceDay } from "../../analytics/window";
import { writeLake } from "../../testing/lake-writer";
import { shopVisits } from "../../testing/shop-visits";

describe("analytics: npm run analytics", () => {
  let dir: string;
  const today = new Date("2026-11-30T18:00:00Z");
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "analytics-cli-"));
    await writeLake(path.join(dir, "lake"), shopVisits);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads the query, the window, the lake folder and the chart file from its arguments", () => {
    assert.deepEqual(parseCli(["funnel"], {}), {
      query: "funnel",
      since: "7d",
      lakeDir: defaultLakeDir,
      chartFile: undefined,
    });
    assert.deepEqual(parseCli(["top-products", "--since", "30d", "--lake", "/tmp/l", "--chart"], {}), {
      query: "top-products",
      since: "30d",
      lakeDir: "/tmp/l",
      chartFile: defaultChartFile,
    });
    assert.deepEqual(parseCli(["--chart", "out.svg", "funnel"], { ANALYTICS_LAKE_DIR: "/x" }), {
      query: "funnel",
      since: "7d",
      lakeDir: "/x",
      chartFile: "out.svg",
    });
    assert.throws(() => parseCli(["funnel", "--frobnicate"], {}), /frobnicate/);
  });

  it("--since: N days including today, a day, or all; anything else is refused", () => {
    assert.equal(sinceDay("1d", today), "2026-11-30");
    assert.equal(sinceDay("7d", today), "2026-11-24");
    assert.equal(sinceDay("2026-11-29", today), "2026-11-29");
    assert.equal(sinceDay("all", today), "0000-01-01");
    for (const bad of ["0d", "week", "2026-13-45", "7"]) assert.throws(() => sinceDay(bad, today), /--since/);
  });

  it("prints the funnel of the window as a table", async () => {
    const out: string[] = [];
    await runCli({ query: "funnel", since: "2d", lakeDir: path.join(dir, "lake") }, (t) => out.push(t), today);
    const table = out.join("\n").split("\n").slice(-7).join("\n");
    assert.equal(
      table,
      [
        "step  event_type      sessions  rate_from_previous  rate_from_first",
        "----  --------------  --------  ------------------  ---------------",
        "   1  product_view           4                   -                1",
        "   2  add_to_cart            3                0.75             0.75",
        "   3  checkout_start         2              0.6667              0.5",
        "   4  purchase               1                 0.5             0.25",
        "(4 rows)",
      ].join("\n"),
    );
    assert.match(out[0], /^funnel: The funnel: sessions reaching product_view/);
  });

  it("names the queries when asked for one that does not exist", async () => {
    await assert.rejects(
      runCli({ query: "revenue", since: "7d", lakeDir: path.join(dir, "lake") }, () => {}, today),
      /no query "revenue"; the queries are: cart-abandonment, conversion-by-day/,
    );
  });

  it("--chart writes the funnel and the daily conversion as an SVG", async () => {
    const file = path.join(dir, "chart.svg");
    await runCli({ since: "2d", lakeDir: path.join(dir, "lake"), chartFile: file }, () => {}, today);
    const svg = fs.readFileSync(file, "utf8");
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const text of [
      "product_view</text>",
      "purchase</text>",
      ">1 (50.0% of previous)</text>",
      ">33.3%</text>",
      ">50.0%</text>",
      ">11-29</text>",
      ">11-30</text>",
    ]) {
      assert.ok(svg.includes(text), `chart shows ${text}`);
    }
    assert.ok(svg.includes("<title>2026-11-29: 1 of 3 sessions</title>"));
  });
});
