// The ClickstreamProcessor entry as Lambda loads it: environment read at import, Powertools
// metrics published in EMF under the component's namespace, partial-batch response shape.
import { strict as assert } from "node:assert";
import type { Context, KinesisStreamEvent } from "aws-lambda";
import { clickstreamMetricNames } from "../../handlers/clickstream/counts";

describe("ClickstreamProcessor entry", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  function loadEntry(): typeof import("../../handlers/clickstream/index") {
    const path = require.resolve("../../handlers/clickstream/index");
    delete require.cache[path];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path);
  }

  it("refuses to load without its required environment, naming the variables", () => {
    delete process.env.FIREHOSE_STREAM_NAME;
    delete process.env.LAKE_BUCKET;
    assert.throws(() => loadEntry(), /FIREHOSE_STREAM_NAME: FIREHOSE_STREAM_NAME \(.*\) is required; LAKE_BUCKET: LAKE_BUCKET \(.*\) is required/);
  });

  it("publishes every counter as EMF in the configured namespace and returns a partial-batch response", async () => {
    Object.assign(process.env, {
      FIREHOSE_STREAM_NAME: "lake",
      LAKE_BUCKET: "bucket",
      AWS_REGION: "us-east-1",
      POWERTOOLS_SERVICE_NAME: "clickstream",
      POWERTOOLS_METRICS_NAMESPACE: "Ecommerce/Clickstream",
      POWERTOOLS_DEV: "",
    });
    const { handler } = loadEntry();
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    let response;
    try {
      const context = { functionName: "clickstream-processor", awsRequestId: "req-1", invokedFunctionArn: "arn", memoryLimitInMB: "512" } as unknown as Context;
      response = await handler({ Records: [] } as KinesisStreamEvent, context);
    } finally {
      process.stdout.write = write;
    }
    assert.deepEqual(response, { batchItemFailures: [] });
    const emf = lines
      .flatMap((l) => l.split("\n"))
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l))
      .find((doc) => doc.EventsReceived !== undefined);
    assert.ok(emf, "an EMF document with the batch's counters was written");
    const directive = emf._aws.CloudWatchMetrics[0];
    assert.equal(directive.Namespace, "Ecommerce/Clickstream");
    assert.deepEqual(directive.Metrics.map((m: { Name: string }) => m.Name).sort(), [...clickstreamMetricNames].sort());
    assert.equal(emf.service, "clickstream");
  });
});
