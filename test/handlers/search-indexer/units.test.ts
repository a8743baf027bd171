// The SearchIndexer's pure parts: packing actions into sized bulk bodies, reading bulk
// response items, the dead-letter message, and the search document. Also the fake server's
// `_search`, which the orders API tests rely on, for the query shape that API sends.
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { bulkActionLines, toBulkChunks } from "../../../handlers/search-indexer/bulk-request";
import { classifyItem } from "../../../handlers/search-indexer/bulk-response";
import type { SendMessageCommand } from "@aws-sdk/client-sqs";
import { deadLetterBody, maxDeadLetterBytes, SqsDeadLetterQueue } from "../../../handlers/search-indexer/dead-letter";
import type { BulkAction } from "../../../handlers/search-indexer/stream-record";
import {
  ordersIndex,
  ordersIndexTemplate,
  orderTextSearchFields,
  toOrderSearchDocument,
} from "../../../handlers/shared/order-index";
import { createOpenSearchClient } from "../../../handlers/lib/opensearch-client";
import { IndexBootstrap } from "../../../handlers/search-indexer/index-bootstrap";
import { Logger } from "@aws-lambda-powertools/logger";
import { insertRecord, order } from "../../../testing/opensearch-order-records";
import { FakeOpenSearch } from "../../../testing/opensearch-server";

const action = (id: string, size = 10, operation: BulkAction["operation"] = "index"): BulkAction => ({
  sequenceNumber: `s-${id}`,
  operation,
  id,
  version: 1,
  document: operation === "index" ? { orderId: id, pad: "x".repeat(size) } : undefined,
});

describe("SearchIndexer bulk bodies", () => {
  it("packs actions in order into NDJSON bodies under the cap, each terminated by a newline", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.boolean()), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 200, max: 20_000 }),
        (specs, cap) => {
          const actions = specs.map(([size, del], i) => action(`o-${i}`, size, del ? "delete" : "index"));
          const chunks = toBulkChunks(actions, cap);
          assert.deepEqual(
            chunks.flatMap((c) => c.actions),
            actions,
            "every action once, in order",
          );
          for (const chunk of chunks) {
            assert.equal(chunk.bytes, Buffer.byteLength(chunk.body));
            assert.ok(chunk.body.endsWith("\n"));
            assert.ok(chunk.bytes <= cap || chunk.actions.length === 1, "over the cap only when one action alone is");
          }
          // Greedy packing: no chunk would have fit the next chunk's first action.
          for (let i = 0; i + 1 < chunks.length; i++) {
            assert.ok(chunks[i].bytes + Buffer.byteLength(bulkActionLines(chunks[i + 1].actions[0])) > cap);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("writes index actions with the document and delete actions without one", () => {
    assert.equal(
      bulkActionLines(action("a", 0, "delete")),
      '{"delete":{"_id":"a","version":1,"version_type":"external"}}\n',
    );
    assert.equal(
      bulkActionLines(action("a", 1)),
      '{"index":{"_id":"a","version":1,"version_type":"external"}}\n{"orderId":"a","pad":"x"}\n',
    );
  });
});

describe("SearchIndexer bulk response items", () => {
  const index = action("a");
  const del = action("a", 0, "delete");
  const cases: Array<[string, BulkAction, object, string]> = [
    ["201 created", index, { status: 201, result: "created" }, "indexed"],
    ["200 updated", index, { status: 200, result: "updated" }, "indexed"],
    ["200 deleted", del, { status: 200, result: "deleted" }, "deleted"],
    ["404 not_found on delete", del, { status: 404, result: "not_found" }, "deleted"],
    [
      "404 index missing on index",
      index,
      { status: 404, error: { type: "index_not_found_exception", reason: "no such index" } },
      "failed",
    ],
    [
      "409 version conflict",
      index,
      { status: 409, error: { type: "version_conflict_engine_exception", reason: "x" } },
      "stale",
    ],
    ["429 throttled", index, { status: 429, error: { type: "es_rejected_execution_exception", reason: "x" } }, "retry"],
    ["500", index, { status: 500, error: { type: "exception", reason: "x" } }, "retry"],
    ["503", index, { status: 503, error: { type: "unavailable_shards_exception", reason: "x" } }, "retry"],
    [
      "400 mapper_parsing_exception",
      index,
      { status: 400, error: { type: "mapper_parsing_exception", reason: "x" } },
      "rejected",
    ],
    [
      "400 illegal_argument_exception",
      index,
      { status: 400, error: { type: "illegal_argument_exception", reason: "x" } },
      "rejected",
    ],
    [
      "403 index blocked",
      index,
      { status: 403, error: { type: "cluster_block_exception", reason: "index [orders] blocked" } },
      "failed",
    ],
  ];
  for (const [name, a, item, kind] of cases) {
    it(`${name} → ${kind}`, () => assert.equal(classifyItem(a, item).kind, kind));
  }

  it("keeps OpenSearch's error type and cause in the reason", () => {
    const outcome = classifyItem(index, {
      status: 400,
      error: {
        type: "mapper_parsing_exception",
        reason: "failed to parse field [totalCents]",
        caused_by: { type: "illegal_argument_exception", reason: 'For input string: "lots"' },
      },
    });
    assert.deepEqual(outcome, {
      kind: "rejected",
      status: 400,
      errorType: "mapper_parsing_exception",
      reason: 'failed to parse field [totalCents] (caused by illegal_argument_exception: For input string: "lots")',
    });
  });
});

describe("SearchIndexer dead-letter message", () => {
  it("holds the whole record, or only its identifying parts when it would exceed the SQS limit", () => {
    const small = insertRecord(order({ orderId: "o-1" }));
    const reason = { code: "mapping-rejected" as const, message: "x" };
    assert.deepEqual(JSON.parse(deadLetterBody(small, reason)).record, small);

    const huge = insertRecord({ ...order({ orderId: "o-2" }), note: "n".repeat(300 * 1024) });
    const body = deadLetterBody(huge, reason);
    assert.ok(Buffer.byteLength(body) <= maxDeadLetterBytes);
    const message = JSON.parse(body);
    assert.equal(message.recordTruncated, true);
    assert.deepEqual(message.record.dynamodb.Keys, huge.dynamodb!.Keys);
    assert.equal(message.record.dynamodb.SequenceNumber, huge.dynamodb!.SequenceNumber);
    assert.equal(message.record.eventSourceARN, huge.eventSourceARN);
  });

  it("fits the SQS limit with its attributes counted, for a record just under the limit on its own", async () => {
    const reason = { code: "mapping-rejected" as const, message: "x" };
    const now = new Date("2025-01-01T00:00:00.000Z");
    // A fixed eventID: the generated one varies in length from call to call.
    const padded = (n: number) => ({
      ...insertRecord({ ...order({ orderId: "o-3" }), note: "n".repeat(n) }),
      eventID: "e-1",
    });
    // A body of exactly the limit: whole, it fits SQS only if the attributes are not counted.
    const recordBytes = (n: number) => Buffer.byteLength(JSON.stringify(padded(n)));
    const envelopeBytes = Buffer.byteLength(deadLetterBody(padded(0), reason, now)) - recordBytes(0);
    const wholeBytes = (n: number) => envelopeBytes + recordBytes(n);
    // Pad up to the limit (the record's own SizeBytes gains a few digits on the way).
    let pad = 0;
    for (let i = 0; i < 5 && wholeBytes(pad) !== maxDeadLetterBytes; i++) pad += maxDeadLetterBytes - wholeBytes(pad);
    assert.equal(wholeBytes(pad), maxDeadLetterBytes);
    const record = padded(pad);

    const sent: SendMessageCommand[] = [];
    await new SqsDeadLetterQueue(
      {
        send: async (command) => {
          sent.push(command);
          return {} as never;
        },
      },
      "https://sqs.example/dlq",
    ).send(record, reason);
    const { MessageBody, MessageAttributes } = sent[0].input;
    const attributes = Object.entries(MessageAttributes ?? {}).reduce(
      (sum, [name, value]) =>
        sum +
        Buffer.byteLength(name) +
        Buffer.byteLength(value.DataType ?? "") +
        Buffer.byteLength(value.StringValue ?? ""),
      0,
    );
    assert.ok(attributes > 0, "the reason travels as an attribute");
    assert.ok(
      Buffer.byteLength(MessageBody!) + attributes <= maxDeadLetterBytes,
      "body and attributes together within 256 KiB",
    );
    assert.equal(JSON.parse(MessageBody!).recordTruncated, true);
  });
});

describe("orders index template", () => {
  it("sets slow-log thresholds, so the domain's slow-log groups receive slow searches and writes", () => {
    const settings = ordersIndexTemplate.template.settings as Record<string, string>;
    for (const key of ["index.search.slowlog.threshold.query.warn", "index.indexing.slowlog.threshold.index.warn"]) {
      assert.match(settings[key] ?? "", /^\d+(ms|s)$/, key);
    }
  });
});

describe("orders search document", () => {
  it("keeps the contract's fields, drops other attributes, and always serialises", () => {
    const item = { ...order({ orderId: "o-1" }), ttl: 1798761600, tags: new Set(["gift"]), big: 2n ** 70n };
    const document = toOrderSearchDocument({ ...item, lines: [{ ...item.lines[0], warehouse: "EU-1" }] });
    assert.deepEqual(Object.keys(document).sort(), Object.keys(order({ orderId: "x" })).sort());
    assert.deepEqual(document.lines, [item.lines[0]]);
    assert.doesNotThrow(() =>
      JSON.stringify(toOrderSearchDocument({ orderId: "o", totalCents: 2n ** 70n, lines: new Set([1]) })),
    );
  });
});

describe("fake OpenSearch _search (the orders API's query shape)", () => {
  let server: FakeOpenSearch;
  const logger = new Logger({ logLevel: "SILENT" });

  before(async () => {
    server = await new FakeOpenSearch().start();
    const client = createOpenSearchClient({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: async () => ({ accessKeyId: "a", secretAccessKey: "b" }),
    });
    await new IndexBootstrap(client, logger).ensure();
    const orders = [
      order({ orderId: "o-1", customerId: "alice", status: "PAID", createdAt: "2026-03-01T10:00:00.000Z" }),
      order({
        orderId: "o-2",
        customerId: "alice",
        status: "PLACED",
        createdAt: "2026-03-05T10:00:00.000Z",
        lines: [
          { sku: "KIT-PAN-CST-10", name: "Cast Iron Skillet", quantity: 1, unitPriceCents: 3900, lineTotalCents: 3900 },
        ],
      }),
      order({ orderId: "o-3", customerId: "bob", status: "PAID", createdAt: "2026-03-03T10:00:00.000Z" }),
    ];
    const body = orders.flatMap((o) => [
      { index: { _id: o.orderId, version: 1, version_type: "external" } },
      toOrderSearchDocument(o),
    ]);
    const bulk = await client.request({
      method: "PUT",
      path: `/${ordersIndex}/_bulk`,
      ndjson: `${body.map((line) => JSON.stringify(line)).join("\n")}\n`,
    });
    assert.equal(bulk.statusCode, 200);
  });
  after(() => server.stop());

  async function search(body: object) {
    const response = await fetch(`${server.endpoint}/${ordersIndex}/_search`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as {
        hits: { total: { value: number }; hits: Array<{ _id: string; sort?: unknown[] }> };
        error?: { type: string };
      },
    };
  }

  it("filters on customerId, status and a createdAt range, matches text on line sku/name, sorts newest first", async () => {
    const mine = await search({
      query: { bool: { filter: [{ term: { customerId: "alice" } }] } },
      sort: [{ createdAt: "desc" }, { orderId: "asc" }],
      size: 10,
    });
    assert.deepEqual(
      mine.body.hits.hits.map((h) => h._id),
      ["o-2", "o-1"],
    );
    assert.deepEqual(mine.body.hits.hits[0].sort, [Date.parse("2026-03-05T10:00:00.000Z"), "o-2"]);

    const text = await search({
      query: {
        bool: {
          filter: [{ term: { customerId: "alice" } }],
          must: [{ multi_match: { query: "skillet", fields: [...orderTextSearchFields] } }],
        },
      },
    });
    assert.deepEqual(
      text.body.hits.hits.map((h) => h._id),
      ["o-2"],
    );
    const bySku = await search({
      query: { multi_match: { query: "TEA-GRN-SEN-50", fields: [...orderTextSearchFields] } },
    });
    assert.deepEqual(bySku.body.hits.hits.map((h) => h._id).sort(), ["o-1", "o-3"]);

    const ranged = await search({
      query: {
        bool: {
          filter: [
            { term: { status: "PAID" } },
            { range: { createdAt: { gte: "2026-03-02T00:00:00Z", lte: "2026-03-31T00:00:00Z" } } },
          ],
        },
      },
    });
    assert.deepEqual(
      ranged.body.hits.hits.map((h) => h._id),
      ["o-3"],
    );

    const page2 = await search({
      query: { match_all: {} },
      sort: [{ createdAt: "desc" }, { orderId: "asc" }],
      size: 1,
      search_after: [Date.parse("2026-03-05T10:00:00.000Z"), "o-2"],
    });
    assert.deepEqual(
      page2.body.hits.hits.map((h) => h._id),
      ["o-3"],
    );
    assert.equal(page2.body.hits.total.value, 3);
  });

  it("refuses query types it does not implement with a 400, rather than guessing", async () => {
    const response = await search({ query: { query_string: { query: "status:PAID" } } });
    assert.equal(response.status, 400);
    assert.equal(response.body.error?.type, "parsing_exception");
  });
});
