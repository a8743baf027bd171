// POST /events through the local gateway into kinesalite: the bytes the request template
// renders are a PutRecords call Kinesis accepts, the records hold the events, and a Kinesis
// error comes back as the response templates say.
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from "@aws-sdk/client-kinesis";
import * as assert from "node:assert/strict";
import { createLocalGateway, type LocalGateway } from "../../local/gateway";
import { kinesisServiceCall } from "../../local/gateway/kinesis-service-call";
import { clientConfig, type Emulator, startKinesis, testCredentials } from "../../testing/emulators";
import { sharedProgramRun } from "../../testing/program";

describe("local API gateway: POST /events into kinesalite", function () {
  this.timeout(120000);
  let kinesis: Emulator;
  let client: KinesisClient;
  let gateway: LocalGateway;
  let streamName: string;
  let document: string;

  before(async () => {
    const run = await sharedProgramRun("dev");
    streamName = run.outputs.clickstreamStream as string;
    document = run.mocks.named("aws:apigateway/restApiPut:RestApiPut", "api-definition").inputs.body;
    kinesis = await startKinesis();
    client = new KinesisClient(clientConfig(kinesis));
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
    gateway = await createLocalGateway({
      document,
      stageName: "v1",
      invokeLambda: async () => ({ statusCode: 200, body: "{}" }),
      awsServiceCall: kinesisServiceCall({ endpoint: kinesis.endpoint, credentials: testCredentials }),
      cognito: { issuer: "http://127.0.0.1:9/unused", jwks: { keys: [] } },
    });
  });
  after(async () => {
    await gateway?.close();
    client?.destroy();
    await kinesis?.stop();
  });

  async function recordsOnStream(): Promise<Array<{ data: unknown; partitionKey: string }>> {
    const { Shards } = await client.send(new ListShardsCommand({ StreamName: streamName }));
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: Shards![0].ShardId!,
        ShardIteratorType: "TRIM_HORIZON",
      }),
    );
    const { Records } = await client.send(new GetRecordsCommand({ ShardIterator }));
    return (Records ?? []).map((r) => ({
      data: JSON.parse(Buffer.from(r.Data!).toString("utf8")),
      partitionKey: r.PartitionKey!,
    }));
  }

  it("puts one record per event, the event's JSON keyed by its session", async () => {
    const events = [
      { eventId: "e-1", eventType: "page_view", sessionId: "s-1", timestamp: 1764590000000 },
      {
        eventId: "e-2",
        eventType: "add_to_cart",
        sessionId: "s-2",
        itemId: "SKU-1",
        timestamp: "2026-12-01T11:00:00Z",
        properties: { note: 'ü "quoted" a/b\\c' },
      },
    ];
    const response = await fetch(`${gateway.url}/events`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ events }),
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { accepted: 2, failed: 0, failedIndexes: [] });
    assert.deepEqual(
      await recordsOnStream(),
      events.map((e) => ({ data: e, partitionKey: e.sessionId })),
    );
  });

  it("answers 500 with the reason when the stream does not exist (our misconfiguration, not the client's)", async () => {
    const other = await createLocalGateway({
      document: document.split(JSON.stringify(streamName).slice(1, -1)).join("missing-stream"),
      stageName: "v1",
      invokeLambda: async () => ({ statusCode: 200, body: "{}" }),
      awsServiceCall: kinesisServiceCall({ endpoint: kinesis.endpoint, credentials: testCredentials }),
      cognito: { issuer: "http://127.0.0.1:9/unused", jwks: { keys: [] } },
    });
    try {
      const response = await fetch(`${other.url}/events`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          events: [{ eventId: "e-3", eventType: "page_view", sessionId: "s-3", timestamp: 1764590000000 }],
        }),
      });
      assert.equal(response.status, 500);
      const reply = (await response.json()) as { error: string; reason: string };
      assert.equal(reply.reason, "ResourceNotFoundException");
    } finally {
      await other.close();
    }
  });
});
