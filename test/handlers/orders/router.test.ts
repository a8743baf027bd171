// Routing by API Gateway resource + method: unknown routes, wrong methods, missing claims,
// CORS preflight, and the JSON error shape every failure shares.
import { corsAllowedHeaders } from "../../../handlers/shared/http";
import { strict as assert } from "node:assert";
import { callerOf, parseGroups } from "../../../handlers/orders/caller";
import { ordersEvent } from "../../../testing/orders-events";
import { allowedOrigin, bodyOf, type OrdersFixture, startOrdersFixture } from "../../../testing/orders-fixture";

describe("orders: routing", () => {
  let fx: OrdersFixture;
  before(async () => {
    fx = await startOrdersFixture();
  });
  after(async () => {
    await fx.stop();
  });

  for (const [resource, method, allow] of [
    ["/orders", "DELETE", "POST, GET, OPTIONS"],
    ["/orders", "PUT", "POST, GET, OPTIONS"],
    ["/orders/{orderId}", "POST", "GET, PATCH, OPTIONS"],
    ["/orders/{orderId}", "DELETE", "GET, PATCH, OPTIONS"],
  ]) {
    it(`${method} ${resource} is a 405 with an Allow header`, async () => {
      const response = await fx.invoke(ordersEvent({ resource, method, pathParameters: { orderId: "abc" } }));
      assert.equal(response.statusCode, 405);
      assert.equal(response.headers?.Allow, allow);
      assert.equal(response.headers?.["Access-Control-Allow-Origin"], allowedOrigin);
      assert.match(bodyOf(response).error, new RegExp(`method ${method} is not allowed`));
    });
  }

  // /orders/search is OrderSearch's (test/handlers/orders-search/router.test.ts): not a route here.
  for (const resource of ["/", "/order", "/orders/{orderId}/lines", "/events", "/orders/search"]) {
    it(`${resource} is a 404`, async () => {
      const response = await fx.invoke(ordersEvent({ resource, method: "GET" }));
      assert.equal(response.statusCode, 404);
      assert.equal(bodyOf(response).error, "no such route");
      assert.equal(response.headers?.["Content-Type"], "application/json");
    });
  }

  for (const [what, claims] of [
    ["no authorizer", null],
    ["claims without a sub", { email: "a@example.com" }],
    ["an empty sub", { sub: "" }],
  ] as const) {
    it(`answers ${what} with a 401 on every route`, async () => {
      for (const [resource, method] of [
        ["/orders", "POST"],
        ["/orders", "GET"],
        ["/orders/{orderId}", "GET"],
      ]) {
        const response = await fx.invoke(
          ordersEvent({
            resource,
            method,
            pathParameters: { orderId: "abc" },
            headers: { "Idempotency-Key": "a-valid-key-123" },
            body: { lines: [{ sku: "KIT-MUG-STN-12", quantity: 1 }] },
            claims: claims as Record<string, string> | null,
          }),
        );
        assert.equal(response.statusCode, 401, `${method} ${resource}`);
        assert.deepEqual(bodyOf(response), { error: "missing caller identity", details: [] });
      }
      assert.deepEqual(await fx.storedOrders(), []);
    });
  }

  it("answers a CORS preflight that reaches it without needing a caller", async () => {
    const response = await fx.invoke(ordersEvent({ resource: "/orders", method: "OPTIONS", claims: null }));
    assert.equal(response.statusCode, 204);
    assert.equal(response.headers?.["Access-Control-Allow-Origin"], allowedOrigin);
    assert.equal(response.headers?.["Access-Control-Allow-Methods"], "POST, GET, OPTIONS");
    assert.match(String(response.headers?.["Access-Control-Allow-Headers"]), /Idempotency-Key/);
    // The same headers the Api's own preflight allows (test/infra/api.test.ts checks that side).
    assert.deepEqual(String(response.headers?.["Access-Control-Allow-Headers"]).split(","), [...corsAllowedHeaders]);
  });

  it("answers an unexpected failure with a 500 that names the request id, not the cause", async () => {
    // A products table that is not there: the SDK throws ResourceNotFoundException.
    const { DeleteTableCommand } = await import("@aws-sdk/client-dynamodb");
    await fx.dynamoDb.send(new DeleteTableCommand({ TableName: "products" }));
    const response = await fx.invoke(
      ordersEvent({
        resource: "/orders",
        method: "POST",
        headers: { "Idempotency-Key": "a-valid-key-123", "Content-Type": "application/json" },
        body: { lines: [{ sku: "KIT-MUG-STN-12", quantity: 1 }] },
      }),
    );
    assert.equal(response.statusCode, 500);
    const body = bodyOf(response);
    assert.equal(body.error, "internal error");
    assert.match(body.details[0].message, /^request id [0-9a-f-]{36}$/);
    assert.doesNotMatch(response.body, /products|ResourceNotFound/);
    assert.equal(response.headers?.["Access-Control-Allow-Origin"], allowedOrigin);
  });

  describe("cognito:groups claim", () => {
    const jwt = (payload: object) =>
      `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.c2lnbmF0dXJl`;
    const callerWith = (groupsClaim: string | undefined, authorization?: string) =>
      callerOf(
        ordersEvent({
          resource: "/orders",
          method: "GET",
          headers: authorization ? { Authorization: authorization } : {},
          claims: { sub: "user-1", ...(groupsClaim === undefined ? {} : { "cognito:groups": groupsClaim }) },
        }),
      );

    it("reads the REST authorizer's flattening (names joined by commas) and arrays, names compared exactly", () => {
      assert.deepEqual(parseGroups("admin"), ["admin"]);
      assert.deepEqual(parseGroups("staff,admin"), ["staff", "admin"]);
      assert.deepEqual(parseGroups(["admin"]), ["admin"]);
      assert.deepEqual(parseGroups(undefined), []);
      assert.deepEqual(parseGroups(""), []);
      assert.deepEqual(parseGroups("administrators"), ["administrators"]);
      assert.equal(callerWith("admin").isAdmin, true);
      assert.equal(callerWith("staff,admin").isAdmin, true);
      assert.equal(callerWith(undefined).isAdmin, false);
    });

    for (const claim of ["[admin", "admin]", " admin ", "admin\tstaff", "admin staff", "[admin staff]", "Admin"]) {
      it(`attack: the claim ${JSON.stringify(claim)} does not grant admin`, () => {
        assert.equal(callerWith(claim).isAdmin, false, "no group is named exactly admin");
      });
    }

    it('attack: a group named "ops,admin" does not grant admin (its verified token holds one group, not two)', () => {
      // API Gateway flattens ["ops,admin"] and ["ops", "admin"] to the same claim; the token tells them apart.
      assert.equal(callerWith("ops,admin", jwt({ sub: "user-1", "cognito:groups": ["ops,admin"] })).isAdmin, false);
      assert.equal(callerWith("ops,admin", jwt({ sub: "user-1", "cognito:groups": ["ops", "admin"] })).isAdmin, true);
      assert.equal(
        callerWith("ops,admin", `Bearer ${jwt({ sub: "user-1", "cognito:groups": ["ops,admin"] })}`).isAdmin,
        false,
      );
    });

    it("reads groups from the token only when it is the verified one (same sub, one Authorization value)", () => {
      // A token for someone else is not the one the authorizer verified: the claim decides.
      assert.equal(callerWith("staff", jwt({ sub: "other", "cognito:groups": ["admin"] })).isAdmin, false);
      assert.equal(callerWith("admin", "not a jwt").isAdmin, true);
      assert.equal(callerWith("staff", jwt({ sub: "user-1" })).isAdmin, false);
    });
  });
});
