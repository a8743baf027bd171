// GET /orders/{orderId} and GET /orders against dynalite: a customer sees only their own
// orders; the list is newest first and its cursor pages through every order exactly once.
import { strict as assert } from "node:assert";
import { encodeCursor } from "../../../handlers/orders/cursor";
import type { Order } from "../../../handlers/shared/order";
import { createOrderEvent, ordersEvent } from "../../../testing/orders-events";
import { allowedOrigin, bodyOf, type OrdersFixture, startOrdersFixture } from "../../../testing/orders-fixture";

const mug = "KIT-MUG-STN-12";

describe("orders: reading", () => {
  let fx: OrdersFixture;
  // A clock that advances one second per order, with a few orders sharing a timestamp.
  let tick = 0;
  const clock = () => new Date(Date.UTC(2025, 0, 1) + Math.floor(tick++ / 2) * 1000);

  beforeEach(async () => {
    tick = 0;
    fx = await startOrdersFixture({ now: clock });
  });
  afterEach(async () => {
    await fx.stop();
  });

  async function place(sub: string, key: string, quantity = 1): Promise<Order> {
    const response = await fx.invoke(createOrderEvent(sub, key, { lines: [{ sku: mug, quantity }] }));
    assert.equal(response.statusCode, 201, response.body);
    return bodyOf(response);
  }
  const getOrder = (sub: string, orderId: string) =>
    fx.invoke(
      ordersEvent({ resource: "/orders/{orderId}", method: "GET", pathParameters: { orderId }, claims: { sub } }),
    );
  const listOrders = (sub: string, query: Record<string, string> = {}) =>
    fx.invoke(ordersEvent({ resource: "/orders", method: "GET", query, claims: { sub } }));

  describe("GET /orders/{orderId}", () => {
    it("returns the caller's own order", async () => {
      const order = await place("alice", "alice-order-1");
      const response = await getOrder("alice", order.orderId);
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers?.["Access-Control-Allow-Origin"], allowedOrigin);
      assert.deepEqual(bodyOf(response), order);
    });

    it("answers another customer's order with the same 404 as a missing one", async () => {
      const order = await place("alice", "alice-order-1");
      const theirs = await getOrder("mallory", order.orderId);
      const missing = await getOrder("mallory", "00000000-0000-8000-8000-000000000000");
      assert.equal(theirs.statusCode, 404);
      assert.equal(missing.statusCode, 404);
      assert.deepEqual(bodyOf(theirs), bodyOf(missing));
      assert.deepEqual(bodyOf(theirs), { error: "order not found", details: [] });
    });

    it("refuses a malformed orderId with a 400", async () => {
      const response = await getOrder("alice", "../../etc/passwd");
      assert.equal(response.statusCode, 400);
      assert.equal(bodyOf(response).details[0].path, "orderId");
    });
  });

  describe("GET /orders", () => {
    it("lists only the caller's orders, newest first, 20 by default", async () => {
      await fx.setStock(mug, 1000);
      for (let i = 0; i < 23; i++) await place("alice", `alice-key-${i}`, i + 1);
      await place("bob", "bob-key-0");
      const response = await listOrders("alice");
      assert.equal(response.statusCode, 200);
      const page = bodyOf<{ orders: Order[]; nextCursor: string | null }>(response);
      assert.equal(page.orders.length, 20);
      assert.ok(page.orders.every((o) => o.customerId === "alice"));
      const times = page.orders.map((o) => o.createdAt);
      assert.deepEqual(times, [...times].sort().reverse());
      assert.equal(page.orders[0].itemCount, 23, "the newest order comes first");
      assert.equal(typeof page.nextCursor, "string");
    });

    it("pages through every order exactly once, newest first, for every page size", async () => {
      const placed: Order[] = [];
      for (let i = 0; i < 17; i++) placed.push(await place("alice", `alice-key-${i}`));
      await place("bob", "bob-key-0");
      for (const limit of [1, 3, 5, 17, 100]) {
        const seen: Order[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const response = await listOrders("alice", { limit: String(limit), ...(cursor ? { cursor } : {}) });
          assert.equal(response.statusCode, 200, response.body);
          const page = bodyOf<{ orders: Order[]; nextCursor: string | null }>(response);
          assert.ok(page.orders.length > 0, "no page is empty");
          assert.ok(page.orders.length <= limit);
          seen.push(...page.orders);
          cursor = page.nextCursor;
          pages++;
        } while (cursor);
        assert.equal(pages, Math.ceil(17 / limit), `limit ${limit}`);
        assert.deepEqual(
          seen.map((o) => o.orderId).sort(),
          placed.map((o) => o.orderId).sort(),
          `limit ${limit}: every order once`,
        );
        const times = seen.map((o) => o.createdAt);
        assert.deepEqual(times, [...times].sort().reverse(), `limit ${limit}: newest first`);
      }
    });

    it("answers a customer without orders with an empty page and no cursor", async () => {
      const response = await listOrders("nobody");
      assert.equal(response.statusCode, 200);
      assert.deepEqual(bodyOf(response), { orders: [], nextCursor: null });
    });

    for (const [what, query, path] of [
      ["limit 0", { limit: "0" }, "limit"],
      ["limit 101", { limit: "101" }, "limit"],
      ["a non-numeric limit", { limit: "ten" }, "limit"],
      ["an unknown parameter", { sort: "asc" }, ""],
      ["attack: the hexadecimal limit 0x10", { limit: "0x10" }, "limit"],
      ["attack: the exponent limit 1e2", { limit: "1e2" }, "limit"],
      ['attack: the padded limit " 5 "', { limit: " 5 " }, "limit"],
      ["attack: the fractional limit 5.0", { limit: "5.0" }, "limit"],
      ["attack: the signed limit +5", { limit: "+5" }, "limit"],
    ] as const) {
      it(`refuses ${what} with a 400`, async () => {
        const response = await listOrders("alice", query);
        assert.equal(response.statusCode, 400);
        assert.equal(bodyOf(response).details[0].path, path);
      });
    }

    it("says what a limit may be, and takes plain digits", async () => {
      const refused = await listOrders("alice", { limit: "0x10" });
      assert.match(bodyOf(refused).details[0].message, /whole number from 1 to 100, in decimal digits only/);
      assert.equal((await listOrders("alice", { limit: "5" })).statusCode, 200);
    });

    it("refuses a tampered cursor with a 400", async () => {
      for (let i = 0; i < 3; i++) await place("alice", `alice-key-${i}`);
      await place("bob", "bob-key-0");
      const first = bodyOf(await listOrders("alice", { limit: "1" }));
      const cursor: string = first.nextCursor;
      const bobsKey = { orderId: "x", customerId: "bob", createdAt: "2025-01-01T00:00:00.000Z" };
      const tampered = [
        cursor.slice(0, -2),
        `${cursor}!`,
        Buffer.from("not json").toString("base64url"),
        Buffer.from(JSON.stringify({ orderId: 1 })).toString("base64url"),
        Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(cursor, "base64url").toString()), extra: 1 })).toString(
          "base64url",
        ),
        // A well-formed cursor into someone else's orders.
        encodeCursor(bobsKey),
      ];
      for (const bad of tampered) {
        const response = await listOrders("alice", { cursor: bad });
        assert.equal(response.statusCode, 400, `${bad}: ${response.body}`);
        assert.deepEqual(bodyOf(response).details, [
          { path: "cursor", message: "pass nextCursor from the previous page unchanged" },
        ]);
      }
    });
  });
});
