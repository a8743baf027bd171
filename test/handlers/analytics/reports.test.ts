// GET /analytics/{query}: the AnalyticsReports handler against local mode's Athena stand-in
// (DuckDB over a lake the processor wrote): the first look starts the named query and says so
// (202, ask again in 1 s), the next reads its results; a stale answer is shown while one refresh
// runs; only the admin group gets in; and the stand-in answers as Athena documents (header row,
// text values). Then, against a scripted Athena, how soon the page is told to ask again while
// an execution runs, and what those looks cost in Athena calls.
import { strict as assert } from "node:assert";
import {
  AthenaClient,
  ListQueryExecutionsCommand,
  StartQueryExecutionCommand,
  type QueryExecution,
} from "@aws-sdk/client-athena";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadQueries } from "../../../analytics/queries";
import { lakeEventsPrefix, quarantinePrefix } from "../../../components/ingestion";
import {
  askAgainAfterSeconds,
  reportsHandler,
  unavailableRetryAfterSeconds,
} from "../../../handlers/analytics/reports";
import { rowsOf } from "../../../handlers/analytics/result-set";
import { LocalAthena } from "../../../local/athena";
import { recordingClient } from "../../../testing/aws-calls";
import { writeLake } from "../../../testing/lake-writer";
import { shopVisits } from "../../../testing/shop-visits";
import { ordersEvent } from "../../../testing/orders-events";

const workgroup = "analytics-wg";
const admin = { sub: "ops-1", "cognito:groups": "admin" };

/** GET /analytics/{query} as API Gateway hands it to the function; `null` claims: no authorizer's. */
const reportRequest = (query: string, claims: Record<string, string> | null = admin) =>
  ordersEvent({ resource: "/analytics/{query}", method: "GET", pathParameters: { query }, claims });

describe("analytics: GET /analytics/{query} (AnalyticsReports)", () => {
  let lakeDir: string;
  let athena: LocalAthena;
  let client: AthenaClient;
  let now = new Date("2026-11-30T18:00:00Z");
  const ids = { funnel: "nq-funnel", "top-products": "nq-top" };
  const brokenId = "nq-broken";
  const errors: unknown[] = [];
  let handler: ReturnType<typeof reportsHandler>;
  const get = (query: string, claims: Record<string, string> = admin) => handler(reportRequest(query, claims));
  const executions = async () =>
    (await client.send(new ListQueryExecutionsCommand({ WorkGroup: workgroup }))).QueryExecutionIds ?? [];

  before(async () => {
    lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "reports-lake-"));
    await writeLake(lakeDir, shopVisits);
    const sql = Object.fromEntries(loadQueries().map((q) => [q.name, q.sql]));
    athena = await new LocalAthena(
      [
        { id: ids.funnel, name: "funnel", sql: sql.funnel },
        { id: ids["top-products"], name: "top-products", sql: sql["top-products"] },
        { id: brokenId, name: "broken", sql: "SELECT no_such_column FROM events WHERE dt >= ?" },
      ].map((q) => ({ ...q, database: "db", workgroup })),
      lakeDir,
      { eventsPrefix: lakeEventsPrefix, quarantinePrefix },
      () => now,
    ).start();
    client = new AthenaClient({
      endpoint: athena.endpoint,
      region: "eu-west-1",
      credentials: { accessKeyId: "x", secretAccessKey: "y" },
    });
    // The handler's own client records its calls (the IAM simulator checks the grant against them).
    const handlerClient = recordingClient(
      "analytics-reports",
      "athena",
      new AthenaClient({
        endpoint: athena.endpoint,
        region: "eu-west-1",
        credentials: { accessKeyId: "x", secretAccessKey: "y" },
      }),
      { WORKGROUP: workgroup },
    );
    handler = reportsHandler({
      athena: handlerClient,
      workgroup,
      namedQueryIds: ids,
      windowDays: 2,
      maxAgeSeconds: 3600,
      allowedOrigin: "https://shop.example.com",
      now: () => now,
      logger: { error: (m: unknown) => errors.push(m) } as any,
    });
  });
  after(async () => {
    client?.destroy();
    await athena?.stop();
    fs.rmSync(lakeDir, { recursive: true, force: true });
  });

  it("the first look starts the named query over the window and answers 202 with Retry-After: 1 (it has just started); the next reads its results", async () => {
    const first = await get("funnel");
    assert.equal(first.statusCode, 202, first.body);
    assert.equal(first.headers?.["Retry-After"], "1");
    assert.deepEqual(JSON.parse(first.body), { query: "funnel", since: "2026-11-29", state: "running" });
    assert.equal((await executions()).length, 1);
    await athena.settled(); // the query ends, as Athena's does, while the page waits

    const second = await get("funnel");
    assert.equal(second.statusCode, 200, second.body);
    const body = JSON.parse(second.body);
    assert.equal(body.state, "ready");
    assert.equal(body.refreshing, false);
    assert.equal(body.since, "2026-11-29");
    assert.deepEqual(body.columns, ["step", "event_type", "sessions", "rate_from_previous", "rate_from_first"]);
    assert.deepEqual(body.rows, [
      { step: 1, event_type: "product_view", sessions: 4, rate_from_previous: null, rate_from_first: 1 },
      { step: 2, event_type: "add_to_cart", sessions: 3, rate_from_previous: 0.75, rate_from_first: 0.75 },
      { step: 3, event_type: "checkout_start", sessions: 2, rate_from_previous: 0.6667, rate_from_first: 0.5 },
      { step: 4, event_type: "purchase", sessions: 1, rate_from_previous: 0.5, rate_from_first: 0.25 },
    ]);
    assert.equal((await executions()).length, 1, "a fresh answer starts nothing");
    assert.equal(second.headers?.["Access-Control-Allow-Origin"], "https://shop.example.com");
    assert.equal(second.headers?.["Cache-Control"], "no-store");
  });

  it("reads only executions of exactly that query and window: an ad-hoc query or another window is not its answer", async () => {
    await get("top-products");
    await athena.settled();
    const sql = loadQueries().find((q) => q.name === "top-products")!.sql;
    // Newer executions in the same workgroup that are not the report's.
    await client.send(
      new StartQueryExecutionCommand({ QueryString: sql, WorkGroup: workgroup, ExecutionParameters: ["2026-11-28"] }),
    );
    await client.send(new StartQueryExecutionCommand({ QueryString: "SELECT 1 AS item_id", WorkGroup: workgroup }));
    await athena.settled();
    const answer = JSON.parse((await get("top-products")).body);
    assert.deepEqual(answer.rows, [
      { item_id: "MUG", views: 2, adds: 1, purchases: 1 },
      { item_id: "LAMP", views: 1, adds: 1, purchases: 1 },
      { item_id: "TEAPOT", views: 2, adds: 2, purchases: 0 },
    ]);
  });

  it("a stale answer is shown, marked refreshing, while exactly one new execution runs", async () => {
    const before = (await executions()).length;
    now = new Date(now.getTime() + 2 * 3600_000);
    const [a, b] = await Promise.all([get("funnel"), get("funnel")]);
    for (const r of [a, b]) {
      assert.equal(r.statusCode, 200);
      assert.equal(JSON.parse(r.body).refreshing, true);
      assert.equal(JSON.parse(r.body).rows[0].sessions, 4);
    }
    assert.equal((await executions()).length, before + 1, "one refresh for concurrent looks (one ClientRequestToken)");
    await athena.settled();
    const after = JSON.parse((await get("funnel")).body);
    assert.equal(after.refreshing, false);
  });

  it("only the admin group: a shopper gets 403, an unknown report 404, and neither reaches Athena", async () => {
    const before = (await executions()).length;
    const shopper = await get("funnel", { sub: "customer-1" });
    assert.equal(shopper.statusCode, 403);
    const lookalike = await get("funnel", { sub: "eve", "cognito:groups": "administrators" });
    assert.equal(lookalike.statusCode, 403);
    const unknown = await get("revenue");
    assert.equal(unknown.statusCode, 404);
    assert.match(JSON.parse(unknown.body).error, /the reports are: funnel, top-products/);
    const event = reportRequest("funnel", null);
    assert.equal((await handler(event)).statusCode, 401);
    assert.equal((await executions()).length, before);
  });

  it("Athena failing is a 503 with Retry-After, logged, never a Lambda error", async () => {
    const broken = reportsHandler({
      athena: new AthenaClient({
        endpoint: "http://127.0.0.1:9",
        region: "eu-west-1",
        credentials: { accessKeyId: "x", secretAccessKey: "y" },
        maxAttempts: 1,
      }),
      workgroup,
      namedQueryIds: { funnel: "nq-other" },
      windowDays: 2,
      maxAgeSeconds: 3600,
      allowedOrigin: "o",
      logger: { error: (m: unknown) => errors.push(m) } as any,
    });
    const response = await broken(reportRequest("funnel"));
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers?.["Retry-After"], "5");
    assert.equal(unavailableRetryAfterSeconds, 5);
    assert.ok(errors.length > 0);
  });

  it("a named query that failed this period is a 503 with Retry-After: 5, logged with Athena's reason, not a report the page asks for again and again", async () => {
    const logged: any[] = [];
    const broken = reportsHandler({
      athena: client,
      workgroup,
      namedQueryIds: { funnel: brokenId },
      windowDays: 2,
      maxAgeSeconds: 3600,
      allowedOrigin: "o",
      now: () => now,
      logger: { error: (_m: unknown, extra: any) => logged.push(extra) } as any,
    });
    const look = () => broken(reportRequest("funnel"));
    assert.equal((await look()).statusCode, 202, "started: Athena has not said yet that it fails");
    await athena.settled();
    const before = (await executions()).length;
    for (let i = 0; i < 2; i++) {
      const response = await look();
      assert.equal(response.statusCode, 503, response.body);
      assert.equal(response.headers?.["Retry-After"], "5");
    }
    assert.equal((await executions()).length, before, "the period's token answers the failed execution: none started");
    assert.match(String(logged[0]?.error?.message), /FAILED: .*no_such_column/);
  });

  it("reads a ResultSet as Athena shapes it: the header row skipped, NULL absent, numbers by column type", () => {
    assert.deepEqual(
      rowsOf({
        ResultSetMetadata: {
          ColumnInfo: [
            { Name: "term", Type: "varchar" },
            { Name: "n", Type: "bigint" },
            { Name: "rate", Type: "double" },
            { Name: "ok", Type: "boolean" },
          ],
        },
        Rows: [
          { Data: [{ VarCharValue: "term" }, { VarCharValue: "n" }, { VarCharValue: "rate" }, { VarCharValue: "ok" }] },
          { Data: [{ VarCharValue: "mug" }, { VarCharValue: "2" }, {}, { VarCharValue: "true" }] },
        ],
      } as any),
      { columns: ["term", "n", "rate", "ok"], rows: [{ term: "mug", n: 2, rate: null, ok: true }] },
    );
  });
});

/** An Athena that answers from a script: one report's history, and every call it was sent. */
function scriptedAthena(history: QueryExecution[]) {
  const calls: string[] = [];
  const sql = "SELECT 1 WHERE day >= ?";
  const athena = {
    send: async (command: any): Promise<any> => {
      const name = command.constructor.name.replace(/Command$/, "");
      calls.push(name);
      const input = command.input;
      if (name === "GetNamedQuery") return { NamedQuery: { QueryString: sql } };
      if (name === "ListQueryExecutions") return { QueryExecutionIds: history.map((e) => e.QueryExecutionId) };
      if (name === "BatchGetQueryExecution")
        return { QueryExecutions: history.filter((e) => input.QueryExecutionIds.includes(e.QueryExecutionId)) };
      if (name === "StartQueryExecution") {
        history.unshift({
          QueryExecutionId: `started-${history.length}`,
          Query: sql,
          ExecutionParameters: input.ExecutionParameters,
          Status: { State: "QUEUED", SubmissionDateTime: new Date(clock) },
        });
        return { QueryExecutionId: history[0].QueryExecutionId };
      }
      if (name === "GetQueryResults")
        return {
          ResultSet: {
            ResultSetMetadata: { ColumnInfo: [{ Name: "n", Type: "bigint" }] },
            Rows: [{ Data: [{ VarCharValue: "n" }] }, { Data: [{ VarCharValue: "7" }] }],
          },
        };
      throw new Error(`unexpected ${name}`);
    },
  };
  let clock = Date.parse("2026-11-30T18:00:00Z");
  const handler = reportsHandler({
    athena,
    workgroup: "wg",
    // A name per script: the handler remembers running executions per query and window per container.
    namedQueryIds: { funnel: `nq-${Math.random()}` },
    windowDays: 2,
    maxAgeSeconds: 3600,
    allowedOrigin: "o",
    now: () => new Date(clock),
    logger: { error: () => {} } as any,
  });
  const look = async () => {
    const response = await handler(reportRequest("funnel"));
    return { status: response.statusCode, retryAfter: String(response.headers?.["Retry-After"]) };
  };
  return {
    calls,
    history,
    sql,
    look,
    /** Moves the handler's and the script's clock on. */
    advance: (ms: number) => {
      clock += ms;
    },
    at: (msAgo: number) => new Date(clock - msAgo),
  };
}

describe("analytics: when the reports page is told to ask again (Retry-After while a query runs)", () => {
  it("after as long again as the execution has run: 1 s at first, then 2 s, 4 s, and never more than 5 s", () => {
    assert.deepEqual(
      [0, 300, 1000, 1050, 2000, 3100, 4000, 7200, 60_000, -2000].map(askAgainAfterSeconds),
      [1, 1, 1, 2, 2, 4, 4, 5, 5, 1],
    );
  });

  it("the execution it starts: Retry-After 1; the page's next looks as it runs on: 2, 4, 5, 5 (from Athena's SubmissionDateTime)", async () => {
    const athena = scriptedAthena([]);
    const seen: string[] = [];
    const first = await athena.look();
    assert.equal(first.status, 202);
    seen.push(first.retryAfter);
    for (let i = 0; i < 4; i++) {
      athena.advance(Number(seen.at(-1)) * 1000 + 50); // the page waits as told, and its request takes a moment
      athena.history[0].Status!.State = "RUNNING";
      const next = await athena.look();
      assert.equal(next.status, 202);
      seen.push(next.retryAfter);
    }
    assert.deepEqual(seen, ["1", "2", "4", "5", "5"]);
  });

  it("an execution found running in the history (another admin's, another container's): Retry-After from its age, young -> 1 s, old -> capped at 5 s", async () => {
    for (const [ageMs, expected] of [
      [200, "1"],
      [2500, "3"],
      [90_000, "5"],
    ] as const) {
      const athena = scriptedAthena([]);
      athena.history.push({
        QueryExecutionId: "theirs",
        Query: athena.sql,
        ExecutionParameters: ["2026-11-29"],
        Status: { State: "RUNNING", SubmissionDateTime: athena.at(ageMs) },
      });
      const response = await athena.look();
      assert.equal(response.status, 202);
      assert.equal(response.retryAfter, expected, `running for ${ageMs} ms`);
      assert.ok(!athena.calls.includes("StartQueryExecution"), "one execution per query and window");
    }
  });

  it("asking again while it runs is one BatchGetQueryExecution of the remembered id, never the history's listing (5 calls/s per account); the answer when it ends", async () => {
    const athena = scriptedAthena([]);
    await athena.look();
    assert.deepEqual(athena.calls, ["GetNamedQuery", "ListQueryExecutions", "StartQueryExecution"]);
    athena.calls.length = 0;
    athena.advance(1050);
    athena.history[0].Status!.State = "RUNNING";
    assert.equal((await athena.look()).status, 202);
    assert.deepEqual(athena.calls, ["BatchGetQueryExecution"]);
    athena.calls.length = 0;
    athena.advance(2050);
    athena.history[0].Status = {
      ...athena.history[0].Status,
      State: "SUCCEEDED",
      CompletionDateTime: athena.at(500),
    };
    assert.equal((await athena.look()).status, 200);
    assert.deepEqual(athena.calls, ["BatchGetQueryExecution", "GetQueryResults"]);
  });
});
