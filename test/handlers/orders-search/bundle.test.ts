// The OrderSearch bundle as deployed: the AWS SDK left to the runtime, and answering through
// the real entry point in a fresh Node process with only its environment (the OpenSearch fake
// over TLS with no orders yet: an empty result), its signed search traced under the invocation.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { bundleHandler } from "../../../components/lib/bundle";
import { orderSearchHandlerEntry } from "../../../components/orders";
import { serviceName } from "../../../handlers/orders-search/contract";
import { localCertificate } from "../../../local/tls";
import { isSigned } from "../../../testing/aws-calls";
import { type BundleFile, invokeBundle, runtimeEnvironment, writeBundle } from "../../../testing/bundle-process";
import { FakeOpenSearch } from "../../../testing/opensearch-server";
import { ordersEvent } from "../../../testing/orders-events";
import { FakeXRayDaemon, lambdaTraceHeader } from "../../../testing/xray-daemon";

describe("OrderSearch: bundle", () => {
  let bundle: BundleFile;
  let search: FakeOpenSearch;
  let certFile: string;
  before(async () => {
    bundle = writeBundle(orderSearchHandlerEntry, "order-search");
    const tls = await localCertificate(path.join(bundle.dir, "tls"));
    certFile = tls.certFile;
    search = await new FakeOpenSearch({ tls }).start();
  });
  after(async () => {
    await search.stop();
    bundle.remove();
  });

  const environment = () => ({
    // The runtime provides the AWS SDK (the credential provider); here it comes from node_modules.
    ...runtimeEnvironment("order-search"),
    NODE_EXTRA_CA_CERTS: certFile,
    OPENSEARCH_ENDPOINT: search.endpoint,
    ALLOWED_ORIGIN: "https://shop.example.com",
  });

  it("requires only the runtime's credential provider from the AWS SDK", () => {
    const { code } = bundleHandler(orderSearchHandlerEntry);
    const sdk = [...new Set([...code.matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]))];
    assert.deepEqual(sdk, ["@aws-sdk/credential-provider-node"]);
  });

  it("answers an admin's GET /orders/search through the real entry point: one signed _search, traced under the invocation", async () => {
    const daemon = await new FakeXRayDaemon().start();
    try {
      const trace = lambdaTraceHeader(true);
      const event = ordersEvent({
        resource: "/orders/search",
        method: "GET",
        query: { q: "mug" },
        claims: { sub: "ops-1", "cognito:groups": "admin" },
      });
      const { result } = await invokeBundle(bundle, event, {
        ...environment(),
        AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
        _X_AMZN_TRACE_ID: trace.value,
        AWS_XRAY_DAEMON_ADDRESS: daemon.address,
      });
      assert.equal(result.statusCode, 200, result.body);
      assert.deepEqual(JSON.parse(result.body), { orders: [], total: 0 });
      assert.equal(result.headers["Cache-Control"], "no-store");
      assert.equal(result.headers["Access-Control-Allow-Origin"], "https://shop.example.com");
      const searches = search.requests.filter((r) => r.path === "/orders/_search");
      assert.equal(searches.length, 1);
      assert.ok(isSigned(searches[0].headers), "signed for es");

      const documents = (await daemon.drain()).map((d) => d.document);
      const handler = documents.find((d) => d.name === "## index.handler");
      assert.ok(handler, `no handler subsegment in ${JSON.stringify(documents)}`);
      assert.deepEqual(handler.annotations, { ColdStart: true, Service: serviceName, statusCode: 200 });
      const remote = documents.filter((d) => d.namespace === "remote");
      assert.equal(remote.length, 1, "the search is traced");
      assert.equal(remote[0].parent_id, handler.id);
    } finally {
      await daemon.stop();
    }
  });

  it("refuses to start with an invalid environment, naming every problem", async () => {
    const env: Record<string, string> = { ...environment(), OPENSEARCH_ENDPOINT: "http://search.example.com" };
    delete env.ALLOWED_ORIGIN;
    await assert.rejects(invokeBundle(bundle, {}, env), (err: { stderr: string }) => {
      assert.match(err.stderr, /OrderSearch environment is invalid/);
      assert.match(err.stderr, /OPENSEARCH_ENDPOINT must be an https:\/\/ URL/);
      assert.match(err.stderr, /ALLOWED_ORIGIN/);
      return true;
    });
  });
});
