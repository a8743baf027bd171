// The Firehose stand-in writes the lake as the delivery stream is configured: rendered
// dt=/hour= prefix in UTC, GZIP, Firehose's object names; past Firehose's limits it refuses the call.
import * as assert from "node:assert/strict";
import { FirehoseClient, PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { gunzipSync } from "node:zlib";
import { LocalFirehose, renderPrefix } from "../../local/firehose";
import { lakeErrorsPrefix, lakeEventsPrefix } from "../../components/ingestion";
import { startS3, testCredentials, type Emulator } from "../../testing/emulators";

describe("local: the Firehose stand-in", () => {
  let s3: Emulator;
  let s3Client: S3Client;
  let firehose: LocalFirehose;
  let client: FirehoseClient;
  const stream = {
    name: "delivery",
    arn: "arn:aws:firehose:eu-west-1:123456789012:deliverystream/delivery",
    bucket: "lake",
    prefix: lakeEventsPrefix,
    errorOutputPrefix: lakeErrorsPrefix,
    compressionFormat: "GZIP",
  };

  before(async () => {
    s3 = await startS3(["lake"]);
    s3Client = new S3Client({
      endpoint: s3.endpoint,
      region: "eu-west-1",
      credentials: testCredentials,
      forcePathStyle: true,
      requestHandler: new NodeHttpHandler(),
    });
    firehose = await new LocalFirehose([stream], s3Client).start();
    client = new FirehoseClient({
      endpoint: firehose.endpoint,
      region: "eu-west-1",
      credentials: testCredentials,
      requestHandler: new NodeHttpHandler(),
    });
  });
  after(async () => {
    client.destroy();
    await firehose.stop();
    s3Client.destroy();
    await s3.stop();
  });

  it("renders the configured prefixes in UTC", () => {
    const at = new Date(Date.UTC(2026, 2, 5, 7, 30));
    assert.equal(renderPrefix(lakeEventsPrefix, at), "events/dt=2026-03-05/hour=07/");
    assert.equal(renderPrefix(lakeErrorsPrefix, at, "processing-failed"), "errors/processing-failed/dt=2026-03-05/");
  });

  it("writes one GZIP object per call under the partition, named as Firehose names them", async () => {
    const reply = await client.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: "delivery",
        Records: [{ Data: Buffer.from('{"a":1}\n') }, { Data: Buffer.from('{"b":2}\n') }],
      }),
    );
    assert.equal(reply.FailedPutCount, 0);
    assert.equal(reply.RequestResponses?.length, 2);
    const [key] = firehose.written;
    assert.match(
      key,
      /^events\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/delivery-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}\.gz$/,
    );
    const object = await s3Client.send(new GetObjectCommand({ Bucket: "lake", Key: key }));
    assert.equal(gunzipSync(Buffer.from(await object.Body!.transformToByteArray())).toString(), '{"a":1}\n{"b":2}\n');
  });

  it("refuses a call past Firehose's limits (501 records) and an unknown stream", async () => {
    const records = Array.from({ length: 501 }, () => ({ Data: Buffer.from("x") }));
    await assert.rejects(
      client.send(new PutRecordBatchCommand({ DeliveryStreamName: "delivery", Records: records })),
      /InvalidArgumentException|500/,
    );
    await assert.rejects(
      client.send(new PutRecordBatchCommand({ DeliveryStreamName: "nope", Records: [{ Data: Buffer.from("x") }] })),
      /ResourceNotFound|not found/,
    );
  });
});
