// OrderSearch's routing: the one resource it serves, the 405 its ANY method brings, the 401
// without verified claims, the CORS preflight, and 404 for the routes OrderProcessing serves.
import { strict as assert } from "node:assert";
import { corsAllowedHeaders } from "../../../handlers/shared/http";
import { type OrderSearchFixture, startOrderSearchFixture } from "../../../testing/order-search-fixture";
import { ordersEvent } from "../../../testing/orders-events";
import { allowedOrigin, bodyOf } from "../../../testing/orders-fixture";

describe("OrderSearch: routing", () => {
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

  for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
    it(`${method} /orders/search is a 405 with an Allow header`, async () => {
      const response = await fx.invoke(ordersEvent({ resource: "/orders/search", method }));
      assert.equal(response.statusCode, 405);
      assert.equal(response.headers?.Allow, "GET, OPTIONS");
      assert.equal(response.headers?.["Access-Control-Allow-Origin"], allowedOrigin);
      assert.equal(response.headers?.["Cache-Control"], "no-store");
      assert.match(bodyOf(response).error, new RegExp(`method ${method} is not allowed`));
      assert.equal(fx.searchServer.requests.length, 0);
    });
  }

  for (const resource of ["/orders", "/orders/{orderId}", "/"]) {
    it(`${resource} is a 404 (not OrderSearch's route)`, async () => {
      const response = await fx.invoke(ordersEvent({ resource, method: "GET", pathParameters: { orderId: "abc" } }));
      assert.equal(response.statusCode, 404);
      assert.equal(bodyOf(response).error, "no such route");
    });
  }

  for (const [what, claims] of [
    ["no authorizer", null],
    ["claims without a sub", { email: "a@example.com" }],
    ["an empty sub", { sub: "" }],
  ] as const) {
    it(`answers ${what} with a 401 and searches nothing`, async () => {
      const response = await fx.invoke(
        ordersEvent({ resource: "/orders/search", method: "GET", claims: claims as Record<string, string> | null }),
      );
      assert.equal(response.statusCode, 401);
      assert.deepEqual(bodyOf(response), { error: "missing caller identity", details: [] });
      assert.equal(fx.searchServer.requests.length, 0);
    });
  }

  it("answers a CORS preflight that reaches it without needing a caller", async () => {
    const response = await fx.invoke(ordersEvent({ resource: "/orders/search", method: "OPTIONS", claims: null }));
    assert.equal(response.statusCode, 204);
    assert.equal(response.headers?.["Access-Control-Allow-Origin"], allowedOrigin);
    assert.equal(response.headers?.["Access-Control-Allow-Methods"], "GET, OPTIONS");
    assert.deepEqual(String(response.headers?.["Access-Control-Allow-Headers"]).split(","), [...corsAllowedHeaders]);
  });

  it("answers with the orders API's headers: per caller (no-store), the storefront's origin, readable Retry-After", async () => {
    const response = await fx.invoke(ordersEvent({ resource: "/orders/search", method: "GET" }));
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers?.["Cache-Control"], "no-store");
    assert.equal(response.headers?.["Content-Type"], "application/json");
    assert.equal(response.headers?.["Access-Control-Allow-Origin"], allowedOrigin);
    assert.equal(response.headers?.["Access-Control-Expose-Headers"], "Location, Idempotent-Replayed, Retry-After");
  });
});
