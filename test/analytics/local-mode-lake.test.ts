// The named queries over a lake written THROUGH local mode: `startLocal`, the shop's visits
// posted to POST /events on the local gateway, carried by kinesalite to the processor, which
// writes them through the Firehose stand-in (and its quarantine) into local S3; then every
// query on DuckDB over that bucket, with exact answers. All events arrive today (UTC).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalLake, type QueryResult } from "../../analytics/local-lake";
import { findQuery, loadQueries } from "../../analytics/queries";
import { lakeEventsPrefix, quarantinePrefix } from "../../components/ingestion";
import { startLocal, type LocalPlatform } from "../../local/platform";
import { noBatchingWindows } from "../../testing/local-config";
import { liveVisits } from "../../testing/live-visits";

const layout = { eventsPrefix: lakeEventsPrefix, quarantinePrefix };
const hourOf = (d: Date) => d.toISOString().slice(0, 13);

describe("analytics: the named queries over a lake written through local mode", function () {
  this.timeout(300_000);
  let stateDir: string;
  let platform: LocalPlatform | undefined;
  const results = new Map<string, QueryResult>();
  const visits = liveVisits(`lake-${Date.now()}`);
  let postedFrom: Date;
  let postedUntil: Date;

  before(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "analytics-local-"));
    platform = await startLocal({ port: 0, stateDir, reset: true, config: noBatchingWindows });
    postedFrom = new Date();
    // As the tracker sends them: small batches to the anonymous route, from the storefront's origin.
    const events = [...visits.accepted, ...visits.refused];
    for (let i = 0; i < events.length; i += 10) {
      const response = await fetch(`${platform.urls.api}/events`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: platform.urls.storefront },
        body: JSON.stringify({ events: events.slice(i, i + 10) }),
      });
      assert.equal(response.status, 200, await response.text());
    }
    postedUntil = new Date();
    // Wait until every event is in the lake or the quarantine, then answer every query once.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const lake = await LocalLake.open(platform.lake.dir, layout);
      try {
        const volume = (await lake.run(findQuery("event-volume"), "0000-01-01")).rows;
        const sum = (column: string) => volume.reduce((total, r) => total + Number(r[column]), 0);
        if (sum("accepted") >= visits.accepted.length && sum("quarantined") >= visits.refused.length) {
          for (const q of loadQueries()) results.set(q.name, await lake.run(q, postedFrom.toISOString().slice(0, 10)));
          break;
        }
      } finally {
        lake.close();
      }
      if (Date.now() > deadline) throw new Error("the visits did not all reach the local lake within 120 s");
      await new Promise((r) => setTimeout(r, 500));
    }
  });
  after(async () => {
    await platform?.stop();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it("the lake is local S3's bucket folder, linked as <state>/lake for npm run analytics", () => {
    assert.equal(fs.realpathSync(path.join(stateDir, "lake")), fs.realpathSync(platform!.lake.dir));
    const files = fs.readdirSync(platform!.lake.dir, { recursive: true }).map(String);
    assert.ok(
      files.some((f) => /^events\/dt=\d{4}-\d\d-\d\d\/hour=\d\d\/.+\.gz\._S3rver_object$/.test(f)),
      files.join("\n"),
    );
    assert.ok(
      files.some((f) => /^quarantine\/dt=\d{4}-\d\d-\d\d\/.+\._S3rver_object$/.test(f)),
      files.join("\n"),
    );
  });

  it("funnel: 5 sessions viewed a product, 4 of them added, 3 checked out, 2 bought", () => {
    assert.deepEqual(results.get("funnel")!.rows, [
      { step: 1, event_type: "product_view", sessions: 5, rate_from_previous: null, rate_from_first: 1 },
      { step: 2, event_type: "add_to_cart", sessions: 4, rate_from_previous: 0.8, rate_from_first: 0.8 },
      { step: 3, event_type: "checkout_start", sessions: 3, rate_from_previous: 0.75, rate_from_first: 0.6 },
      { step: 4, event_type: "purchase", sessions: 2, rate_from_previous: 0.6667, rate_from_first: 0.4 },
    ]);
  });

  it("conversion by day: six sessions today, three bought", () => {
    assert.deepEqual(results.get("conversion-by-day")!.rows, [
      { day: postedFrom.toISOString().slice(0, 10), sessions: 6, purchasing_sessions: 3, conversion_rate: 0.5 },
    ]);
  });

  it("top products by purchases, then adds, then views", () => {
    assert.deepEqual(results.get("top-products")!.rows, [
      { item_id: "MUG", views: 3, adds: 2, purchases: 2 },
      { item_id: "LAMP", views: 1, adds: 1, purchases: 1 },
      { item_id: "TEAPOT", views: 2, adds: 2, purchases: 0 },
    ]);
  });

  it("cart abandonment: five carts, three bought, two left", () => {
    assert.deepEqual(results.get("cart-abandonment")!.rows, [
      { day: postedFrom.toISOString().slice(0, 10), carts: 5, purchased: 3, abandoned: 2, abandonment_rate: 0.4 },
    ]);
  });

  it("search terms of sessions that bought nothing, normalised", () => {
    assert.deepEqual(results.get("search-without-purchase")!.rows, [
      { term: "teapot", searches: 2, sessions: 2 },
      { term: "lamp", searches: 1, sessions: 1 },
      { term: "mug", searches: 1, sessions: 1 },
    ]);
  });

  it("event volume: every accepted type counted, the two refused events quarantined under their type", () => {
    const { rows } = results.get("event-volume")!;
    // Arrival hours are the processor's; the visits were posted within [postedFrom, postedUntil].
    const hours = new Set([hourOf(postedFrom), hourOf(postedUntil)]);
    for (const r of rows)
      assert.ok(hours.has(String(r.arrival_hour)), `arrival hour ${r.arrival_hour} is when the visits were posted`);
    const byType = new Map<string, { accepted: number; quarantined: number }>();
    for (const r of rows) {
      const t = byType.get(String(r.event_type)) ?? { accepted: 0, quarantined: 0 };
      byType.set(String(r.event_type), {
        accepted: t.accepted + Number(r.accepted),
        quarantined: t.quarantined + Number(r.quarantined),
      });
    }
    assert.deepEqual(Object.fromEntries([...byType].sort(([a], [b]) => a.localeCompare(b))), {
      add_to_cart: { accepted: 5, quarantined: 0 },
      checkout_start: { accepted: 4, quarantined: 0 },
      page_view: { accepted: 2, quarantined: 1 },
      product_view: { accepted: 6, quarantined: 1 },
      purchase: { accepted: 3, quarantined: 0 },
      search: { accepted: 5, quarantined: 0 },
    });
    if (hours.size === 1) {
      assert.deepEqual(
        rows.filter((r) => r.quarantined).map((r) => [r.event_type, r.quarantine_share]),
        [
          ["page_view", 0.3333],
          ["product_view", 0.1429],
        ],
      );
    }
  });
});
