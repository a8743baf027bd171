// Stock is real: POST /orders takes it in the transaction that stores the order, refuses
// with a 409 naming what is left, and never oversells under contention.
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import catalog from "../../../catalog/products.json";
import { maxLinesPerOrder, type Order } from "../../../handlers/shared/order";
import { createOrderEvent } from "../../../testing/orders-events";
import { bodyOf, type OrdersFixture, startOrdersFixture } from "../../../testing/orders-fixture";

const mug = "KIT-MUG-STN-12";
const tent = "OUT-TNT-2P-ULT";
const lamp = "HOM-LAMP-DSK-BRS";

describe("orders: stock", () => {
  let fx: OrdersFixture;
  beforeEach(async () => {
    fx = await startOrdersFixture();
  });
  afterEach(async () => {
    await fx.stop();
  });

  const order = (lines: { sku: string; quantity: number }[], sub = "alice", key = randomUUID()) =>
    fx.invoke(createOrderEvent(sub, key, { lines }));

  it("the largest order fits one transaction: the order and one stock action per line, at most 100 actions", () => {
    // TransactWriteItems takes at most 100 actions; placing and cancelling both use 1 + lines.
    assert.ok(1 + maxLinesPerOrder <= 100, `${1 + maxLinesPerOrder} actions`);
  });

  it("starts from the catalog's stock and takes each line's quantity with the order", async () => {
    const seeded = catalog.find((p) => p.sku === mug)!.stock;
    assert.equal(await fx.stockOf(mug), seeded);
    const response = await order([
      { sku: mug, quantity: 3 },
      { sku: tent, quantity: 1 },
    ]);
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(await fx.stockOf(mug), seeded - 3);
    assert.equal(await fx.stockOf(tent), catalog.find((p) => p.sku === tent)!.stock - 1);
  });

  it("an order for more than is left is a 409 naming each short sku and what is left; nothing is stored or taken", async () => {
    await fx.setStock(tent, 2);
    await fx.setStock(lamp, 0);
    const response = await order([
      { sku: mug, quantity: 1 },
      { sku: tent, quantity: 3 },
      { sku: lamp, quantity: 1 },
    ]);
    assert.equal(response.statusCode, 409, response.body);
    assert.equal(response.headers?.["Content-Type"], "application/json");
    assert.deepEqual(bodyOf(response), {
      error: "not enough stock for this order",
      details: [
        { path: "lines[1].sku", message: `${tent}: only 2 left`, sku: tent, available: 2 },
        { path: "lines[2].sku", message: `${lamp}: only 0 left`, sku: lamp, available: 0 },
      ],
    });
    assert.deepEqual(await fx.storedOrders(), []);
    assert.equal(
      await fx.stockOf(mug),
      catalog.find((p) => p.sku === mug)!.stock,
      "the line that fitted was not taken either",
    );
    assert.equal(await fx.stockOf(tent), 2);
  });

  it("exactly what is left can be ordered, and then the sku is sold out", async () => {
    await fx.setStock(tent, 2);
    assert.equal((await order([{ sku: tent, quantity: 2 }])).statusCode, 201);
    assert.equal(await fx.stockOf(tent), 0);
    const again = await order([{ sku: tent, quantity: 1 }]);
    assert.equal(again.statusCode, 409);
    assert.equal(bodyOf(again).details[0].available, 0);
  });

  it("after a 409 the same Idempotency-Key can place the order once stock is back", async () => {
    await fx.setStock(tent, 0);
    const key = randomUUID();
    assert.equal((await order([{ sku: tent, quantity: 1 }], "alice", key)).statusCode, 409);
    await fx.setStock(tent, 5);
    const retry = await order([{ sku: tent, quantity: 1 }], "alice", key);
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal(await fx.stockOf(tent), 4);
  });

  it("a replayed order (same key, same body) takes no stock a second time", async () => {
    const key = randomUUID();
    const first = await order([{ sku: tent, quantity: 1 }], "alice", key);
    const replay = await order([{ sku: tent, quantity: 1 }], "alice", key);
    assert.equal(first.statusCode, 201);
    assert.equal(replay.statusCode, 201);
    assert.equal(replay.headers?.["Idempotent-Replayed"], "true");
    assert.equal(await fx.stockOf(tent), catalog.find((p) => p.sku === tent)!.stock - 1);
  });

  it("50 parallel orders for the last 10 units: 10 placed, 40 refused with 409, stock 0, never oversold", async () => {
    await fx.setStock(tent, 10);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => order([{ sku: tent, quantity: 1 }], `customer-${i}`)),
    );
    const codes = responses.map((r) => r.statusCode);
    assert.equal(codes.filter((c) => c === 201).length, 10, JSON.stringify(codes));
    assert.equal(codes.filter((c) => c === 409).length, 40, JSON.stringify(codes));
    for (const refused of responses.filter((r) => r.statusCode === 409)) {
      assert.deepEqual(bodyOf(refused).details, [
        { path: "lines[0].sku", message: `${tent}: only 0 left`, sku: tent, available: 0 },
      ]);
    }
    assert.equal(await fx.stockOf(tent), 0);
    const stored = await fx.storedOrders();
    assert.equal(stored.length, 10);
    assert.equal(
      stored.reduce((sum: number, o: Order) => sum + o.itemCount, 0),
      10,
    );
  });

  describe("AWS cancels a transaction that meets another one on the same item (TransactionConflict)", () => {
    /** The next `times` TransactWriteItems calls are cancelled as AWS does under contention. */
    function conflictTimes(times: number): { attempts: () => number } {
      const send = fx.handlerDocumentClient.send.bind(fx.handlerDocumentClient);
      let attempts = 0;
      (fx.handlerDocumentClient as { send: unknown }).send = async (command: {
        constructor: { name: string };
        input: { TransactItems?: unknown[] };
      }) => {
        if (command.constructor.name === "TransactWriteCommand") {
          attempts++;
          if (attempts <= times) {
            throw new TransactionCanceledException({
              $metadata: { httpStatusCode: 400 },
              message:
                "Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]",
              CancellationReasons: command.input.TransactItems!.map((_, i) =>
                i === 1
                  ? { Code: "TransactionConflict", Message: "Transaction is ongoing for the item" }
                  : { Code: "None" },
              ),
            });
          }
        }
        return send(command as never);
      };
      return { attempts: () => attempts };
    }

    it("is retried: the order is placed once and its stock taken once", async () => {
      const conflicts = conflictTimes(2);
      const response = await order([{ sku: tent, quantity: 1 }]);
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(conflicts.attempts(), 3);
      assert.equal((await fx.storedOrders()).length, 1);
      assert.equal(await fx.stockOf(tent), catalog.find((p) => p.sku === tent)!.stock - 1);
    });

    it("still conflicting after the retries: a 409 with Retry-After, nothing stored or taken", async () => {
      const conflicts = conflictTimes(100);
      const response = await order([{ sku: tent, quantity: 1 }]);
      assert.equal(response.statusCode, 409, response.body);
      assert.equal(response.headers?.["Retry-After"], "1");
      assert.match(bodyOf(response).error, /retry shortly/);
      assert.equal(conflicts.attempts(), 4);
      assert.deepEqual(await fx.storedOrders(), []);
      assert.equal(await fx.stockOf(tent), catalog.find((p) => p.sku === tent)!.stock);
    });
  });
});
