// `npm start`'s options, and what --config changes: the dev stack is rendered with the setting
// on top of Pulumi.dev.yaml, as `pulumi up --config` would deploy it; without it, as committed.
import * as assert from "node:assert/strict";
import { renderStack, stackConfig } from "../../local/render";
import * as plan from "../../local/stack-plan";
import { startOptions } from "../../local/start-options";

const windowsOf = (stack: Parameters<typeof plan.eventSourceMappings>[0]) =>
  plan
    .eventSourceMappings(stack)
    .map((m) => [m.eventSourceArn.startsWith("arn:aws:kinesis:") ? "clickstream" : "orders", m.batchWindowSeconds])
    .sort();

describe("local mode: npm start's options", () => {
  it("reads --port (over PORT), --reset, --state-dir and repeated --config key=value", () => {
    assert.deepEqual(
      startOptions(
        [
          "--port",
          "0",
          "--reset",
          "--state-dir=/tmp/x",
          "--config",
          "processorBatchWindowSeconds=0",
          "--config=ecommerce:indexerBatchWindowSeconds=2",
        ],
        { PORT: "5000" },
      ),
      {
        port: 0,
        reset: true,
        stateDir: "/tmp/x",
        config: { processorBatchWindowSeconds: "0", "ecommerce:indexerBatchWindowSeconds": "2" },
      },
    );
    assert.deepEqual(startOptions([], { PORT: "5000" }), { port: 5000, reset: false, stateDir: undefined });
    assert.deepEqual(startOptions([], {}), { port: 4000, reset: false, stateDir: undefined });
  });

  it("refuses a port that is no port and a --config without key=value, saying what it takes", () => {
    assert.throws(() => startOptions(["--port", "http"], {}), /--port must be a port number .* not http/);
    assert.throws(() => startOptions(["--port", "65534"], {}), /--port must be a port number/);
    assert.throws(() => startOptions(["--config", "processorBatchWindowSeconds"], {}), /--config takes key=value/);
    assert.throws(() => startOptions(["--config", "=0"], {}), /--config takes key=value/);
  });

  it("refuses what would otherwise start the platform without it: an unknown option, an option missing its value, a config key the program does not have", () => {
    assert.throws(() => startOptions(["--prot", "0"], {}), /unknown option --prot: npm start -- \[--port N\]/);
    assert.throws(() => startOptions(["0"], {}), /unknown option 0/);
    assert.throws(() => startOptions(["--config"], {}), /--config needs a value/);
    assert.throws(() => startOptions(["--state-dir", "--reset"], {}), /--state-dir needs a value/);
    assert.throws(
      () => startOptions(["--config", "procesorBatchWindowSeconds=0"], {}),
      /--config procesorBatchWindowSeconds: no such config key/,
    );
    assert.throws(() => startOptions(["--config=ecommerce:nope=1"], {}), /--config ecommerce:nope: no such config key/);
    // Another namespace is the provider's to check, as `pulumi up` leaves it.
    assert.deepEqual(startOptions(["--config", "aws:region=eu-central-1"], {}).config, {
      "aws:region": "eu-central-1",
    });
  });

  it("config keys take the project's namespace unless they name one, in one order whatever the order given", () => {
    assert.deepEqual(stackConfig({ processorBatchWindowSeconds: 0, "aws:region": "eu-central-1" }), {
      "aws:region": "eu-central-1",
      "ecommerce:processorBatchWindowSeconds": "0",
    });
    assert.equal(
      JSON.stringify(stackConfig({ b: 1, a: 2 })),
      JSON.stringify(stackConfig({ a: 2, b: 1 })),
      "the same settings share one cached render",
    );
  });

  it("--config renders the dev stack with that setting: the mappings' batching windows follow it; without it, Pulumi.dev.yaml's", async function () {
    this.timeout(120_000);
    const committed = await renderStack();
    assert.deepEqual(committed.config, {});
    assert.deepEqual(windowsOf(committed), [
      ["clickstream", 5],
      ["orders", 1],
    ]);
    const set = await renderStack(stackConfig({ processorBatchWindowSeconds: "0", indexerBatchWindowSeconds: "0" }));
    assert.deepEqual(set.config, {
      "ecommerce:indexerBatchWindowSeconds": "0",
      "ecommerce:processorBatchWindowSeconds": "0",
    });
    assert.deepEqual(windowsOf(set), [
      ["clickstream", 0],
      ["orders", 0],
    ]);
    await assert.rejects(
      renderStack(stackConfig({ processorBatchWindowSeconds: "301" })),
      /processorBatchWindowSeconds/,
      "a value AWS would refuse is refused by the program's config, as on `pulumi up`",
    );
  });
});
