// The OrderProcessing bundle as deployed: small, reproducible, and working end to end when
// loaded by a fresh Node process with only its environment (against dynalite).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { buildSync } from "esbuild";
import { strict as assert } from "node:assert";
import catalog from "../../../catalog/products.json";
import { bundleHandler, bundleOptions } from "../../../components/lib/bundle";
import { type BundleFile, invokeBundle, runtimeEnvironment, writeBundle } from "../../../testing/bundle-process";
import { clientConfig, type Emulator, startDynamoDb } from "../../../testing/emulators";
import { createOrderEvent } from "../../../testing/orders-events";
import { createOrderTables, tables } from "../../../testing/orders-fixture";
import { FakeXRayDaemon, lambdaTraceHeader } from "../../../testing/xray-daemon";

import { serviceName } from "../../../handlers/orders/contract";
import { bundleBudgets } from "../../../testing/bundle-budgets";
const entry = "handlers/orders/index.ts";
const bundleBudgetBytes = bundleBudgets[entry];

describe("orders: bundle", () => {
  let bundle: BundleFile;
  before(() => {
    bundle = writeBundle(entry, "orders");
  });
  after(() => bundle.remove());

  it(`stays under ${bundleBudgetBytes} bytes with the AWS SDK left to the runtime`, () => {
    const { code, bytes } = bundleHandler(entry);
    assert.ok(bytes < bundleBudgetBytes, `bundle is ${bytes} bytes`);
    assert.match(code, /require\("@aws-sdk\/client-dynamodb"\)/);
    assert.doesNotMatch(code, /node_modules\/@aws-sdk/);
  });

  it("loads no OpenSearch client and no SigV4 signer: the search route is OrderSearch's", () => {
    const { metafile } = buildSync({ ...bundleOptions(entry), metafile: true });
    const inputs = Object.keys(metafile.inputs);
    assert.ok(inputs.includes("handlers/orders/create.ts"), "the metafile names the bundle's inputs");
    assert.deepEqual(
      inputs.filter((file) => /opensearch|signature-v4|orders-search\//.test(file)),
      [],
    );
  });

  it("gives identical bytes on two builds", () => {
    const build = () => buildSync(bundleOptions(entry)).outputFiles[0].text;
    const first = build();
    assert.equal(build(), first);
    assert.equal(first, bundleHandler(entry).code, "the deployed bundle is the same build");
  });

  describe("loaded in a fresh process", () => {
    let dynamo: Emulator;
    const fullEnv = () => ({
      ...runtimeEnvironment("orders"),
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      ORDERS_TABLE: tables.orders,
      PRODUCTS_TABLE: tables.products,
      INVENTORY_TABLE: tables.inventory,
      IDEMPOTENCY_TABLE: tables.idempotency,
      ALLOWED_ORIGIN: "https://shop.example.com",
      POWERTOOLS_METRICS_NAMESPACE: "Ecommerce/Orders",
      POWERTOOLS_SERVICE_NAME: serviceName,
    });

    before(async () => {
      dynamo = await startDynamoDb();
      const client = new DynamoDBClient(clientConfig(dynamo));
      await createOrderTables(client);
      client.destroy();
    });
    after(() => dynamo.stop());

    it("creates an order through the real entry point and publishes its metrics as EMF", async () => {
      const event = createOrderEvent("alice", "bundle-key-0001", { lines: [{ sku: catalog[0].sku, quantity: 2 }] });
      const { result, lines } = await invokeBundle(bundle, event, fullEnv());
      assert.equal(result.statusCode, 201, result.body);
      assert.equal(result.headers["Access-Control-Allow-Origin"], "https://shop.example.com");
      assert.equal(JSON.parse(result.body).totalCents, 2 * catalog[0].priceCents);
      const emf = lines.map((l) => JSON.parse(l)).find((l) => l._aws?.CloudWatchMetrics);
      assert.ok(emf, `no EMF line in:\n${lines.join("\n")}`);
      assert.equal(emf._aws.CloudWatchMetrics[0].Namespace, "Ecommerce/Orders");
      assert.equal(emf.OrderCreated, 1);
      assert.equal(emf.service, serviceName, "the contract's service name, the same the component deploys");
    });

    it("traces a sampled invocation: `## index.handler` with ColdStart, Service and statusCode, its DynamoDB calls under it", async () => {
      const daemon = await new FakeXRayDaemon().start();
      try {
        const trace = lambdaTraceHeader(true);
        const event = createOrderEvent("alice", "bundle-key-0002", { lines: [{ sku: catalog[0].sku, quantity: 1 }] });
        await invokeBundle(bundle, event, {
          ...fullEnv(),
          AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
          _X_AMZN_TRACE_ID: trace.value,
          AWS_XRAY_DAEMON_ADDRESS: daemon.address,
        });
        const documents = (await daemon.drain()).map((d) => d.document);
        const handler = documents.find((d) => d.name === "## index.handler");
        assert.ok(handler, `no handler subsegment in ${JSON.stringify(documents)}`);
        assert.equal(handler.parent_id, trace.parent);
        assert.deepEqual(handler.annotations, { ColdStart: true, Service: serviceName, statusCode: 201 });
        const calls = documents.filter((d) => d.namespace === "aws");
        assert.ok(calls.length > 0, "the DynamoDB calls are traced");
        for (const call of calls) {
          assert.equal(call.name, "DynamoDB");
          assert.equal(call.parent_id, handler.id);
          assert.equal(call.trace_id, trace.root);
        }
      } finally {
        await daemon.stop();
      }
    });

    it("refuses to start with an invalid environment, naming every problem", async () => {
      const env = {
        ...fullEnv(),
        IDEMPOTENCY_TTL_SECONDS: "soon",
      } as Record<string, string>;
      delete env.ORDERS_TABLE;
      await assert.rejects(invokeBundle(bundle, {}, env), (err: { stderr: string }) => {
        assert.match(err.stderr, /OrderProcessing environment is invalid/);
        assert.match(err.stderr, /ORDERS_TABLE/);
        assert.match(err.stderr, /IDEMPOTENCY_TTL_SECONDS/);
        return true;
      });
    });
  });
});
