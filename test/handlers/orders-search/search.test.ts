// GET /orders/search against a local OpenSearch stand-in that records the `_search` it
// receives: the customer filter is always there for customers and never for admins, and
// user text only ever reaches OpenSearch as plain text, never as query syntax.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import type { Order } from "../../../handlers/shared/order";
import { ordersEvent } from "../../../testing/orders-events";
import { type OrderSearchFixture, startOrderSearchFixture } from "../../../testing/order-search-fixture";
import { allowedOrigin, bodyOf } from "../../../testing/orders-fixture";

const order = (orderId: string, customerId: string, createdAt: string): Order => ({
  orderId,
  customerId,
  status: "PLACED",
  createdAt,
  updatedAt: createdAt,
  currency: "USD",
  lines: [
    { sku: "KIT-MUG-STN-12", name: "Stoneware Mug, 12 oz", quantity: 1, unitPriceCents: 1450, lineTotalCents: 1450 },
  ],
  itemCount: 1,
  totalCents: 1450,
  version: 1,
});

const customer = { sub: "alice" };
const admin = { sub: "ops-1", "cognito:groups": "staff,admin" };

/** Every object anywhere in a query body, to look for forbidden clause types. */
function clauses(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.flatMap(clauses);
  if (value && typeof value === "object")
    return [value as Record<string, unknown>, ...Object.values(value).flatMap(clauses)];
  return [];
}

describe("OrderSearch: GET /orders/search", () => {
  let fx: OrderSearchFixture;
  before(async () => {
    fx = await startOrderSearchFixture();
  });
  after(async () => {
    await fx.stop();
  });
  beforeEach(() => {
    fx.searchServer.requests.length = 0;
    fx.searchServer.respondWith([]);
  });

  const search = (claims: Record<string, string>, query: Record<string, string> = {}) =>
    fx.invoke(ordersEvent({ resource: "/orders/search", method: "GET", query, claims }));
  const lastQuery = () => {
    assert.equal(fx.searchServer.requests.length, 1, "exactly one _search per request");
    return fx.searchServer.requests[0];
  };

  it("sends one bounded, newest-first _search to the orders index with every filter", async () => {
    const docs = [order("o-2", "alice", "2025-02-02T00:00:00.000Z"), order("o-1", "alice", "2025-01-01T00:00:00.000Z")];
    fx.searchServer.respondWith(docs);
    const response = await search(customer, {
      q: "stoneware mug",
      status: "PLACED",
      from: "2025-01-01T00:00:00Z",
      to: "2025-03-01T00:00:00Z",
      limit: "5",
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers?.["Access-Control-Allow-Origin"], allowedOrigin);
    assert.deepEqual(bodyOf(response), { orders: docs, total: 2 });

    const sent = lastQuery();
    assert.equal(sent.path, "/orders/_search");
    assert.equal(sent.query.get("ignore_unavailable"), "true");
    assert.deepEqual(sent.body, {
      size: 5,
      query: {
        bool: {
          filter: [
            { term: { customerId: "alice" } },
            { term: { status: "PLACED" } },
            { range: { createdAt: { gte: "2025-01-01T00:00:00Z", lte: "2025-03-01T00:00:00Z" } } },
          ],
          must: [
            {
              multi_match: {
                query: "stoneware mug",
                fields: ["orderId", "customerId", "lines.sku", "lines.name"],
                operator: "and",
                lenient: true,
              },
            },
          ],
        },
      },
      sort: [{ createdAt: { order: "desc", unmapped_type: "date" } }],
      track_total_hits: true,
    });
  });

  it("bounds the page: 20 by default", async () => {
    await search(customer);
    assert.equal(lastQuery().body.size, 20);
  });

  it("always filters a customer to their own orders, whatever they send", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            q: fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0),
            status: fc.constantFrom("PLACED", "PAID", "SHIPPED", "CANCELLED"),
            customerId: fc.constant("bob"),
          },
          { requiredKeys: [] },
        ),
        async (query) => {
          fx.searchServer.requests.length = 0;
          const response = await search(customer, query as Record<string, string>);
          if (response.statusCode === 400) {
            // Refused (e.g. an unknown parameter such as customerId): nothing reached OpenSearch.
            assert.equal(fx.searchServer.requests.length, 0);
            return;
          }
          assert.equal(response.statusCode, 200, response.body);
          const filters = lastQuery().body.query.bool.filter;
          assert.deepEqual(filters[0], { term: { customerId: "alice" } });
          assert.equal(JSON.stringify(lastQuery().body).includes('"bob"'), false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("refuses a customerId parameter rather than honouring it", async () => {
    const response = await search(customer, { customerId: "bob" });
    assert.equal(response.statusCode, 400);
    assert.equal(fx.searchServer.requests.length, 0);
  });

  it("lets an admin search every customer: no customer filter", async () => {
    const docs = [order("o-3", "bob", "2025-03-03T00:00:00.000Z"), order("o-1", "alice", "2025-01-01T00:00:00.000Z")];
    fx.searchServer.respondWith(docs);
    const response = await search(admin, { status: "PLACED" });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(bodyOf(response).orders, docs);
    const filters: object[] = lastQuery().body.query.bool.filter;
    assert.deepEqual(filters, [{ term: { status: "PLACED" } }]);
    assert.ok(!JSON.stringify(lastQuery().body).includes("customerId"));
  });

  it("a group merely named like admin grants nothing", async () => {
    await search({ sub: "eve", "cognito:groups": "administrators,admins" });
    assert.deepEqual(lastQuery().body.query.bool.filter, [{ term: { customerId: "eve" } }]);
  });

  it("never returns another customer's order to a customer, even if the index does", async () => {
    fx.searchServer.respondWith([
      order("o-9", "bob", "2025-03-03T00:00:00.000Z"),
      order("o-1", "alice", "2025-01-01T00:00:00.000Z"),
    ]);
    const response = await search(customer);
    assert.deepEqual(
      bodyOf(response).orders.map((o: Order) => o.orderId),
      ["o-1"],
    );
  });

  it("puts user text only into multi_match, never into a query_string", async () => {
    const hostile = [
      "status:PAID OR customerId:*",
      "*",
      "customerId:bob",
      '") OR (customerId:bob',
      '{"query_string":{"query":"*"}}',
      "mug AND NOT tent",
      "name:/.*/",
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(...hostile),
          fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim().length > 0),
        ),
        fc.boolean(),
        async (text, asAdmin) => {
          fx.searchServer.requests.length = 0;
          const response = await search(asAdmin ? admin : customer, { q: text });
          assert.equal(response.statusCode, 200, response.body);
          const body = lastQuery().body;
          const kinds = clauses(body).flatMap((c) => Object.keys(c));
          assert.ok(!kinds.includes("query_string"), "no query_string clause");
          assert.ok(!kinds.includes("simple_query_string"), "no query syntax at all");
          const textClauses = clauses(body).filter((c) => "multi_match" in c);
          assert.equal(textClauses.length, 1);
          assert.equal((textClauses[0].multi_match as { query: string }).query, text.trim());
          if (!asAdmin) assert.deepEqual(body.query.bool.filter[0], { term: { customerId: "alice" } });
        },
      ),
      { numRuns: 60 },
    );
  });

  for (const [what, query, path] of [
    ["an unknown status", { status: "LOST" }, "status"],
    ["a date that is not ISO-8601", { from: "yesterday" }, "from"],
    ["a range that ends before it starts", { from: "2025-02-01T00:00:00Z", to: "2025-01-01T00:00:00Z" }, "to"],
    ["text over 200 characters", { q: "x".repeat(201) }, "q"],
    ["blank text", { q: "   " }, "q"],
    ["limit 101", { limit: "101" }, "limit"],
    ["attack: a from date with 13 fractional digits", { from: "2025-01-01T00:00:00.1234567890123Z" }, "from"],
    ["attack: a to date with 10 fractional digits", { to: "2025-01-01T00:00:00.1234567890+01:00" }, "to"],
    // The index parses dates with java.time, whose ZoneOffset is -18:00 to +18:00 inclusive.
    ["attack: a from date 19 hours ahead of UTC", { from: "2025-01-01T00:00:00+19:00" }, "from"],
    ["attack: a to date 23:59 behind UTC", { to: "2025-01-01T00:00:00-23:59" }, "to"],
    ["attack: a from date 18:01 ahead of UTC", { from: "2025-01-01T00:00:00+18:01" }, "from"],
  ] as const) {
    it(`refuses ${what} with a 400 and sends nothing`, async () => {
      const response = await search(customer, query);
      assert.equal(response.statusCode, 400);
      assert.equal(bodyOf(response).details[0].path, path);
      assert.equal(fx.searchServer.requests.length, 0);
    });
  }

  it("answers 503 before the invocation's deadline when OpenSearch is slow, instead of timing out", async () => {
    fx.searchServer.delayBy(3000);
    const remainingTimeMs = 1200;
    const started = Date.now();
    const response = await fx.invoke(
      ordersEvent({ resource: "/orders/search", method: "GET", query: { q: "mug" }, claims: customer }),
      remainingTimeMs,
    );
    const elapsed = Date.now() - started;
    assert.equal(response.statusCode, 503, response.body);
    assert.equal(response.headers?.["Access-Control-Allow-Origin"], allowedOrigin);
    assert.ok(
      elapsed < remainingTimeMs,
      `answered after ${elapsed} ms, past the ${remainingTimeMs} ms the invocation had`,
    );
  });

  it("takes dates with up to 9 fractional digits and offsets of up to 18 hours, as the index's date format does", async () => {
    const response = await search(customer, {
      from: "2025-01-01T00:00:00.123456789Z",
      to: "2025-01-02T00:00:00+01:00",
    });
    assert.equal(response.statusCode, 200);
    for (const [from, to] of [
      ["2025-01-01T00:00:00-18:00", "2025-01-03T00:00:00+18:00"],
      ["2025-01-01T00:00:00+17:59", "2025-01-02T00:00:00+14:00"],
    ])
      assert.equal((await search(customer, { from, to })).statusCode, 200, `${from} .. ${to}`);
  });

  it("counts a query the backend refuses (400) as our error, a 500, not as the backend being unavailable", async () => {
    fx.searchServer.failWith(400);
    const response = await search(customer, { q: "mug" });
    assert.equal(response.statusCode, 500);
    assert.equal(bodyOf(response).error, "internal error");
  });

  it("answers 503 with Retry-After when OpenSearch fails", async () => {
    fx.searchServer.failWith(503);
    const response = await search(customer, { q: "mug" });
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers?.["Retry-After"], "1");
    assert.deepEqual(bodyOf(response), { error: "search is unavailable; retry shortly", details: [] });
  });
});
