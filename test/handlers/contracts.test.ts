// Each handler's contract.ts is read by its component at deploy time, by the handler in its
// bundle and by local mode: it may depend on zod and the shared contracts only, never on
// Pulumi (the bundle would not load) or an AWS SDK (local mode reads routes without one).
import { buildSync } from "esbuild";
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../components/lib/bundle";
import { readEnvironment } from "../../handlers/lib/environment";
import { orderRoutes } from "../../handlers/orders/contract";
import { orderSearchRoutes } from "../../handlers/orders-search/contract";
import { routePaths, routeTable } from "../../handlers/shared/http";

const contracts = fs
  .readdirSync(path.join(repoRoot, "handlers"))
  .map((dir) => path.join("handlers", dir, "contract.ts"))
  .filter((file) => fs.existsSync(path.join(repoRoot, file)));

describe("handler contracts", () => {
  it("exist for every handler with an entry", () => {
    const entries = fs
      .readdirSync(path.join(repoRoot, "handlers"))
      .filter((dir) => fs.existsSync(path.join(repoRoot, "handlers", dir, "index.ts")));
    assert.deepEqual(contracts.map((file) => path.basename(path.dirname(file))).sort(), entries.sort());
  });

  for (const file of contracts) {
    it(`${file} imports neither Pulumi nor an AWS SDK`, () => {
      const { metafile } = buildSync({
        entryPoints: [path.join(repoRoot, file)],
        bundle: true,
        write: false,
        platform: "node",
        metafile: true,
        logLevel: "silent",
      });
      const packages = Object.keys(metafile.inputs).filter((input) =>
        /node_modules\/(@pulumi|@aws-sdk|@smithy|@aws-lambda-powertools)\//.test(input),
      );
      assert.deepEqual(packages, []);
    });
  }

  it("names every missing and invalid variable in one error, under the handler's title", async () => {
    const { ordersContract } = await import("../../handlers/orders/contract");
    assert.throws(
      () =>
        readEnvironment(ordersContract, {
          AWS_REGION: "eu-west-1",
          IDEMPOTENCY_TTL_SECONDS: "soon",
        }),
      (error: Error) =>
        error.message.startsWith("OrderProcessing environment is invalid: ") &&
        [
          "ORDERS_TABLE",
          "PRODUCTS_TABLE",
          "INVENTORY_TABLE",
          "IDEMPOTENCY_TABLE",
          "ALLOWED_ORIGIN",
          "IDEMPOTENCY_TTL_SECONDS",
        ].every((name) => error.message.includes(`${name}: `)),
    );
    const { orderSearchContract } = await import("../../handlers/orders-search/contract");
    assert.throws(
      () => readEnvironment(orderSearchContract, { AWS_REGION: "eu-west-1", OPENSEARCH_ENDPOINT: "http://search" }),
      (error: Error) =>
        error.message.startsWith("OrderSearch environment is invalid: ") &&
        error.message.includes("ALLOWED_ORIGIN: ") &&
        error.message.includes("OPENSEARCH_ENDPOINT: OPENSEARCH_ENDPOINT must be an https:// URL"),
    );
  });

  it("OrderProcessing reads no OpenSearch endpoint: the search route is OrderSearch's", async () => {
    const { ordersContract } = await import("../../handlers/orders/contract");
    const { orderSearchContract } = await import("../../handlers/orders-search/contract");
    assert.equal("OPENSEARCH_ENDPOINT" in ordersContract.environmentSchema.shape, false);
    assert.equal("OPENSEARCH_ENDPOINT" in orderSearchContract.environmentSchema.shape, true);
  });

  it("dispatches every order route by its resource path and method, each path once", () => {
    const table = routeTable(orderRoutes, {
      createOrder: "create",
      listMyOrders: "list",
      getOrder: "get",
      updateOrderStatus: "status",
    });
    assert.deepEqual(table, {
      "/orders": { POST: "create", GET: "list" },
      "/orders/{orderId}": { GET: "get", PATCH: "status" },
    });
    assert.deepEqual(routePaths(orderRoutes), ["/orders", "/orders/{orderId}"]);
    assert.deepEqual(routeTable(orderSearchRoutes, { searchOrders: "search" }), {
      "/orders/search": { GET: "search" },
    });
    assert.deepEqual(routePaths(orderSearchRoutes), ["/orders/search"]);
    assert.equal(orderSearchRoutes.searchOrders.authorization, "cognito");
    assert.deepEqual(orderSearchRoutes.searchOrders.optionalQuery, ["q", "status", "from", "to", "limit"]);
    assert.deepEqual(orderRoutes.listMyOrders.optionalQuery, ["limit", "cursor"]);
  });
});
