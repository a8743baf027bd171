// The Recommendations bundle as deployed: within its size budget, the AWS SDK left to the
// runtime, and answering through the real entry point in a fresh Node process with only its
// environment (dynalite, the OpenSearch fake over TLS with no orders yet: the catalog answers).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { bundleHandler, repoRoot } from "../../../components/lib/bundle";
import { recommendationsHandlerEntry } from "../../../components/recommendations";
import { localCertificate } from "../../../local/tls";
import { clientConfig, type Emulator, testCredentials, testRegion, startDynamoDb } from "../../../testing/emulators";
import { FakeOpenSearch } from "../../../testing/opensearch-server";
import { isSigned } from "../../../testing/aws-calls";
import { lambdaContext, ordersEvent } from "../../../testing/orders-events";
import { createOrderTables, tables } from "../../../testing/orders-fixture";
import { bundleBudgets } from "../../../testing/bundle-budgets";

const bundleBudgetBytes = bundleBudgets[recommendationsHandlerEntry];
const run = promisify(execFile);
const invokeScript = `
const { handler } = require(process.argv[1]);
const [event, context] = JSON.parse(process.argv[2]);
handler(event, context).then((r) => console.log("RESULT " + JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });
`;

describe("recommendations: bundle", () => {
  let dir: string;
  let bundlePath: string;
  let dynamo: Emulator;
  let search: FakeOpenSearch;
  let certFile: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "recommendations-bundle-"));
    bundlePath = path.join(dir, "index.js");
    writeFileSync(bundlePath, bundleHandler(recommendationsHandlerEntry).code);
    const tls = await localCertificate(path.join(dir, "tls"));
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
    rmSync(dir, { recursive: true, force: true });
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
    const { stdout } = await run(
      process.execPath,
      ["--no-warnings", "-e", invokeScript, bundlePath, JSON.stringify([event, lambdaContext()])],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? "",
          NODE_PATH: path.join(repoRoot, "node_modules"),
          NODE_EXTRA_CA_CERTS: certFile,
          AWS_REGION: testRegion,
          AWS_ACCESS_KEY_ID: testCredentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: testCredentials.secretAccessKey,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
          AWS_LAMBDA_FUNCTION_NAME: "recommendations",
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          OPENSEARCH_ENDPOINT: search.endpoint,
          PRODUCTS_TABLE: tables.products,
          INVENTORY_TABLE: tables.inventory,
          ALLOWED_ORIGIN: "https://shop.example.com",
        },
      },
    );
    const line = stdout.split("\n").find((l) => l.startsWith("RESULT "))!;
    const result = JSON.parse(line.slice("RESULT ".length));
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
      run(process.execPath, ["--no-warnings", "-e", invokeScript, bundlePath, "[{},{}]"], {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? "",
          NODE_PATH: path.join(repoRoot, "node_modules"),
          AWS_REGION: testRegion,
          OPENSEARCH_ENDPOINT: "http://search",
          RELATED_ITEMS_ARN: "arn:aws:s3:::nope",
        },
      }),
      (err: { stderr: string }) =>
        /Recommendations environment is invalid/.test(err.stderr) &&
        /OPENSEARCH_ENDPOINT/.test(err.stderr) &&
        /RELATED_ITEMS_ARN/.test(err.stderr),
    );
  });
});
