// PATCH /orders/{orderId}: the admin group moves an order PLACED -> PAID -> SHIPPED, or to
// CANCELLED (which gives the stock back in the same transaction); anything else is a 409.
// The search index follows through the table's stream (MODIFY with the new version).
import { Logger } from "@aws-lambda-powertools/logger";
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import catalog from "../../../catalog/products.json";
import { createSearchIndexer } from "../../../handlers/search-indexer/indexer";
import { IndexBootstrap } from "../../../handlers/search-indexer/index-bootstrap";
import { SqsDeadLetterQueue } from "../../../handlers/search-indexer/dead-letter";
import { createOpenSearchClient } from "../../../handlers/lib/opensearch-client";
import { ordersIndex } from "../../../handlers/shared/order-index";
import { type Order, orderSchema } from "../../../handlers/shared/order";
import { insertRecord, modifyRecord, streamEvent } from "../../../testing/opensearch-order-records";
import { FakeOpenSearch } from "../../../testing/opensearch-server";
import { createOrderEvent, ordersEvent } from "../../../testing/orders-events";
import { allowedOrigin, bodyOf, type OrdersFixture, startOrdersFixture } from "../../../testing/orders-fixture";

const mug = "KIT-MUG-STN-12";
const tent = "OUT-TNT-2P-ULT";
const seeded = (sku: string) => catalog.find((p) => p.sku === sku)!.stock;
const admin = { sub: "admin-1", "cognito:groups": "admin" };

describe("orders: PATCH /orders/{orderId} (status)", () => {
  let fx: OrdersFixture;
  beforeEach(async () => {
    fx = await startOrdersFixture({ now: () => new Date("2026-06-01T12:00:00.000Z") });
  });
  afterEach(async () => {
    await fx.stop();
  });

  async function place(
    lines = [
      { sku: mug, quantity: 3 },
      { sku: tent, quantity: 1 },
    ],
  ): Promise<Order> {
    const response = await fx.invoke(createOrderEvent("alice", randomUUID(), { lines }));
    assert.equal(response.statusCode, 201, response.body);
    return bodyOf(response);
  }
  const patch = (orderId: string, body: unknown, claims: Record<string, string> = admin) =>
    fx.invoke(
      ordersEvent({
        resource: "/orders/{orderId}",
        method: "PATCH",
        pathParameters: { orderId },
        headers: { "content-type": "application/json" },
        body,
        claims,
      }),
    );

  it("moves an order PLACED -> PAID -> SHIPPED, answering the updated order each time", async () => {
    const placed = await place();
    const paid = await patch(placed.orderId, { status: "PAID" });
    assert.equal(paid.statusCode, 200, paid.body);
    assert.equal(paid.headers?.["Access-Control-Allow-Origin"], allowedOrigin);
    assert.deepEqual(orderSchema.parse(bodyOf(paid)), {
      ...placed,
      status: "PAID",
      version: placed.version + 1,
      updatedAt: "2026-06-01T12:00:00.000Z",
    });
    const shipped = await patch(placed.orderId, { status: "SHIPPED" });
    assert.equal(shipped.statusCode, 200, shipped.body);
    assert.equal(bodyOf<Order>(shipped).status, "SHIPPED");
    assert.equal(bodyOf<Order>(shipped).version, placed.version + 2);
    assert.deepEqual(await fx.storedOrders(), [bodyOf(shipped)]);
    assert.equal(await fx.stockOf(mug), seeded(mug) - 3, "shipping keeps the stock taken");
  });

  for (const from of ["PLACED", "PAID"] as const) {
    it(`cancelling a ${from} order gives its stock back, in the same change`, async () => {
      const placed = await place();
      if (from === "PAID") assert.equal((await patch(placed.orderId, { status: "PAID" })).statusCode, 200);
      assert.equal(await fx.stockOf(mug), seeded(mug) - 3);
      const cancelled = await patch(placed.orderId, { status: "CANCELLED" });
      assert.equal(cancelled.statusCode, 200, cancelled.body);
      assert.equal(bodyOf<Order>(cancelled).status, "CANCELLED");
      assert.equal(await fx.stockOf(mug), seeded(mug));
      assert.equal(await fx.stockOf(tent), seeded(tent));
    });
  }

  it("cancelling again changes nothing and returns no stock a second time", async () => {
    const placed = await place();
    assert.equal((await patch(placed.orderId, { status: "CANCELLED" })).statusCode, 200);
    const again = await patch(placed.orderId, { status: "CANCELLED" });
    assert.equal(again.statusCode, 200);
    assert.equal(bodyOf<Order>(again).version, placed.version + 1);
    assert.equal(await fx.stockOf(mug), seeded(mug));
  });

  it("returned stock can be bought again", async () => {
    await fx.setStock(tent, 1);
    const placed = await place([{ sku: tent, quantity: 1 }]);
    assert.equal(
      (await fx.invoke(createOrderEvent("bob", randomUUID(), { lines: [{ sku: tent, quantity: 1 }] }))).statusCode,
      409,
    );
    assert.equal((await patch(placed.orderId, { status: "CANCELLED" })).statusCode, 200);
    assert.equal(
      (await fx.invoke(createOrderEvent("bob", randomUUID(), { lines: [{ sku: tent, quantity: 1 }] }))).statusCode,
      201,
    );
    assert.equal(await fx.stockOf(tent), 0);
  });

  for (const [path, to, allowed] of [
    [["PAID", "SHIPPED"], "PAID", "SHIPPED is final"],
    [["PAID", "SHIPPED"], "CANCELLED", "SHIPPED is final"],
    [["CANCELLED"], "PAID", "CANCELLED is final"],
    [[], "SHIPPED", "from PLACED it can go to PAID or CANCELLED"],
  ] as const) {
    const from = path.length ? path[path.length - 1] : "PLACED";
    it(`${from} -> ${to} is a 409 naming both, and changes nothing`, async () => {
      const placed = await place();
      for (const step of path) assert.equal((await patch(placed.orderId, { status: step })).statusCode, 200);
      const before = await fx.storedOrders();
      const stockBefore = await fx.stockOf(mug);
      const response = await patch(placed.orderId, { status: to });
      assert.equal(response.statusCode, 409, response.body);
      assert.deepEqual(bodyOf(response), {
        error: `an order cannot go from ${from} to ${to}`,
        details: [{ path: "status", message: allowed, from, to }],
      });
      assert.deepEqual(await fx.storedOrders(), before);
      assert.equal(await fx.stockOf(mug), stockBefore);
    });
  }

  it("is refused with 403 for a caller outside the admin group, even the order's own customer", async () => {
    const placed = await place();
    for (const claims of [{ sub: "alice" }, { sub: "staff-1", "cognito:groups": "staff,support" }] as Record<
      string,
      string
    >[]) {
      const response = await patch(placed.orderId, { status: "CANCELLED" }, claims);
      assert.equal(response.statusCode, 403);
      assert.match(bodyOf(response).error, /admin group/);
    }
    assert.equal((await fx.storedOrders())[0].status, "PLACED");
    assert.equal(await fx.stockOf(mug), seeded(mug) - 3);
  });

  it("is a 404 for an order that does not exist, and a 400 for a malformed id or body", async () => {
    assert.equal((await patch("no-such-order", { status: "PAID" })).statusCode, 404);
    const badId = await patch("bad id!", { status: "PAID" });
    assert.equal(badId.statusCode, 400);
    const placed = await place();
    for (const body of [{ status: "PLACED" }, { status: "paid" }, {}, { status: "PAID", version: 7 }, "not json"]) {
      const response = await patch(placed.orderId, body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
    }
    const details = bodyOf(await patch(placed.orderId, { status: "LOST" })).details;
    assert.deepEqual(details, [{ path: "status", message: "status must be one of PAID, SHIPPED, CANCELLED" }]);
  });

  it("two admins cancelling at once return the stock once", async () => {
    const placed = await place();
    const responses = await Promise.all([
      patch(placed.orderId, { status: "CANCELLED" }),
      patch(placed.orderId, { status: "CANCELLED" }),
    ]);
    assert.deepEqual(
      responses.map((r) => r.statusCode),
      [200, 200],
    );
    assert.equal(await fx.stockOf(mug), seeded(mug));
    assert.equal((await fx.storedOrders())[0].version, placed.version + 1);
  });

  it("one admin shipping while another cancels: exactly one wins, the other gets a 409", async () => {
    const placed = await place();
    assert.equal((await patch(placed.orderId, { status: "PAID" })).statusCode, 200);
    const [ship, cancel] = await Promise.all([
      patch(placed.orderId, { status: "SHIPPED" }),
      patch(placed.orderId, { status: "CANCELLED" }),
    ]);
    assert.deepEqual([ship.statusCode, cancel.statusCode].sort(), [200, 409]);
    const stored = (await fx.storedOrders())[0];
    assert.equal(stored.version, placed.version + 2);
    assert.equal(await fx.stockOf(mug), stored.status === "CANCELLED" ? seeded(mug) : seeded(mug) - 3);
  });

  it("the search index follows: the stream's MODIFY gives the indexed order its new status", async () => {
    const server = await new FakeOpenSearch().start();
    const client = createOpenSearchClient({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: async () => ({ accessKeyId: "AKID", secretAccessKey: "secret" }),
    });
    try {
      const logger = new Logger({ logLevel: "SILENT" });
      const index = createSearchIndexer({
        client,
        bootstrap: new IndexBootstrap(client, logger),
        deadLetters: new SqsDeadLetterQueue(
          { send: async () => assert.fail("nothing should be dead-lettered") } as never,
          "https://sqs.example/q",
        ),
        logger,
        metrics: { addMetric: () => undefined },
        bulk: {
          retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
          requestTimeoutMs: 5000,
          sleep: async () => undefined,
          random: () => 0,
        },
      });
      const placed = await place();
      await index(streamEvent(insertRecord(placed)));
      const shipped: Order[] = [];
      let previous = placed;
      for (const status of ["PAID", "SHIPPED"]) {
        const response = await patch(placed.orderId, { status });
        const [stored] = await fx.storedOrders();
        assert.deepEqual(stored, bodyOf(response), "what the stream carries is what the table holds");
        await index(streamEvent(modifyRecord(previous, stored)));
        shipped.push(stored);
        previous = stored;
      }
      const doc = (await client.request({ method: "GET", path: `/${ordersIndex}/_doc/${placed.orderId}` })).body as {
        _version: number;
        _source: Order;
      };
      assert.equal(doc._source.status, "SHIPPED");
      assert.equal(doc._version, placed.version + 2);
      // A late redelivery of the PAID change cannot take the document back.
      await index(streamEvent(modifyRecord(placed, shipped[0])));
      const after = (await client.request({ method: "GET", path: `/${ordersIndex}/_doc/${placed.orderId}` })).body as {
        _source: Order;
      };
      assert.equal(after._source.status, "SHIPPED");
    } finally {
      await server.stop();
    }
  });
});
