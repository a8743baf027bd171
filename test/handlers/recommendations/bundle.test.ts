// The Recommendations bundle as deployed: within its size budget, the AWS SDK left to the
// runtime, and answering through the real entry point in a fresh Node process with only its
// environment (dynalite, the OpenSearch fake over TLS with no orders yet: the catalog answers).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { bundleHandler, repoRoot } from "../../../components/lib/bundle";
import { recommendationsHandlerEntry } from "../../../components/recommendations";
import { localCertificate } from "../../../local/tls";
import { type BundleFile, invokeBundle, runtimeEnvironment, writeBundle } from "../../../testing/bundle-process";
import { clientConfig, type Emulator, testRegion, startDynamoDb } from "../../../testing/emulators";
import { FakeOpenSearch } from "../../../testing/opensearch-server";
import { isSigned } from "../../../testing/aws-calls";
import { ordersEvent } from "../../../testing/orders-events";
import { createOrderTables, tables } from "../../../testing/orders-fixture";
import { bundleBudgets } from "../../../testing/bundle-budgets";

const bundleBudgetBytes = bundleBudgets[recommendationsHandlerEntry];

describe("recommendations: bundle", () => {
  let bundle: BundleFile;
  let dynamo: Emulator;
  let search: FakeOpenSearch;
  let certFile: string;
  before(async () => {
    bundle = writeBundle(recommendationsHandlerEntry, "recommendations");
    const tls = await localCertificate(path.join(bundle.dir, "tls"));
    certFile = tls.certFile;
    search = await new FakeOpenSearch({ tls }).start();
    dynamo = await startDynamoDb();
    const client = new DynamoDBClient(clientConfig(dynamo));
    await createOrderTables(client);
    client.destroy();
  });
  after(async () => {
    await search.stop();
    await dynamo.stop();
    bundle.remove();
  });

  it(`stays under ${bundleBudgetBytes} bytes with the AWS SDK (Personalize runtime included) left to the runtime`, () => {
    const { code, bytes } = bundleHandler(recommendationsHandlerEntry);
    assert.ok(bytes < bundleBudgetBytes, `bundle is ${bytes} bytes`);
    assert.doesNotMatch(code, /node_modules\/@aws-sdk/);
  });

  it("answers GET /recommendations?sku= through the real entry point: a SigV4-signed search, then the catalog while no order exists", async () => {
    const event = ordersEvent({
      resource: "/recommendations",
      method: "GET",
      query: { sku: "KIT-MUG-STN-12", limit: "2" },
      claims: null,
    });
    const { result } = await invokeBundle(bundle, event, {
      ...runtimeEnvironment("recommendations"),
      NODE_EXTRA_CA_CERTS: certFile,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      OPENSEARCH_ENDPOINT: search.endpoint,
      PRODUCTS_TABLE: tables.products,
      INVENTORY_TABLE: tables.inventory,
      ALLOWED_ORIGIN: "https://shop.example.com",
    });
    assert.equal(result.statusCode, 200, result.body);
    assert.match(result.headers["Cache-Control"], /^public, max-age=/);
    const body = JSON.parse(result.body);
    assert.equal(body.source, "catalog");
    assert.deepEqual(
      body.items.map((p: { sku: string }) => p.sku),
      ["ELC-CBL-USBC-2M", "APP-TEE-CRW-BLK"],
    );
    const searches = search.requests.filter((r) => r.path === "/orders/_search");
    assert.equal(searches.length, 2, "co-purchase, then popular: both empty");
    assert.ok(
      searches.every((r) => isSigned(r.headers)),
      "signed for es",
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
          OPENSEARCH_ENDPOINT: "http://search",
          RELATED_ITEMS_ARN: "arn:aws:s3:::nope",
        },
      ),
      (err: { stderr: string }) =>
        /Recommendations environment is invalid/.test(err.stderr) &&
        /OPENSEARCH_ENDPOINT/.test(err.stderr) &&
        /RELATED_ITEMS_ARN/.test(err.stderr),
    );
  });
});
