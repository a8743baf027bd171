// POST /orders against dynalite: priced from the catalog, idempotent, created exactly once.
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import { DeleteCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import catalog from "../../../catalog/products.json";
import { orderIdFor } from "../../../handlers/orders/create";
import { type Order, orderSchema } from "../../../handlers/shared/order";
import { createOrderEvent } from "../../../testing/orders-events";
import { allowedOrigin, bodyOf, type OrdersFixture, startOrdersFixture } from "../../../testing/orders-fixture";

const priceOf = (sku: string) => catalog.find((p) => p.sku === sku)!.priceCents;
const mug = "KIT-MUG-STN-12";
const tent = "OUT-TNT-2P-ULT";

describe("orders: POST /orders", () => {
  let fx: OrdersFixture;
  beforeEach(async () => {
    fx = await startOrdersFixture();
  });
  afterEach(async () => {
    await fx.stop();
  });

  it("creates a priced order for the caller and stores exactly that order", async () => {
    const key = randomUUID();
    const response = await fx.invoke(
      createOrderEvent("alice", key, {
        lines: [
          { sku: mug, quantity: 3 },
          { sku: tent, quantity: 1 },
        ],
      }),
    );
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.headers?.["Access-Control-Allow-Origin"], allowedOrigin);
    assert.match(String(response.headers?.["Access-Control-Expose-Headers"]), /Location, Idempotent-Replayed/);
    const order = orderSchema.parse(bodyOf(response));
    assert.equal(response.headers?.Location, `/orders/${order.orderId}`);
    assert.equal(order.orderId, orderIdFor("alice", key));
    assert.equal(order.customerId, "alice");
    assert.equal(order.status, "PLACED");
    assert.equal(order.version, Date.parse(order.createdAt), "created at version = creation time in ms");
    assert.equal(order.currency, "USD");
    assert.equal(order.createdAt, order.updatedAt);
    assert.deepEqual(order.lines, [
      {
        sku: mug,
        name: "Stoneware Mug, 12 oz",
        quantity: 3,
        unitPriceCents: priceOf(mug),
        lineTotalCents: 3 * priceOf(mug),
      },
      {
        sku: tent,
        name: "Ultralight 2-Person Tent",
        quantity: 1,
        unitPriceCents: priceOf(tent),
        lineTotalCents: priceOf(tent),
      },
    ]);
    assert.equal(order.itemCount, 4);
    assert.equal(order.totalCents, 3 * priceOf(mug) + priceOf(tent));
    assert.deepEqual(await fx.storedOrders(), [order]);
  });

  it("records an OrderCreated metric and the order's value", async () => {
    fx.metrics.clearMetrics();
    const response = await fx.invoke(createOrderEvent("alice", randomUUID(), { lines: [{ sku: mug, quantity: 2 }] }));
    assert.equal(response.statusCode, 201);
    const emf = fx.metrics.serializeMetrics() as unknown as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] };
    };
    assert.equal(emf._aws.CloudWatchMetrics[0].Namespace, "Ecommerce/Orders");
    assert.deepEqual(emf._aws.CloudWatchMetrics[0].Metrics.map((m) => m.Name).sort(), [
      "OrderCreated",
      "OrderTotalCents",
    ]);
    assert.equal(emf.OrderCreated, 1);
    assert.equal(emf.OrderTotalCents, 2 * priceOf(mug));
  });

  describe("prices cannot be forged", () => {
    for (const [what, body] of [
      ["a unit price on a line", { lines: [{ sku: tent, quantity: 1, unitPriceCents: 1 }] }],
      ["a priceCents on a line", { lines: [{ sku: tent, quantity: 1, priceCents: 1 }] }],
      ["an order total", { lines: [{ sku: tent, quantity: 1 }], totalCents: 1 }],
      ["a customerId", { lines: [{ sku: tent, quantity: 1 }], customerId: "mallory" }],
    ] as const) {
      it(`refuses ${what} with a 400 naming the field, and stores nothing`, async () => {
        const response = await fx.invoke(createOrderEvent("alice", randomUUID(), body));
        assert.equal(response.statusCode, 400);
        const error = bodyOf(response);
        assert.equal(error.error, "order request is invalid");
        assert.match(JSON.stringify(error.details), /Unrecognized key/);
        assert.deepEqual(await fx.storedOrders(), []);
      });
    }

    it("charges the products table's current price, whatever the client believes", async () => {
      const { PutCommand } = await import("@aws-sdk/lib-dynamodb");
      const product = catalog.find((p) => p.sku === tent)!;
      const { stock: _stock, ...entry } = product;
      await fx.documentClient.send(new PutCommand({ TableName: "products", Item: { ...entry, priceCents: 29_900 } }));
      const response = await fx.invoke(
        createOrderEvent("alice", randomUUID(), { lines: [{ sku: tent, quantity: 2 }] }),
      );
      assert.equal(response.statusCode, 201);
      assert.equal(bodyOf<Order>(response).totalCents, 59_800);
    });
  });

  describe("validation: a 400 whose details name each problem, and nothing stored", () => {
    const cases: [string, unknown, RegExp[]][] = [
      ["a body that is not JSON", "{ lines: [", [/^$/]],
      ["an empty body", "", [/^$/]],
      ["a JSON array", [], [/^$/]],
      ["no lines", { lines: [] }, [/^lines$/]],
      [
        "51 lines",
        {
          lines: catalog
            .concat(catalog)
            .slice(0, 51)
            .map((p, i) => ({ sku: `${p.sku.slice(0, 20)}-${i}`, quantity: 1 })),
        },
        [/^lines$/],
      ],
      ["quantity 0", { lines: [{ sku: mug, quantity: 0 }] }, [/^lines\[0\]\.quantity$/]],
      ["quantity 101", { lines: [{ sku: mug, quantity: 101 }] }, [/^lines\[0\]\.quantity$/]],
      ["a fractional quantity", { lines: [{ sku: mug, quantity: 1.5 }] }, [/^lines\[0\]\.quantity$/]],
      ["a quantity as a string", { lines: [{ sku: mug, quantity: "2" }] }, [/^lines\[0\]\.quantity$/]],
      ["a malformed sku", { lines: [{ sku: "mug; DROP", quantity: 1 }] }, [/^lines\[0\]\.sku$/]],
      [
        "the same sku twice",
        {
          lines: [
            { sku: mug, quantity: 1 },
            { sku: mug, quantity: 2 },
          ],
        },
        [/^lines\[1\]\.sku$/],
      ],
      [
        "two bad lines at once",
        {
          lines: [
            { sku: mug, quantity: 0 },
            { sku: "x", quantity: 1000 },
          ],
        },
        [/^lines\[0\]\.quantity$/, /^lines\[1\]\.sku$/, /^lines\[1\]\.quantity$/],
      ],
    ];
    for (const [what, body, paths] of cases) {
      it(`refuses ${what}`, async () => {
        const response = await fx.invoke(createOrderEvent("alice", randomUUID(), body));
        assert.equal(response.statusCode, 400, response.body);
        const { error, details } = bodyOf(response);
        assert.equal(typeof error, "string");
        assert.equal(details.length, paths.length, JSON.stringify(details));
        paths.forEach((path, i) => assert.match(details[i].path, path));
        assert.deepEqual(await fx.storedOrders(), []);
      });
    }

    // Lambda answers at most 6 MB (its "Invocation payload (request and response)" quota) and
    // takes up to 6 MB: a refusal that repeated every unknown field would outgrow the answer
    // (a 502, not a 400) and write megabytes into the log line of the refusal.
    for (const [what, extra, shown] of [
      [
        "attack: 100,000 unknown fields",
        Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`field${i}`, 1])),
        /^Unrecognized keys: "field0", "field1", "field2", "field3", "field4" and 99995 more$/,
      ],
      ["attack: one unknown field named by a megabyte", { ["k".repeat(1 << 20)]: 1 }, /^Unrecognized key: "k{64}…"$/],
    ] as const) {
      it(`${what}: a 400 naming the first few, shortened, and counting the rest`, async () => {
        const body = { lines: [{ sku: tent, quantity: 1 }], ...extra };
        const response = await fx.invoke(createOrderEvent("alice", randomUUID(), body));
        assert.equal(response.statusCode, 400);
        assert.ok(response.body.length < 1024, `the refusal is ${response.body.length} characters`);
        const { details } = bodyOf(response);
        assert.equal(details.length, 1);
        assert.equal(details[0].path, "");
        assert.match(details[0].message, shown);
        assert.deepEqual(await fx.storedOrders(), []);
      });
    }

    it("refuses unknown skus, naming each one, and stores nothing", async () => {
      const response = await fx.invoke(
        createOrderEvent("alice", randomUUID(), {
          lines: [
            { sku: "NOPE-001", quantity: 1 },
            { sku: mug, quantity: 1 },
            { sku: "GONE-002", quantity: 2 },
          ],
        }),
      );
      assert.equal(response.statusCode, 400);
      assert.deepEqual(bodyOf(response), {
        error: "order names products that do not exist",
        details: [
          { path: "lines[0].sku", message: "unknown sku NOPE-001" },
          { path: "lines[2].sku", message: "unknown sku GONE-002" },
        ],
      });
      assert.deepEqual(await fx.storedOrders(), []);
    });

    it("lets the client fix a refused order and retry with the same Idempotency-Key", async () => {
      const key = randomUUID();
      const refused = await fx.invoke(createOrderEvent("alice", key, { lines: [{ sku: "NOPE-001", quantity: 1 }] }));
      assert.equal(refused.statusCode, 400);
      const fixed = await fx.invoke(createOrderEvent("alice", key, { lines: [{ sku: mug, quantity: 1 }] }));
      assert.equal(fixed.statusCode, 201, fixed.body);
      assert.equal((await fx.storedOrders()).length, 1);
    });
  });

  describe("Idempotency-Key", () => {
    const body = { lines: [{ sku: mug, quantity: 1 }] };

    it("is required", async () => {
      const response = await fx.invoke(createOrderEvent("alice", undefined, body));
      assert.equal(response.statusCode, 400);
      assert.equal(bodyOf(response).details[0].path, "headers.Idempotency-Key");
      assert.deepEqual(await fx.storedOrders(), []);
    });

    for (const bad of ["short", "has spaces in it", "x".repeat(129), "ключ-ключ-ключ"]) {
      it(`refuses the malformed key ${JSON.stringify(bad.slice(0, 20))}`, async () => {
        const response = await fx.invoke(createOrderEvent("alice", bad, body));
        assert.equal(response.statusCode, 400);
        assert.match(bodyOf(response).error, /Idempotency-Key header is malformed/);
      });
    }

    it("is read case-insensitively", async () => {
      const event = createOrderEvent("alice", undefined, body);
      event.headers["idempotency-key"] = "lower-case-key-1";
      event.multiValueHeaders["idempotency-key"] = ["lower-case-key-1"];
      const response = await fx.invoke(event);
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(bodyOf(response).orderId, orderIdFor("alice", "lower-case-key-1"));
    });

    it("returns the first order again, with the same status, for the same key and body", async () => {
      const key = randomUUID();
      const first = await fx.invoke(createOrderEvent("alice", key, body));
      // Same body, different formatting and key order: still the same request.
      const again = await fx.invoke(
        createOrderEvent("alice", key, '{ "lines" : [ { "quantity": 1, "sku": "KIT-MUG-STN-12" } ] }'),
      );
      assert.equal(first.statusCode, 201);
      assert.equal(again.statusCode, 201);
      assert.deepEqual(bodyOf(again), bodyOf(first));
      assert.equal(again.headers?.["Idempotent-Replayed"], "true");
      assert.equal(first.headers?.["Idempotent-Replayed"], undefined);
      assert.equal((await fx.storedOrders()).length, 1);
    });

    it("refuses the same key with another body with a 409 and keeps the first order", async () => {
      const key = randomUUID();
      const first = await fx.invoke(createOrderEvent("alice", key, body));
      const other = await fx.invoke(createOrderEvent("alice", key, { lines: [{ sku: mug, quantity: 2 }] }));
      assert.equal(other.statusCode, 409);
      assert.match(bodyOf(other).error, /different request body/);
      assert.deepEqual(await fx.storedOrders(), [bodyOf(first)]);
    });

    it("is scoped to the customer: two customers may use the same key", async () => {
      const key = randomUUID();
      const a = await fx.invoke(createOrderEvent("alice", key, body));
      const b = await fx.invoke(createOrderEvent("bob", key, body));
      assert.equal(a.statusCode, 201);
      assert.equal(b.statusCode, 201);
      assert.notEqual(bodyOf(a).orderId, bodyOf(b).orderId);
      assert.equal(bodyOf(b).customerId, "bob");
      assert.equal((await fx.storedOrders()).length, 2);
    });

    it("never stores a second order even when the idempotency record is gone", async () => {
      const { DeleteCommand, ScanCommand } = await import("@aws-sdk/lib-dynamodb");
      const key = randomUUID();
      const first = await fx.invoke(createOrderEvent("alice", key, body));
      // Lose the idempotency record, as a crash after the write or an expired TTL would.
      const records = await fx.documentClient.send(new ScanCommand({ TableName: "idempotency" }));
      assert.equal(records.Items?.length, 1);
      await fx.documentClient.send(new DeleteCommand({ TableName: "idempotency", Key: { id: records.Items![0].id } }));

      const retry = await fx.invoke(createOrderEvent("alice", key, body));
      assert.equal(retry.statusCode, 201);
      assert.deepEqual(bodyOf(retry), bodyOf(first));

      const records2 = await fx.documentClient.send(new ScanCommand({ TableName: "idempotency" }));
      await fx.documentClient.send(new DeleteCommand({ TableName: "idempotency", Key: { id: records2.Items![0].id } }));
      const reused = await fx.invoke(createOrderEvent("alice", key, { lines: [{ sku: tent, quantity: 1 }] }));
      assert.equal(reused.statusCode, 409);
      assert.match(bodyOf(reused).error, /already used for a different order/);
      assert.deepEqual(await fx.storedOrders(), [bodyOf(first)]);
    });
  });

  describe("re-creation and replays of a deleted order", () => {
    const body = { lines: [{ sku: mug, quantity: 1 }] };
    const forgetIdempotency = async () => {
      const records = await fx.documentClient.send(new ScanCommand({ TableName: "idempotency" }));
      for (const item of records.Items ?? [])
        await fx.documentClient.send(new DeleteCommand({ TableName: "idempotency", Key: { id: item.id } }));
    };
    const deleteOrder = (orderId: string) =>
      fx.documentClient.send(new DeleteCommand({ TableName: "orders", Key: { orderId } }));

    it("attack: an order deleted out of band and re-created under the same key after the TTL gets a version above its delete's tombstone", async () => {
      const { stop } = fx;
      await stop();
      let clock = Date.UTC(2026, 0, 1, 12);
      fx = await startOrdersFixture({ now: () => new Date(clock) });
      const key = randomUUID();
      const first = bodyOf(await fx.invoke(createOrderEvent("alice", key, body)));
      await deleteOrder(first.orderId);
      await forgetIdempotency(); // the key's record expired (TTL)
      clock += 86_400_000;

      const again = await fx.invoke(createOrderEvent("alice", key, body));
      assert.equal(again.statusCode, 201, again.body);
      // The indexer deletes with old version + 1; the new order must beat that tombstone.
      assert.ok(
        bodyOf(again).version > first.version + 1,
        `version ${bodyOf(again).version} is above the tombstone ${first.version + 1}`,
      );
    });

    it("attack: replaying the key of an order deleted since does not answer 201", async () => {
      const key = randomUUID();
      const first = bodyOf(await fx.invoke(createOrderEvent("alice", key, body)));
      await deleteOrder(first.orderId);

      const replay = await fx.invoke(createOrderEvent("alice", key, body));
      assert.equal(replay.statusCode, 409, replay.body);
      assert.match(bodyOf(replay).error, /no longer exists; send a new key/);
      assert.deepEqual(await fx.storedOrders(), []);
    });
  });

  describe("request body", () => {
    const body = { lines: [{ sku: mug, quantity: 1 }] };
    const withHeaders = (headers: Record<string, string>, rawBody: string) => {
      const event = createOrderEvent("alice", randomUUID(), rawBody);
      event.headers = { "Idempotency-Key": event.headers["Idempotency-Key"]!, ...headers };
      event.multiValueHeaders = Object.fromEntries(Object.entries(event.headers).map(([k, v]) => [k, [v!]]));
      return event;
    };

    for (const contentType of [
      undefined,
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/json; charset=latin1",
      "application/jsonp",
    ]) {
      it(`attack: Content-Type ${contentType ?? "(none)"} is a 415 that says what to send, and stores nothing`, async () => {
        const response = await fx.invoke(
          withHeaders(contentType ? { "Content-Type": contentType } : {}, JSON.stringify(body)),
        );
        assert.equal(response.statusCode, 415, response.body);
        assert.match(bodyOf(response).details[0].message, /Content-Type: application\/json/);
        assert.deepEqual(await fx.storedOrders(), []);
      });
    }

    for (const contentType of [
      "application/json",
      "Application/JSON; charset=UTF-8",
      "application/json;charset=utf-8",
    ]) {
      it(`takes Content-Type ${contentType}`, async () => {
        assert.equal(
          (await fx.invoke(withHeaders({ "content-type": contentType }, JSON.stringify(body)))).statusCode,
          201,
        );
      });
    }

    it("attack: JSON with a byte-order mark is read, not refused", async () => {
      const response = await fx.invoke(
        withHeaders({ "Content-Type": "application/json" }, `\uFEFF${JSON.stringify(body)}`),
      );
      assert.equal(response.statusCode, 201, response.body);
      const base64 = withHeaders(
        { "Content-Type": "application/json" },
        Buffer.concat([
          Buffer.from([0xef, 0xbb, 0xbf]),
          Buffer.from(JSON.stringify({ lines: [{ sku: tent, quantity: 1 }] })),
        ]).toString("base64"),
      );
      base64.isBase64Encoded = true;
      assert.equal((await fx.invoke(base64)).statusCode, 201);
    });
  });

  describe("concurrency", () => {
    it("100 parallel creates with distinct keys give 100 orders", async () => {
      await fx.setStock(mug, 5050);
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          fx.invoke(
            createOrderEvent(`customer-${i % 7}`, `parallel-key-${i}`, {
              lines: [{ sku: mug, quantity: (i % 100) + 1 }],
            }),
          ),
        ),
      );
      assert.deepEqual(
        responses.map((r) => r.statusCode),
        Array(100).fill(201),
      );
      const stored = await fx.storedOrders();
      assert.equal(stored.length, 100);
      assert.equal(new Set(stored.map((o) => o.orderId)).size, 100);
      assert.deepEqual(
        stored.map((o) => o.itemCount).sort((a, b) => a - b),
        Array.from({ length: 100 }, (_, i) => i + 1),
      );
      assert.equal(await fx.stockOf(mug), 0, "every unit was taken once");
    });

    it("50 parallel creates with one key give exactly one order, and every 201 answer is that order", async () => {
      const key = randomUUID();
      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          fx.invoke(createOrderEvent("alice", key, { lines: [{ sku: tent, quantity: 1 }] })),
        ),
      );
      const stored = await fx.storedOrders();
      assert.equal(stored.length, 1);
      for (const response of responses) {
        // Requests that gave up waiting for the first one's result are told to retry.
        if (response.statusCode === 409) {
          assert.equal(response.headers?.["Retry-After"], "1");
          continue;
        }
        assert.equal(response.statusCode, 201, response.body);
        assert.deepEqual(bodyOf(response), stored[0]);
      }
      assert.ok(responses.filter((r) => r.statusCode === 201).length >= 1);
      const retry = await fx.invoke(createOrderEvent("alice", key, { lines: [{ sku: tent, quantity: 1 }] }));
      assert.deepEqual(bodyOf(retry), stored[0]);
    });
  });
});
