// Every named query (analytics/*.sql) parses as Athena SQL (Trino, engine v3) and gives exact
// answers on DuckDB over a lake written by the ClickstreamProcessor in the Firehose layout.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import type { AddressInfo } from "node:net";
import { Parser } from "node-sql-parser";
import { lakeEventsPrefix, quarantinePrefix } from "../../components/ingestion";
import { LocalLake, type QueryResult } from "../../analytics/local-lake";
import { findQuery, loadQueries } from "../../analytics/queries";
import { writeLake } from "../../testing/lake-writer";
import { shopVisits } from "../../testing/shop-visits";

const layout = { eventsPrefix: lakeEventsPrefix, quarantinePrefix };

describe("analytics: the named queries", () => {
  let lakeDir: string;
  let lake: LocalLake;
  const run = (name: string, since = "2026-11-29"): Promise<QueryResult> => lake.run(findQuery(name), since);

  before(async () => {
    lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-"));
    await writeLake(lakeDir, shopVisits);
    lake = await LocalLake.open(lakeDir, layout);
  });
  after(() => {
    lake?.close();
    fs.rmSync(lakeDir, { recursive: true, force: true });
  });

  it("are the six questions, each with a description", () => {
    assert.deepEqual(
      loadQueries().map((q) => q.name),
      ["cart-abandonment", "conversion-by-day", "event-volume", "funnel", "search-without-purchase", "top-products"],
    );
    for (const q of loadQueries()) assert.ok(q.description.length > 40, `${q.name} describes what it answers`);
  });

  it("each parses as Athena SQL (Trino dialect, and the Athena dialect with its parameters bound)", () => {
    const parser = new Parser();
    for (const q of loadQueries()) {
      assert.doesNotThrow(() => parser.astify(q.sql, { database: "trino" }), `${q.name} is not Trino SQL`);
      // node-sql-parser's Athena grammar has no `?` placeholder: bind it as Athena does, a literal.
      assert.doesNotThrow(
        () => parser.astify(q.sql.replace(/\?/g, "'2026-11-29'"), { database: "athena" }),
        `${q.name} is not Athena SQL`,
      );
    }
  });

  it("the test lake is in the Firehose layout", () => {
    const files = fs
      .readdirSync(lakeDir, { recursive: true })
      .map(String)
      .filter((f) => fs.statSync(path.join(lakeDir, f)).isFile())
      .sort();
    assert.ok(
      files.some((f) =>
        /^events\/dt=2026-11-29\/hour=10\/ingestion-delivery-1-2026-11-29-10-\d\d-\d\d-[0-9a-f-]{36}\.gz$/.test(f),
      ),
      files.join("\n"),
    );
    assert.ok(
      files.some((f) => /^quarantine\/dt=2026-11-30\/.+\.json$/.test(f)),
      files.join("\n"),
    );
  });

  it("funnel: sessions reaching each step, each counting only sessions that reached the one before", async () => {
    const { rows } = await run("funnel");
    assert.deepEqual(rows, [
      { step: 1, event_type: "product_view", sessions: 4, rate_from_previous: null, rate_from_first: 1 },
      { step: 2, event_type: "add_to_cart", sessions: 3, rate_from_previous: 0.75, rate_from_first: 0.75 },
      { step: 3, event_type: "checkout_start", sessions: 2, rate_from_previous: 0.6667, rate_from_first: 0.5 },
      { step: 4, event_type: "purchase", sessions: 1, rate_from_previous: 0.5, rate_from_first: 0.25 },
    ]);
  });

  it("funnel: the window's first day is a parameter", async () => {
    const { rows } = await run("funnel", "2026-11-28");
    assert.deepEqual(
      rows.map((r) => r.sessions),
      [5, 4, 3, 2],
    );
  });

  it("conversion by day", async () => {
    assert.deepEqual((await run("conversion-by-day")).rows, [
      { day: "2026-11-29", sessions: 3, purchasing_sessions: 1, conversion_rate: 0.3333 },
      { day: "2026-11-30", sessions: 2, purchasing_sessions: 1, conversion_rate: 0.5 },
    ]);
  });

  it("top products by purchases, then adds, then views", async () => {
    assert.deepEqual((await run("top-products")).rows, [
      { item_id: "MUG", views: 2, adds: 1, purchases: 1 },
      { item_id: "LAMP", views: 1, adds: 1, purchases: 1 },
      { item_id: "TEAPOT", views: 2, adds: 2, purchases: 0 },
    ]);
  });

  it("an event delivered twice (same eventId, a later batch) counts once in every question but arrivals", async () => {
    const again = fs.mkdtempSync(path.join(os.tmpdir(), "lake-again-"));
    const resent = shopVisits
      .filter((a) =>
        ["add_to_cart", "purchase", "search", "product_view"].includes(
          (a.record as { eventType?: string }).eventType ?? "",
        ),
      )
      .map((a) => ({ at: new Date(a.at.getTime() + 120_000), record: a.record }));
    await writeLake(again, shopVisits);
    await writeLake(again, resent);
    const twice = await LocalLake.open(again, layout);
    try {
      for (const q of loadQueries().filter((x) => x.name !== "event-volume"))
        assert.deepEqual(await twice.run(q, "2026-11-29"), await run(q.name), q.name);
      const accepted = (r: QueryResult) => r.rows.reduce((n, row) => n + Number(row.accepted), 0);
      assert.ok(
        accepted(await twice.run(findQuery("event-volume"), "2026-11-29")) > accepted(await run("event-volume")),
      );
    } finally {
      twice.close();
      fs.rmSync(again, { recursive: true, force: true });
    }
  });

  it("cart abandonment by day", async () => {
    assert.deepEqual((await run("cart-abandonment")).rows, [
      { day: "2026-11-29", carts: 3, purchased: 1, abandoned: 2, abandonment_rate: 0.6667 },
      { day: "2026-11-30", carts: 1, purchased: 1, abandoned: 0, abandonment_rate: 0 },
    ]);
  });

  it("search terms of sessions that bought nothing, normalised", async () => {
    assert.deepEqual((await run("search-without-purchase")).rows, [
      { term: "teapot", searches: 2, sessions: 2 },
      { term: "lamp", searches: 1, sessions: 1 },
      { term: "mug", searches: 1, sessions: 1 },
    ]);
  });

  it("event volume per type per hour with the quarantine's share", async () => {
    const row = (arrival_hour: string, event_type: string, accepted: number, quarantined: number) => ({
      arrival_hour,
      event_type,
      accepted,
      quarantined,
      quarantine_share: Math.round((quarantined / (accepted + quarantined)) * 1e4) / 1e4,
    });
    assert.deepEqual((await run("event-volume")).rows, [
      row("2026-11-29T10", "add_to_cart", 2, 0),
      row("2026-11-29T10", "checkout_start", 1, 0),
      row("2026-11-29T10", "page_view", 1, 0),
      row("2026-11-29T10", "product_view", 3, 0),
      row("2026-11-29T10", "purchase", 1, 0),
      row("2026-11-29T10", "search", 2, 0),
      row("2026-11-29T11", "add_to_cart", 1, 0),
      row("2026-11-29T11", "checkout_start", 1, 0),
      row("2026-11-29T11", "product_view", 1, 0),
      row("2026-11-29T11", "search", 2, 0),
      row("2026-11-30T09", "(unreadable)", 0, 1),
      row("2026-11-30T09", "add_to_cart", 1, 0),
      row("2026-11-30T09", "bogus", 0, 1),
      row("2026-11-30T09", "checkout_start", 1, 0),
      row("2026-11-30T09", "page_view", 1, 0),
      row("2026-11-30T09", "product_view", 1, 1),
      row("2026-11-30T09", "purchase", 1, 0),
      row("2026-11-30T09", "search", 1, 0),
    ]);
  });

  it("reads the lake where local mode keeps it: a bucket of s3rver, its objects stored as <key>._S3rver_object, skipping objects s3rver is still writing", async () => {
    // biome-ignore lint/style/noCommonJs: s3rver ships no types
    const S3rver = require("s3rver");
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "s3rver-lake-"));
    const server = new S3rver({
      address: "127.0.0.1",
      port: 0,
      silent: true,
      directory,
      configureBuckets: [{ name: "lake" }],
    });
    const { port } = (await server.run()) as AddressInfo;
    const s3 = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    let local: LocalLake | undefined;
    try {
      await writeLake({ s3, bucket: "lake" }, shopVisits);
      const files = fs.readdirSync(path.join(directory, "lake"), { recursive: true }).map(String);
      assert.ok(
        files.some((f) => /^events\/dt=2026-11-29\/hour=10\/.+\.gz\._S3rver_object$/.test(f)),
        files.join("\n"),
      );
      assert.ok(
        files.some((f) => f.endsWith("._S3rver_metadata.json")),
        "s3rver keeps metadata beside each object: not read as data",
      );
      // What local mode's lake holds while the Firehose stand-in writes: an object whose bytes
      // are not all on disk yet (s3rver has written its MD5), and metadata before its object.
      const partition = path.join(directory, "lake", "events", "dt=2026-11-29", "hour=10");
      const written = files.find(
        (f) => f.startsWith("events/dt=2026-11-29/hour=10/") && f.endsWith(".gz._S3rver_object"),
      );
      const bytes = fs.readFileSync(path.join(directory, "lake", written!));
      const writing = path.join(partition, "being-written.gz._S3rver_object");
      fs.writeFileSync(writing, bytes.subarray(0, bytes.length >> 1));
      fs.writeFileSync(`${writing}.md5`, createHash("md5").update(bytes).digest("hex"));
      fs.writeFileSync(path.join(partition, "next.gz._S3rver_metadata.json"), "{}");
      local = await LocalLake.open(path.join(directory, "lake"), layout);
      for (const name of loadQueries().map((q) => q.name)) {
        assert.deepEqual(await local.run(findQuery(name), "2026-11-29"), await run(name), name);
      }
    } finally {
      local?.close();
      s3.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it("an empty lake answers every query: no rows, and a funnel of zeros", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "lake-empty-"));
    const local = await LocalLake.open(empty, layout);
    try {
      for (const q of loadQueries().filter((x) => x.name !== "funnel"))
        assert.deepEqual((await local.run(q, "2026-11-29")).rows, [], q.name);
      assert.deepEqual(
        (await local.run(findQuery("funnel"), "2026-11-29")).rows.map((r) => [
          r.event_type,
          r.sessions,
          r.rate_from_previous,
        ]),
        [
          ["product_view", 0, null],
          ["add_to_cart", 0, null],
          ["checkout_start", 0, null],
          ["purchase", 0, null],
        ],
      );
    } finally {
      local.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
