// SearchIndexer against a local HTTP server speaking OpenSearch's wire format (index template,
// index, _bulk with external versioning, _doc), with the SQS dead-letter queue faked at the SDK
// boundary. Each test starts its own server, so state never leaks between them.
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { DynamoDBRecord } from "aws-lambda";
import { Logger } from "@aws-lambda-powertools/logger";
import type { SendMessageCommand, SendMessageCommandInput, SendMessageCommandOutput } from "@aws-sdk/client-sqs";
import {
  ordersIndex,
  ordersIndexTemplate,
  ordersIndexTemplateName,
  toOrderSearchDocument,
} from "../../../handlers/shared/order-index";
import { maxBulkRequestBytes } from "../../../handlers/search-indexer/bulk-request";
import { type DeadLetterMessage, SqsDeadLetterQueue } from "../../../handlers/search-indexer/dead-letter";
import { IndexBootstrap } from "../../../handlers/search-indexer/index-bootstrap";
import { createSearchIndexer, IndexerMetric, type MetricsSink } from "../../../handlers/search-indexer/indexer";
import { createOpenSearchClient, type OpenSearchClient } from "../../../handlers/lib/opensearch-client";
import {
  insertRecord,
  marshallItem,
  modifyRecord,
  order,
  removeRecord,
  streamEvent,
} from "../../../testing/opensearch-order-records";
import { isSigned, recordHttpCall, recordingSender } from "../../../testing/aws-calls";
import { FakeOpenSearch } from "../../../testing/opensearch-server";

const queueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/search-indexer-dlq";
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };

/** SQSClient.send, faked: keeps what was sent, or fails like an unavailable queue. */
class FakeSqs {
  readonly sent: SendMessageCommandInput[] = [];
  failing = false;
  async send(command: SendMessageCommand): Promise<SendMessageCommandOutput> {
    if (this.failing)
      throw Object.assign(new Error("Service Unavailable"), { name: "ServiceUnavailable", $fault: "server" });
    this.sent.push(command.input);
    return { MessageId: `m-${this.sent.length}`, $metadata: { httpStatusCode: 200 } };
  }
  messages(): DeadLetterMessage[] {
    return this.sent.map((input) => JSON.parse(input.MessageBody!));
  }
}

class RecordingMetrics implements MetricsSink {
  readonly totals = new Map<string, number>();
  addMetric(name: string, _unit: string, value: number): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + value);
  }
  get(name: string): number {
    return this.totals.get(name) ?? 0;
  }
}

const silentLogger = new Logger({ logLevel: "SILENT" });

describe("SearchIndexer", () => {
  let server: FakeOpenSearch;
  let client: OpenSearchClient;
  /** The test's own look-ups and set-ups: unsigned, so they are not taken for the handler's calls. */
  const lookup = async (method: string, path: string, body?: object) => {
    const response = await fetch(`${server.endpoint}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body && JSON.stringify(body),
    });
    return { statusCode: response.status, body: (await response.json()) as unknown };
  };
  let sqs: FakeSqs;
  let metrics: RecordingMetrics;
  let sleeps: number[];
  let bootstrap: IndexBootstrap;

  function indexer(options: { maxRequestBytes?: number; remainingTimeMs?: number } = {}) {
    const index = createSearchIndexer({
      client,
      bootstrap,
      deadLetters: new SqsDeadLetterQueue(
        recordingSender("search-indexer", "sqs", sqs, { DEAD_LETTER_QUEUE_URL: queueUrl }),
        queueUrl,
      ),
      logger: silentLogger,
      metrics,
      bulk: {
        retry: { maxAttempts: 4, baseDelayMs: 50, maxDelayMs: 400 },
        maxRequestBytes: options.maxRequestBytes,
        requestTimeoutMs: 5000,
        sleep: async (ms) => void sleeps.push(ms),
        random: () => 1, // the longest jittered delay, so the bound is what is tested
      },
    });
    const context =
      options.remainingTimeMs === undefined ? undefined : { getRemainingTimeInMillis: () => options.remainingTimeMs! };
    return (records: DynamoDBRecord[]) => index(streamEvent(...records), context);
  }

  async function storedDocument(orderId: string) {
    const response = await lookup("GET", `/${ordersIndex}/_doc/${orderId}`);
    const body = response.body as { found: boolean; _version?: number; _source?: Record<string, unknown> };
    return body.found ? { version: body._version, source: body._source } : undefined;
  }

  beforeEach(async () => {
    server = await new FakeOpenSearch().start();
    client = createOpenSearchClient({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: async () => credentials,
    });
    sqs = new FakeSqs();
    metrics = new RecordingMetrics();
    sleeps = [];
    bootstrap = new IndexBootstrap(client, silentLogger);
  });

  afterEach(async () => {
    for (const request of server.requests.filter((r) => isSigned(r.headers)))
      recordHttpCall("search-indexer", request.method, request.path);
    await server.stop();
  });

  describe("index bootstrap", () => {
    it("creates the index template and the index before the first bulk request, once per container", async () => {
      const index = indexer();
      await index([insertRecord(order({ orderId: "o-1" }))]);
      await index([insertRecord(order({ orderId: "o-2" }))]);

      assert.deepEqual(server.templates.get(ordersIndexTemplateName), JSON.parse(JSON.stringify(ordersIndexTemplate)));
      const calls = server.requests.map((r) => `${r.method} ${r.path}${r.query.size ? `?${r.query}` : ""}`);
      assert.deepEqual(calls, [
        "GET /_index_template/orders",
        "POST /_index_template/orders?create=true",
        "HEAD /orders",
        "PUT /orders",
        "PUT /orders/_bulk",
        "PUT /orders/_bulk",
      ]);
      // The index took its mapping from the template: strict, with the contract's field types.
      const mappings = server.indices.get(ordersIndex)!.mappings;
      assert.equal(mappings.dynamic, "strict");
      assert.equal(mappings.properties!.customerId.type, "keyword");
      assert.equal(mappings.properties!.lines.properties!.name.type, "text");
      assert.equal(mappings.properties!.lines.properties!.name.fields!.keyword.type, "keyword");
      assert.equal(mappings.properties!.createdAt.type, "date");
      assert.equal(mappings.properties!.totalCents.type, "long");
    });

    it("leaves an existing template and index alone, and tolerates containers racing to create them", async () => {
      const first = new IndexBootstrap(client, silentLogger);
      const second = new IndexBootstrap(client, silentLogger);
      await Promise.all([first.ensure(), second.ensure(), first.ensure()]);
      const writes = () => server.requests.filter((r) => r.method === "PUT").length;
      const before = writes();
      assert.ok(before >= 2 && before <= 4, `one or two attempts per resource, got ${before}`);

      await new IndexBootstrap(client, silentLogger).ensure();
      assert.equal(writes(), before, "a new container finding everything in place writes nothing");
    });

    it("upgrades an older template and adds the new fields to the live index", async () => {
      const { lines: _lines, ...olderProperties } = ordersIndexTemplate.template.mappings.properties;
      const older = {
        ...ordersIndexTemplate,
        version: 0,
        template: { ...ordersIndexTemplate.template, mappings: { dynamic: "strict", properties: olderProperties } },
      };
      await lookup("PUT", `/_index_template/${ordersIndexTemplateName}`, older);
      await lookup("PUT", `/${ordersIndex}`);
      assert.equal(server.indices.get(ordersIndex)!.mappings.properties!.lines, undefined);

      await bootstrap.ensure();
      assert.equal(
        (server.templates.get(ordersIndexTemplateName) as { version: number }).version,
        ordersIndexTemplate.version,
      );
      assert.equal(server.indices.get(ordersIndex)!.mappings.properties!.lines.properties!.sku.type, "keyword");
      assert.deepEqual(await indexer()([insertRecord(order({ orderId: "o-1" }))]), { batchItemFailures: [] });
    });

    it("fails the whole batch when the index cannot be prepared, sends nothing, and tries again next time", async () => {
      server.requestFault = (r) =>
        r.path.startsWith("/_index_template")
          ? { status: 403, body: { message: "no permissions for [indices:admin/index_template/get]" } }
          : undefined;
      const index = indexer();
      const records = [insertRecord(order({ orderId: "o-1" }))];
      await assert.rejects(index(records), /could not prepare the orders index: .*403/);
      assert.equal(server.bulkRequests().length, 0);

      server.requestFault = undefined;
      assert.deepEqual(await index(records), { batchItemFailures: [] });
      assert.equal((await storedDocument("o-1"))?.version, 1);
    });
  });

  describe("indexing", () => {
    it("turns inserts, modifies and removes of one batch into one signed _bulk request with external versions", async () => {
      const placed = order({ orderId: "o-1" });
      const paid = { ...placed, status: "PAID" as const, version: 2, updatedAt: "2026-03-01T10:20:00.000Z" };
      const other = order({ orderId: "o-2", customerId: "b7e0c1d2-0000-4000-8000-000000000002" });
      const response = await indexer()([
        insertRecord(placed),
        insertRecord(other),
        modifyRecord(placed, paid),
        removeRecord(other),
      ]);

      assert.deepEqual(response, { batchItemFailures: [] });
      const bulks = server.bulkRequests();
      assert.equal(bulks.length, 1);
      assert.deepEqual(
        bulks[0].body
          .trimEnd()
          .split("\n")
          .map((l) => JSON.parse(l))
          .filter((l) => l.index || l.delete),
        [
          { index: { _id: "o-1", version: 1, version_type: "external" } },
          { index: { _id: "o-2", version: 1, version_type: "external" } },
          { index: { _id: "o-1", version: 2, version_type: "external" } },
          { delete: { _id: "o-2", version: 2, version_type: "external" } },
        ],
      );
      assert.deepEqual(await storedDocument("o-1"), { version: 2, source: toOrderSearchDocument(paid) });
      assert.equal(await storedDocument("o-2"), undefined);
      assert.equal(metrics.get(IndexerMetric.DocumentsIndexed), 3);
      assert.equal(metrics.get(IndexerMetric.DocumentsDeleted), 1);
      assert.equal(metrics.get(IndexerMetric.BulkRequests), 1);
    });

    it("signs every request with SigV4 for the es service", async () => {
      await indexer()([insertRecord(order({ orderId: "o-1" }))]);
      assert.ok(server.requests.length >= 5);
      for (const request of server.requests) {
        assert.match(
          String(request.headers.authorization),
          /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/es\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
        );
        assert.match(String(request.headers["x-amz-date"]), /^\d{8}T\d{6}Z$/);
        assert.equal(request.headers["x-amz-content-sha256"], createHash("sha256").update(request.body).digest("hex"));
      }
    });

    it("indexes only the mapped order fields, so a new table attribute does not break indexing", async () => {
      const item = { ...order({ orderId: "o-1" }), expiresAt: 1798761600, internalNote: "do not index" };
      assert.deepEqual(await indexer()([insertRecord(item)]), { batchItemFailures: [] });
      const stored = await storedDocument("o-1");
      assert.deepEqual(Object.keys(stored!.source!).sort(), Object.keys(order({ orderId: "x" })).sort());
    });

    it("splits bulk bodies above the 5 MiB cap and indexes everything", async () => {
      // 250 orders of 50 long-named lines: about 6.4 MiB of NDJSON.
      const lines = Array.from({ length: 50 }, (_, i) => ({
        sku: `SKU-${String(i).padStart(4, "0")}`,
        name: `Hand-thrown stoneware serving bowl, speckled oat glaze, ${"large ".repeat(60)}${i}`,
        quantity: 1,
        unitPriceCents: 4200,
        lineTotalCents: 4200,
      }));
      const records = Array.from({ length: 250 }, (_, i) => insertRecord(order({ orderId: `o-${i}`, lines })));
      assert.deepEqual(await indexer()(records), { batchItemFailures: [] });

      const bulks = server.bulkRequests();
      const total = bulks.reduce((n, r) => n + Buffer.byteLength(r.body), 0);
      assert.ok(total > maxBulkRequestBytes, `the batch must exceed the cap (${total} bytes)`);
      assert.equal(bulks.length, Math.ceil(total / maxBulkRequestBytes));
      for (const bulk of bulks) assert.ok(Buffer.byteLength(bulk.body) <= maxBulkRequestBytes);
      assert.equal(server.liveDocumentCount(ordersIndex), 250);
    });
  });

  describe("versioning", () => {
    it("never lets a replayed old version overwrite a newer document", async () => {
      const v1 = order({ orderId: "o-1" });
      const v2 = { ...v1, status: "PAID" as const, version: 2 };
      const v3 = { ...v2, status: "SHIPPED" as const, version: 3 };
      const index = indexer();
      const inserted = insertRecord(v1);
      const paid = modifyRecord(v1, v2);
      await index([inserted, paid, modifyRecord(v2, v3)]);

      // The stream redelivers the first two records (a retried batch).
      const response = await index([inserted, paid]);
      assert.deepEqual(response, { batchItemFailures: [] }, "a version conflict means already newer: success");
      assert.deepEqual(await storedDocument("o-1"), { version: 3, source: toOrderSearchDocument(v3) });
      assert.equal(metrics.get(IndexerMetric.StaleRecordsSkipped), 2);
      assert.equal(sqs.sent.length, 0);
    });

    it("keeps the newest version when MODIFY events arrive out of order", async () => {
      const v1 = order({ orderId: "o-1" });
      const v2 = { ...v1, status: "PAID" as const, version: 2 };
      const v3 = { ...v2, status: "SHIPPED" as const, version: 3 };
      const index = indexer();
      await index([insertRecord(v1)]);
      assert.deepEqual(await index([modifyRecord(v2, v3), modifyRecord(v1, v2)]), { batchItemFailures: [] });
      assert.deepEqual(await storedDocument("o-1"), { version: 3, source: toOrderSearchDocument(v3) });

      // Also across batches: the older event arriving in a later invocation changes nothing.
      assert.deepEqual(await index([modifyRecord(v1, v2)]), { batchItemFailures: [] });
      assert.equal((await storedDocument("o-1"))?.source?.status, "SHIPPED");
    });

    it("keeps a removed order removed when older writes are replayed after the delete", async () => {
      const v1 = order({ orderId: "o-1" });
      const v2 = { ...v1, status: "CANCELLED" as const, version: 2 };
      const index = indexer();
      await index([insertRecord(v1), modifyRecord(v1, v2), removeRecord(v2)]);
      assert.equal(await storedDocument("o-1"), undefined);

      assert.deepEqual(await index([insertRecord(v1), modifyRecord(v1, v2)]), { batchItemFailures: [] });
      assert.equal(await storedDocument("o-1"), undefined);
      assert.equal(server.versionOf(ordersIndex, "o-1"), 3, "the tombstone carries old version + 1");
    });

    it("treats deleting an order the index never had as done", async () => {
      const response = await indexer()([removeRecord(order({ orderId: "o-never", version: 4 }))]);
      assert.deepEqual(response, { batchItemFailures: [] });
      assert.equal(metrics.get(IndexerMetric.DocumentsDeleted), 1);
      // A late INSERT of that order is refused by the tombstone.
      await indexer()([insertRecord(order({ orderId: "o-never", version: 4 }))]);
      assert.equal(await storedDocument("o-never"), undefined);
    });
  });

  describe("failures", () => {
    it("retries an item answered 429 after a backoff, resending only that item", async () => {
      server.bulkItemFault = (item) =>
        item.id === "o-2" && item.attempt === 1
          ? {
              status: 429,
              type: "es_rejected_execution_exception",
              reason: "rejected execution of coordinating operation",
            }
          : undefined;
      const response = await indexer()([1, 2, 3].map((i) => insertRecord(order({ orderId: `o-${i}` }))));

      assert.deepEqual(response, { batchItemFailures: [] });
      const bulks = server.bulkRequests();
      assert.equal(bulks.length, 2);
      assert.deepEqual(JSON.parse(bulks[1].body.split("\n")[0]), {
        index: { _id: "o-2", version: 1, version_type: "external" },
      });
      assert.equal(bulks[1].body.trimEnd().split("\n").length, 2, "only the throttled item is resent");
      assert.deepEqual(sleeps, [50]);
      assert.equal(server.liveDocumentCount(ordersIndex), 3);
      assert.equal(metrics.get(IndexerMetric.BulkItemRetries), 1);
    });

    it("reports an item still failing with 5xx after the bounded retries as a batch item failure", async () => {
      server.bulkItemFault = (item) =>
        item.id === "o-2"
          ? { status: 503, type: "unavailable_shards_exception", reason: "primary shard is not active" }
          : undefined;
      const records = [1, 2, 3].map((i) => insertRecord(order({ orderId: `o-${i}` })));
      const response = await indexer()(records);

      assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: records[1].dynamodb!.SequenceNumber }] });
      assert.equal(server.bulkRequests().length, 4, "four attempts, then give up");
      assert.deepEqual(sleeps, [50, 100, 200], "exponential backoff between attempts");
      assert.equal(server.liveDocumentCount(ordersIndex), 2);
      assert.equal(sqs.sent.length, 0, "a transient failure is not dead-lettered");
      assert.equal(metrics.get(IndexerMetric.BatchItemFailures), 1);
    });

    it("retries a whole request that failed with 503, and stops retrying when the invocation runs out of time", async () => {
      let failures = 1;
      server.requestFault = (r) =>
        r.path.endsWith("/_bulk") && failures-- > 0
          ? { status: 503, body: { message: "Service Unavailable" } }
          : undefined;
      assert.deepEqual(await indexer()([insertRecord(order({ orderId: "o-1" }))]), { batchItemFailures: [] });
      assert.equal((await storedDocument("o-1"))?.version, 1);

      failures = 100;
      const record = insertRecord(order({ orderId: "o-2" }));
      const before = server.bulkRequests().length;
      const response = await indexer({ remainingTimeMs: 3000 })([record]);
      assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber }] });
      assert.equal(
        server.bulkRequests().length - before,
        1,
        "no retry is started that could not finish before the timeout",
      );
    });

    it("dead-letters a document the mapping rejects, without retrying it", async () => {
      const bad = { ...order({ orderId: "o-bad" }), totalCents: "lots" };
      const good = order({ orderId: "o-good" });
      const badRecord = insertRecord(bad);
      const response = await indexer()([badRecord, insertRecord(good)]);

      assert.deepEqual(response, { batchItemFailures: [] });
      assert.equal(server.bulkRequests().length, 1, "a 400 is never retried");
      assert.equal(await storedDocument("o-bad"), undefined);
      assert.ok(await storedDocument("o-good"));
      const [message] = sqs.messages();
      assert.equal(sqs.sent.length, 1);
      assert.equal(sqs.sent[0].QueueUrl, queueUrl);
      assert.deepEqual(sqs.sent[0].MessageAttributes, {
        reason: { DataType: "String", StringValue: "mapping-rejected" },
      });
      assert.equal(message.reason.code, "mapping-rejected");
      assert.equal(message.reason.status, 400);
      assert.equal(message.reason.errorType, "mapper_parsing_exception");
      assert.match(message.reason.message, /failed to parse field \[totalCents\] of type \[long\]/);
      assert.equal(message.sequenceNumber, badRecord.dynamodb!.SequenceNumber);
      assert.deepEqual(message.record, badRecord, "the whole stream record, to fix and replay");
      assert.equal(metrics.get(IndexerMetric.DocumentsDeadLettered), 1);
    });

    it("dead-letters records whose images cannot be used, with the reason", async () => {
      const unmarshallable = insertRecord(order({ orderId: "o-1" }));
      unmarshallable.dynamodb!.NewImage!.status = { X: "PAID" } as never;
      const { version: _dropped, ...unversioned } = order({ orderId: "o-2" });
      const noVersion = insertRecord(unversioned);
      const keysOnly = insertRecord(order({ orderId: "o-3" }));
      delete keysOnly.dynamodb!.NewImage;
      keysOnly.dynamodb!.StreamViewType = "KEYS_ONLY";
      const v1 = order({ orderId: "o-4" });
      const notIncremented = modifyRecord(v1, { ...v1, status: "PAID" });
      const notARecord = { eventName: "INSERT", dynamodb: { SequenceNumber: "999" } } as unknown as DynamoDBRecord;

      const response = await indexer()([unmarshallable, noVersion, keysOnly, notIncremented, notARecord]);
      assert.deepEqual(response, { batchItemFailures: [] });
      assert.equal(server.bulkRequests().length, 0, "nothing usable to index");
      const reasons = sqs.messages().map((m) => [m.sequenceNumber, m.reason.code, m.reason.message]);
      assert.deepEqual(
        reasons.map(([s, c]) => [s, c]),
        [
          [unmarshallable.dynamodb!.SequenceNumber, "invalid-record"],
          [noVersion.dynamodb!.SequenceNumber, "invalid-order-image"],
          [keysOnly.dynamodb!.SequenceNumber, "missing-image"],
          [notIncremented.dynamodb!.SequenceNumber, "version-not-incremented"],
          ["999", "invalid-record"],
        ],
      );
      assert.match(String(reasons[0][2]), /could not unmarshall NewImage: Unsupported type passed: X/);
      assert.match(String(reasons[1][2]), /version is missing/);
      assert.match(String(reasons[4][2]), /eventSource/);
    });

    it("reports a record as a batch item failure when the dead-letter queue refuses it", async () => {
      sqs.failing = true;
      const bad = insertRecord({ ...order({ orderId: "o-bad" }), createdAt: "yesterday" });
      const good = insertRecord(order({ orderId: "o-good" }));
      const response = await indexer()([good, bad]);
      assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: bad.dynamodb!.SequenceNumber }] });
      assert.ok(await storedDocument("o-good"));
      assert.equal(metrics.get(IndexerMetric.DeadLetterSendFailures), 1);
    });

    it("fails the whole batch when a record with no SequenceNumber cannot be dead-lettered", async () => {
      sqs.failing = true;
      const nameless = {
        eventName: "INSERT",
        dynamodb: { NewImage: marshallItem(order({ orderId: "o-1" })) },
      } as unknown as DynamoDBRecord;
      await assert.rejects(indexer()([nameless]), /dead-letter send failed for a record without a SequenceNumber/);
    });
  });
});
