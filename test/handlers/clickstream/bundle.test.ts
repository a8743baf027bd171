// The deployed ClickstreamProcessor bundle: within its size budget (cold start and upload
// size), free of the AWS SDK (the runtime provides it), and byte-identical across builds so
// an unchanged handler never redeploys.
import { strict as assert } from "node:assert";
import { bundleBudgets } from "../../../testing/bundle-budgets";

const entry = "handlers/clickstream/index.ts";
const budgetBytes = bundleBudgets[entry];

/** A fresh copy of the bundler module, so its in-memory cache cannot hand back the first build. */
function freshBundler(): typeof import("../../../components/lib/bundle") {
  const path = require.resolve("../../../components/lib/bundle");
  delete require.cache[path];
  // biome-ignore lint/style/noCommonJs: a fresh copy of the module, after clearing the require cache
  return require(path);
}

describe("ClickstreamProcessor bundle", () => {
  it(`is under ${budgetBytes} bytes and leaves the AWS SDK external`, () => {
    const { code, bytes } = freshBundler().bundleHandler(entry);
    assert.ok(bytes <= budgetBytes, `bundle is ${bytes} bytes; budget ${budgetBytes}`);
    for (const client of ["@aws-sdk/client-firehose", "@aws-sdk/client-personalize-events", "@aws-sdk/client-s3"]) {
      assert.ok(code.includes(`require("${client}")`), `${client} is required at run time, not bundled`);
    }
    assert.ok(!code.includes("PutRecordBatchCommand extends"), "no SDK command class is inlined");
  });

  it("gives identical bytes on two builds", () => {
    const first = freshBundler().bundleHandler(entry).code;
    const second = freshBundler().bundleHandler(entry).code;
    assert.ok(first.length > 0);
    assert.equal(first, second);
  });
});
