// The ClickstreamProcessor entry as Lambda loads it: environment read at import, Powertools
// metrics published in EMF under the component's namespace, partial-batch response shape.
import { strict as assert } from "node:assert";
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { FirehoseClient, PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Context, KinesisStreamEvent } from "aws-lambda";
import { quarantineClientConfig, requestTimeoutMs, sinkClientConfig } from "../../../handlers/clickstream/clients";
import { clickstreamMetricNames } from "../../../handlers/clickstream/counts";
import { isRetryableAwsError } from "../../../handlers/lib/retry";

describe("ClickstreamProcessor entry", () => {
  // Taken when the suite starts, not when the file loads: a serial run's global setup sets its
  // variables after loading the files, and restoring an earlier copy would drop them.
  let saved: NodeJS.ProcessEnv = {};
  before(() => {
    saved = { ...process.env };
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  function loadEntry(): typeof import("../../../handlers/clickstream/index") {
    const path = require.resolve("../../../handlers/clickstream/index");
    delete require.cache[path];
    // biome-ignore lint/style/noCommonJs: a fresh copy of the module per test, after clearing the require cache
    return require(path);
  }

  it("refuses to load without its required environment, naming the variables", () => {
    delete process.env.FIREHOSE_STREAM_NAME;
    delete process.env.LAKE_BUCKET;
    assert.throws(
      () => loadEntry(),
      /FIREHOSE_STREAM_NAME: FIREHOSE_STREAM_NAME \(.*\) is required; LAKE_BUCKET: LAKE_BUCKET \(.*\) is required/,
    );
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
    let response: unknown;
    try {
      const context = {
        functionName: "clickstream-processor",
        awsRequestId: "req-1",
        invokedFunctionArn: "arn",
        memoryLimitInMB: "512",
      } as unknown as Context;
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

  it("gives up on a service that accepts the connection and never answers, with an error the sinks retry", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const common = { region: "us-east-1", endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } };
    const firehose = new FirehoseClient({ ...sinkClientConfig, ...common });
    // One attempt here: the SDK's S3 retries would only multiply the wait.
    const s3 = new S3Client({ ...quarantineClientConfig, ...common, forcePathStyle: true, maxAttempts: 1 });
    const started = Date.now();
    try {
      const outcomes = await Promise.allSettled([
        firehose.send(
          new PutRecordBatchCommand({ DeliveryStreamName: "lake", Records: [{ Data: Buffer.from("{}\n") }] }),
        ),
        s3.send(new PutObjectCommand({ Bucket: "lake", Key: "quarantine/x.json", Body: "{}" })),
      ]);
      for (const outcome of outcomes) {
        assert.equal(outcome.status, "rejected");
        const error = (outcome as PromiseRejectedResult).reason;
        assert.equal(error.name, "TimeoutError", String(error));
        assert.ok(isRetryableAwsError(error), "a timeout is retried by the sinks");
      }
      assert.ok(Date.now() - started < requestTimeoutMs * 2, `gave up after ${Date.now() - started} ms`);
    } finally {
      firehose.destroy();
      s3.destroy();
      sockets.forEach((socket) => socket.destroy());
      await new Promise((done) => silent.close(done));
    }
  });
});
