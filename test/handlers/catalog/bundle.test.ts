// The Catalog bundle as deployed: small, the AWS SDK left to the runtime, and answering a
// listing when loaded by a fresh Node process with only its environment (against dynalite).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { bundleHandler, repoRoot } from "../../../components/lib/bundle";
import { catalogHandlerEntry } from "../../../components/catalog";
import { clientConfig, type Emulator, testCredentials, testRegion, startDynamoDb } from "../../../testing/emulators";
import { lambdaContext, ordersEvent } from "../../../testing/orders-events";
import { createOrderTables, tables } from "../../../testing/orders-fixture";
import { bundleBudgets } from "../../../testing/bundle-budgets";

const bundleBudgetBytes = bundleBudgets[catalogHandlerEntry];
const run = promisify(execFile);
const invokeScript = `
const { handler } = require(process.argv[1]);
const [event, context] = JSON.parse(process.argv[2]);
handler(event, context).then((r) => console.log("RESULT " + JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });
`;

describe("catalog: bundle", () => {
  let dir: string;
  let bundlePath: string;
  let dynamo: Emulator;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "catalog-bundle-"));
    bundlePath = path.join(dir, "index.js");
    writeFileSync(bundlePath, bundleHandler(catalogHandlerEntry).code);
    dynamo = await startDynamoDb();
    const client = new DynamoDBClient(clientConfig(dynamo));
    await createOrderTables(client);
    client.destroy();
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dynamo.stop();
  });

  it(`stays under ${bundleBudgetBytes} bytes with the AWS SDK left to the runtime`, () => {
    const { code, bytes } = bundleHandler(catalogHandlerEntry);
    assert.ok(bytes < bundleBudgetBytes, `bundle is ${bytes} bytes`);
    assert.doesNotMatch(code, /node_modules\/@aws-sdk/);
  });

  it("answers GET /products through the real entry point", async () => {
    const event = ordersEvent({ resource: "/products", method: "GET", query: { category: "books" }, claims: null });
    const { stdout } = await run(
      process.execPath,
      ["--no-warnings", "-e", invokeScript, bundlePath, JSON.stringify([event, lambdaContext()])],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? "",
          NODE_PATH: path.join(repoRoot, "node_modules"),
          AWS_REGION: testRegion,
          AWS_ACCESS_KEY_ID: testCredentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: testCredentials.secretAccessKey,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
          AWS_LAMBDA_FUNCTION_NAME: "catalog",
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
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
    assert.deepEqual(
      JSON.parse(result.body).items.map((p: { category: string }) => p.category),
      ["books", "books"],
    );
  });

  it("refuses to start with an invalid environment, naming it", async () => {
    await assert.rejects(
      run(process.execPath, ["--no-warnings", "-e", invokeScript, bundlePath, "[{},{}]"], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? "", NODE_PATH: path.join(repoRoot, "node_modules"), AWS_REGION: testRegion },
      }),
      (err: { stderr: string }) =>
        /Catalog environment is invalid/.test(err.stderr) && /PRODUCTS_TABLE/.test(err.stderr),
    );
  });
});
