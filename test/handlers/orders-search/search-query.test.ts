// The orders search query, run by the stand-in's query engine over documents under the real
// index mapping: what the admin page types (an order id, a customer id, a product) finds the order.
import { strict as assert } from "node:assert";
import type { Order } from "../../../handlers/shared/order";
import { ordersIndex, ordersIndexMappings, toOrderSearchDocument } from "../../../handlers/shared/order-index";
import { buildSearchBody } from "../../../handlers/orders-search/search";
import type { Mappings } from "../../../testing/opensearch-mapping";
import { search } from "../../../testing/opensearch-query";

const order = (orderId: string, customerId: string, sku: string, name: string): Order => ({
  orderId,
  customerId,
  status: "PLACED",
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:00:00.000Z",
  currency: "USD",
  lines: [{ sku, name, quantity: 1, unitPriceCents: 1450, lineTotalCents: 1450 }],
  itemCount: 1,
  totalCents: 1450,
  version: 1,
});

const orders = [
  order(
    "bfff1d9c-d255-8de9-923c-c96bb0bb18a3",
    "295fece5-98ae-4a5b-b607-0209077c20c2",
    "KIT-MUG-STN-12",
    "Stoneware Mug, 12 oz",
  ),
  order(
    "0a1b2c3d-0000-4000-8000-000000000001",
    "11111111-2222-4333-8444-555555555555",
    "HOM-CNDL-CDR-8OZ",
    "Cedar & Sage Candle, 8 oz",
  ),
];
const documents = orders.map((o) => ({
  index: ordersIndex,
  id: o.orderId,
  source: toOrderSearchDocument(o as any),
  mappings: ordersIndexMappings as unknown as Mappings,
}));
const admin = { isAdmin: true, customerId: "ops-1" } as any;

function found(q: string): string[] {
  const body = buildSearchBody({ q, limit: 20 } as any, admin) as Record<string, unknown>;
  return (search(documents, body).hits as { _id: string }[]).map((h) => h._id);
}

describe("orders: the search query over the orders index", () => {
  it("finds an order by its id", () => {
    assert.deepEqual(found(orders[0].orderId), [orders[0].orderId]);
  });
  it("finds a customer's orders by the customer id", () => {
    assert.deepEqual(found(orders[1].customerId), [orders[1].orderId]);
  });
  it("still finds orders by the words of what they hold, and nothing for an unknown id", () => {
    assert.deepEqual(found("stoneware mug"), [orders[0].orderId]);
    assert.deepEqual(found("KIT-MUG-STN-12"), [orders[0].orderId]);
    assert.deepEqual(found("ffffffff-0000-4000-8000-000000000000"), []);
  });
  it("finds an order by the short id the pages show (its first 8 characters, upper case) or any longer start of it", () => {
    assert.deepEqual(found("BFFF1D9C"), [orders[0].orderId]);
    assert.deepEqual(found("bfff1d9c"), [orders[0].orderId]);
    assert.deepEqual(found("0A1B2C3D-0000"), [orders[1].orderId]);
    // Fewer than 8 characters is no id (too many orders share them), and a short id of no order finds none.
    assert.deepEqual(found("BFFF1D9"), []);
    assert.deepEqual(found("FFFFFFFF"), []);
  });
  it("the fake's prefix query: keyword values start with it, text terms too, case-insensitive only when asked", () => {
    const hits = (query: object) => (search(documents, { query }).hits as { _id: string }[]).map((h) => h._id);
    assert.deepEqual(hits({ prefix: { orderId: "bfff" } }), [orders[0].orderId]);
    assert.deepEqual(hits({ prefix: { orderId: { value: "BFFF" } } }), []);
    assert.deepEqual(hits({ prefix: { orderId: { value: "BFFF", case_insensitive: true } } }), [orders[0].orderId]);
    assert.deepEqual(hits({ prefix: { "lines.name": "cand" } }), [orders[1].orderId]);
  });
});
