// The Catalog bundle as deployed: small, the AWS SDK left to the runtime, and answering a
// listing when loaded by a fresh Node process with only its environment (against dynalite).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { bundleHandler, repoRoot } from "../../../components/lib/bundle";
import { catalogHandlerEntry } from "../../../components/catalog";
import { type BundleFile, invokeBundle, runtimeEnvironment, writeBundle } from "../../../testing/bundle-process";
import { clientConfig, type Emulator, testRegion, startDynamoDb } from "../../../testing/emulators";
import { ordersEvent } from "../../../testing/orders-events";
import { createOrderTables, tables } from "../../../testing/orders-fixture";
import { bundleBudgets } from "../../../testing/bundle-budgets";

const bundleBudgetBytes = bundleBudgets[catalogHandlerEntry];

describe("catalog: bundle", () => {
  let bundle: BundleFile;
  let dynamo: Emulator;
  before(async () => {
    bundle = writeBundle(catalogHandlerEntry, "catalog");
    dynamo = await startDynamoDb();
    const client = new DynamoDBClient(clientConfig(dynamo));
    await createOrderTables(client);
    client.destroy();
  });
  after(async () => {
    bundle.remove();
    await dynamo.stop();
  });

  it(`stays under ${bundleBudgetBytes} bytes with the AWS SDK left to the runtime`, () => {
    const { code, bytes } = bundleHandler(catalogHandlerEntry);
    assert.ok(bytes < bundleBudgetBytes, `bundle is ${bytes} bytes`);
    assert.doesNotMatch(code, /node_modules\/@aws-sdk/);
  });

  it("answers GET /products through the real entry point", async () => {
    const event = ordersEvent({ resource: "/products", method: "GET", query: { category: "books" }, claims: null });
    const { result } = await invokeBundle(bundle, event, {
      ...runtimeEnvironment("catalog"),
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      PRODUCTS_TABLE: tables.products,
      INVENTORY_TABLE: tables.inventory,
      ALLOWED_ORIGIN: "https://shop.example.com",
    });
    assert.equal(result.statusCode, 200, result.body);
    assert.match(result.headers["Cache-Control"], /^public, max-age=/);
    assert.deepEqual(
      JSON.parse(result.body).items.map((p: { category: string }) => p.category),
      ["books", "books"],
    );
  });

  it("refuses to start with an invalid environment, naming it", async () => {
    await assert.rejects(
      invokeBundle(
        bundle,
        {},
        {
          PATH: process.env.PATH ?? "",
          NODE_PATH: path.join(repoRoot, "node_modules"),
          AWS_REGION: testRegion,
        },
      ),
      (err: { stderr: string }) =>
        /Catalog environment is invalid/.test(err.stderr) && /PRODUCTS_TABLE/.test(err.stderr),
    );
  });
});
