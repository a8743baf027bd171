// POST /orders in one TransactWriteItems: the order, its idempotency record and the stock
// reservations together, priced from a per-container catalog cache whose staleness can cancel
// an order but never price one. Calls are counted by a middleware on the handler's client.
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import catalog from "../../../catalog/products.json";
import { idempotencyRecordId } from "../../../handlers/orders/idempotency";
import { maxLinesPerOrder, type Order } from "../../../handlers/shared/order";
import { productImagePath } from "../../../handlers/shared/product";
import { createOrderEvent, ordersEvent } from "../../../testing/orders-events";
import { bodyOf, type OrdersFixture, startOrdersFixture, tables } from "../../../testing/orders-fixture";

const mug = "KIT-MUG-STN-12";
const tent = "OUT-TNT-2P-ULT";
const seeded = (sku: string) => catalog.find((p) => p.sku === sku)!;

describe("orders: one transaction per order", () => {
  let fx: OrdersFixture;
  beforeEach(async () => {
    fx = await startOrdersFixture();
  });
  afterEach(async () => {
    await fx.stop();
  });

  const order = (lines: { sku: string; quantity: number }[], key = randomUUID(), sub = "alice") =>
    fx.invoke(createOrderEvent(sub, key, { lines }));
  /** Warms the container's catalog cache for `skus`, then forgets the calls it took. */
  const warm = async (...skus: string[]) => {
    assert.equal((await order(skus.map((sku) => ({ sku, quantity: 1 })))).statusCode, 201);
    fx.handlerCalls.reset();
  };
  const setPrice = (sku: string, priceCents: number) =>
    fx.documentClient.send(
      new UpdateCommand({
        TableName: tables.products,
        Key: { sku },
        UpdateExpression: "SET priceCents = :p",
        ExpressionAttributeValues: { ":p": priceCents },
      }),
    );

  describe("DynamoDB calls per order kind (the budgets)", () => {
    it("new order, cold container: one BatchGetItem for the catalog and one TransactWriteItems", async () => {
      const response = await order([
        { sku: mug, quantity: 1 },
        { sku: tent, quantity: 1 },
      ]);
      assert.equal(response.statusCode, 201, response.body);
      assert.deepEqual(fx.handlerCalls.byOperation(), { BatchGetItem: 1, TransactWriteItems: 1 });
    });

    it("new order, warm container: one TransactWriteItems writes the order, its idempotency record and the stock", async () => {
      await warm(mug, tent);
      const key = randomUUID();
      const response = await order(
        [
          { sku: mug, quantity: 2 },
          { sku: tent, quantity: 1 },
        ],
        key,
      );
      assert.equal(response.statusCode, 201, response.body);
      assert.deepEqual(fx.handlerCalls.byOperation(), { TransactWriteItems: 1 });
      const created = bodyOf<Order>(response);
      const record = await fx.documentClient.send(
        new GetCommand({ TableName: tables.idempotency, Key: { id: idempotencyRecordId("alice", key) } }),
      );
      assert.equal(record.Item?.orderId, created.orderId);
      assert.ok(record.Item!.expiration > Date.now() / 1000, "the record expires in the future (TTL)");
      assert.equal(await fx.stockOf(mug), seeded(mug).stock - 3);
    });

    it("replay (same key and body), warm container: one TransactWriteItems, answered with the stored order, nothing written", async () => {
      const key = randomUUID();
      const first = await order([{ sku: tent, quantity: 1 }], key);
      fx.handlerCalls.reset();
      const again = await order([{ sku: tent, quantity: 1 }], key);
      assert.equal(again.statusCode, 201, again.body);
      assert.equal(again.headers?.["Idempotent-Replayed"], "true");
      assert.deepEqual(bodyOf(again), bodyOf(first));
      assert.deepEqual(fx.handlerCalls.byOperation(), { TransactWriteItems: 1 });
      assert.equal(await fx.stockOf(tent), seeded(tent).stock - 1);
    });

    it("same key with another body, warm container: one TransactWriteItems and a 409", async () => {
      const key = randomUUID();
      await order([{ sku: tent, quantity: 1 }], key);
      await warm(mug);
      const other = await order([{ sku: mug, quantity: 1 }], key);
      assert.equal(other.statusCode, 409);
      assert.match(bodyOf(other).error, /different request body/);
      assert.deepEqual(fx.handlerCalls.byOperation(), { TransactWriteItems: 1 });
    });

    it("out of stock, warm container: one TransactWriteItems and a 409 naming the sku and what is left", async () => {
      await warm(mug);
      await fx.setStock(mug, 2);
      const response = await order([{ sku: mug, quantity: 3 }]);
      assert.equal(response.statusCode, 409);
      assert.deepEqual(bodyOf(response).details, [
        { path: "lines[0].sku", message: `${mug}: only 2 left`, sku: mug, available: 2 },
      ]);
      assert.deepEqual(fx.handlerCalls.byOperation(), { TransactWriteItems: 1 });
      assert.equal(await fx.stockOf(mug), 2);
    });

    it("TransactionConflict once, warm container: the cancelled attempt and its retry, two TransactWriteItems, one order", async () => {
      await warm(tent);
      fx.handlerCalls.conflictNext(1);
      const response = await order([{ sku: tent, quantity: 1 }]);
      assert.equal(response.statusCode, 201, response.body);
      assert.deepEqual(fx.handlerCalls.byOperation(), { TransactWriteItems: 2 });
      assert.equal((await fx.storedOrders()).length, 2);
      assert.equal(await fx.stockOf(tent), seeded(tent).stock - 2);
    });
  });

  describe("throttled by DynamoDB: a 503 with Retry-After, never a 500", () => {
    it("a transaction cancelled with ThrottlingError: 503, Retry-After 1, nothing stored or taken; the same key then places it once", async () => {
      await warm(tent);
      const stockBefore = await fx.stockOf(tent);
      const ordersBefore = (await fx.storedOrders()).length;
      const key = randomUUID();
      fx.handlerCalls.throttleNext(1);
      const throttled = await order([{ sku: tent, quantity: 1 }], key);
      assert.equal(throttled.statusCode, 503, throttled.body);
      assert.equal(throttled.headers?.["Retry-After"], "1");
      assert.match(String(throttled.headers?.["Access-Control-Expose-Headers"]), /Retry-After/);
      assert.equal(bodyOf(throttled).error, "the service is busy; retry shortly");
      assert.equal(throttled.headers?.["Cache-Control"], "no-store");
      assert.equal((await fx.storedOrders()).length, ordersBefore);
      assert.equal(await fx.stockOf(tent), stockBefore);

      const placed = await order([{ sku: tent, quantity: 1 }], key);
      assert.equal(placed.statusCode, 201, placed.body);
      assert.equal((await fx.storedOrders()).length, ordersBefore + 1);
      assert.equal(await fx.stockOf(tent), (stockBefore as number) - 1);
    });

    it("a read throttled past the SDK's own retries (GET /orders): 503 with Retry-After", async () => {
      fx.handlerCalls.throttleNext(10, "Query");
      const response = await fx.invoke(ordersEvent({ resource: "/orders", method: "GET", claims: { sub: "alice" } }));
      assert.equal(response.statusCode, 503, response.body);
      assert.equal(response.headers?.["Retry-After"], "1");
      assert.ok((fx.handlerCalls.byOperation().Query ?? 0) > 1, "the SDK retried before giving up");
    });
  });

  describe("the catalog cache: staleness can cancel an order, never price one", () => {
    it("a price raised after the container cached it is charged: the transaction is cancelled, re-priced and retried without a read", async () => {
      await warm(mug);
      const newPrice = seeded(mug).priceCents + 500;
      await setPrice(mug, newPrice);
      const response = await order([{ sku: mug, quantity: 2 }]);
      assert.equal(response.statusCode, 201, response.body);
      const created = bodyOf<Order>(response);
      assert.equal(created.lines[0].unitPriceCents, newPrice);
      assert.equal(created.totalCents, 2 * newPrice);
      assert.deepEqual(fx.handlerCalls.byOperation(), { TransactWriteItems: 2 });
      const stored = (await fx.storedOrders()).find((o) => o.orderId === created.orderId)!;
      assert.equal(stored.totalCents, 2 * newPrice);
      // The cache now holds the new price: the next order is one call again.
      fx.handlerCalls.reset();
      assert.equal(bodyOf<Order>(await order([{ sku: mug, quantity: 1 }])).totalCents, newPrice);
      assert.deepEqual(fx.handlerCalls.byOperation(), { TransactWriteItems: 1 });
    });

    it("a price lowered after caching is charged too (the assertion is equality, not a bound)", async () => {
      await warm(tent);
      await setPrice(tent, 100);
      const response = await order([{ sku: tent, quantity: 1 }]);
      assert.equal(bodyOf<Order>(response).totalCents, 100);
    });

    it("a product removed from the catalog after caching: a 400 naming the sku, nothing stored or taken", async () => {
      await warm(mug, tent);
      await fx.documentClient.send(new DeleteCommand({ TableName: tables.products, Key: { sku: mug } }));
      const before = await fx.storedOrders();
      const response = await order([
        { sku: tent, quantity: 1 },
        { sku: mug, quantity: 1 },
      ]);
      assert.equal(response.statusCode, 400, response.body);
      assert.deepEqual(bodyOf(response).details, [{ path: "lines[1].sku", message: `unknown sku ${mug}` }]);
      assert.deepEqual(await fx.storedOrders(), before);
      assert.equal(await fx.stockOf(tent), seeded(tent).stock - 1);
    });

    it("prices changing on every attempt: a 409 with Retry-After after one re-pricing, nothing stored or taken", async () => {
      await warm(mug);
      const send = fx.handlerDocumentClient.send.bind(fx.handlerDocumentClient);
      let price = seeded(mug).priceCents;
      (fx.handlerDocumentClient as { send: unknown }).send = async (command: { constructor: { name: string } }) => {
        if (command.constructor.name === "TransactWriteCommand") await setPrice(mug, ++price);
        return send(command as never);
      };
      const before = await fx.storedOrders();
      const response = await order([{ sku: mug, quantity: 1 }]);
      assert.equal(response.statusCode, 409, response.body);
      assert.equal(response.headers?.["Retry-After"], "1");
      assert.match(bodyOf(response).error, /prices changed/);
      assert.deepEqual(fx.handlerCalls.byOperation(), { TransactWriteItems: 2 });
      assert.deepEqual(await fx.storedOrders(), before);
      assert.equal(await fx.stockOf(mug), seeded(mug).stock - 1);
    });

    it("a replay of an order whose product has left the catalog since is still the stored order, on a cold container too", async () => {
      const key = randomUUID();
      const first = await order([{ sku: tent, quantity: 1 }], key);
      await fx.documentClient.send(new DeleteCommand({ TableName: tables.products, Key: { sku: tent } }));
      const warmReplay = await order([{ sku: tent, quantity: 1 }], key);
      assert.equal(warmReplay.statusCode, 201, warmReplay.body);
      assert.deepEqual(bodyOf(warmReplay), bodyOf(first));
      fx.coldStart();
      const coldReplay = await order([{ sku: tent, quantity: 1 }], key);
      assert.equal(coldReplay.statusCode, 201, coldReplay.body);
      assert.equal(coldReplay.headers?.["Idempotent-Replayed"], "true");
      assert.deepEqual(bodyOf(coldReplay), bodyOf(first));
      // Another body under that key is still refused, and a new key for the gone product is a 400.
      assert.equal((await order([{ sku: tent, quantity: 2 }], key)).statusCode, 409);
      assert.equal((await order([{ sku: tent, quantity: 1 }])).statusCode, 400);
    });

    it("an expired idempotency record does not block the key: the order (still there) is answered, a new body is refused", async () => {
      const key = randomUUID();
      const first = await order([{ sku: tent, quantity: 1 }], key);
      const id = idempotencyRecordId("alice", key);
      // DynamoDB's TTL deletes expired items lazily: the record is still there, but expired.
      await fx.documentClient.send(
        new UpdateCommand({
          TableName: tables.idempotency,
          Key: { id },
          UpdateExpression: "SET expiration = :past",
          ExpressionAttributeValues: { ":past": 1 },
        }),
      );
      const again = await order([{ sku: tent, quantity: 1 }], key);
      assert.equal(again.statusCode, 201, again.body);
      assert.deepEqual(bodyOf(again), bodyOf(first));
      await fx.documentClient.send(
        new UpdateCommand({
          TableName: tables.idempotency,
          Key: { id },
          UpdateExpression: "SET expiration = :past",
          ExpressionAttributeValues: { ":past": 1 },
        }),
      );
      const other = await order([{ sku: mug, quantity: 1 }], key);
      assert.equal(other.statusCode, 409);
      assert.match(bodyOf(other).error, /already used for a different order/);
      assert.equal((await fx.storedOrders()).length, 1);
    });
  });

  describe("the longest orders fit TransactWriteItems' 100 actions", () => {
    /** Products beyond the catalog's, so an order can have every line it may have. */
    async function seedProducts(count: number): Promise<string[]> {
      const skus = Array.from({ length: count }, (_, i) => `TST-LINE-${String(i).padStart(2, "0")}`);
      for (const sku of skus) {
        await fx.documentClient.send(
          new PutCommand({
            TableName: tables.products,
            Item: {
              sku,
              name: `Line ${sku}`,
              description: "test product",
              category: "test",
              priceCents: 100,
              currency: "USD",
              image: productImagePath(sku),
            },
          }),
        );
        await fx.setStock(sku, 10);
      }
      return skus;
    }

    it(`${maxLinesPerOrder - 1} lines: record + order + a stock update and a price assertion per line is exactly 100 actions, one call warm`, async () => {
      const skus = await seedProducts(maxLinesPerOrder - 1);
      await warm(...skus);
      const response = await order(skus.map((sku) => ({ sku, quantity: 2 })));
      assert.equal(response.statusCode, 201, response.body);
      assert.deepEqual(fx.handlerCalls.byOperation(), { TransactWriteItems: 1 });
      assert.equal(await fx.stockOf(skus[0]), 10 - 1 - 2);
    });

    it(`${maxLinesPerOrder} lines: priced from a fresh read (the assertions would make 102 actions), then one transaction`, async () => {
      const skus = await seedProducts(maxLinesPerOrder);
      await warm(...skus);
      await setPrice(skus[7], 250);
      const response = await order(skus.map((sku) => ({ sku, quantity: 1 })));
      assert.equal(response.statusCode, 201, response.body);
      assert.deepEqual(fx.handlerCalls.byOperation(), { BatchGetItem: 1, TransactWriteItems: 1 });
      assert.equal(bodyOf<Order>(response).lines[7].unitPriceCents, 250, "the fresh read's price, not the cached one");
      const records = await fx.documentClient.send(new ScanCommand({ TableName: tables.idempotency }));
      assert.equal(records.Items?.length, 2);
    });
  });
});
