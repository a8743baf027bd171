// Property: over random stream batches (inserts, modifies, removes, malformed records and
// images) and random `_bulk` replies (item statuses 2xx/409/429/5xx, mapping and transient
// 400s, blocks, replies for other ids, with fewer or more items, bodies that are not JSON,
// failed requests) and a dead-letter queue that sometimes refuses, delivered again from the
// checkpoint as the event source mapping does: every record ends exactly once applied (or
// superseded) in the index or in the dead-letter queue, none is dead-lettered twice, and the
// indexer never throws.
import * as assert from "node:assert/strict";
import type { DynamoDBRecord } from "aws-lambda";
import fc from "fast-check";
import { Logger } from "@aws-lambda-powertools/logger";
import type { DeadLetterSink } from "../../../handlers/search-indexer/dead-letter";
import { createSearchIndexer } from "../../../handlers/search-indexer/indexer";
import type { DeadLetterReason } from "../../../handlers/search-indexer/stream-record";
import {
  insertRecord,
  modifyRecord,
  nextSequenceNumber,
  order,
  removeRecord,
  streamEvent,
} from "../../../testing/opensearch-order-records";
import { ScriptedBulkClient, type BulkReply, type ItemAnswer } from "../../../testing/scripted-bulk-client";

type RecordKind = "insert" | "modify" | "modify-same-version" | "remove" | "malformed" | "no-image";

const itemAnswer: fc.Arbitrary<ItemAnswer> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<ItemAnswer>({ status: 201 }, { status: 200 }) },
  { weight: 1, arbitrary: fc.constant<ItemAnswer>({ status: 409 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<ItemAnswer>(
      { status: 429, errorType: "es_rejected_execution_exception" },
      { status: 503, errorType: "unavailable_shards_exception" },
      { status: 500, errorType: "exception" },
      { status: 400, errorType: "mapper_parsing_exception" },
      { status: 400, errorType: "index_closed_exception" },
      { status: 400, errorType: "cluster_block_exception" },
      { status: 403, errorType: "cluster_block_exception" },
      { status: 404, errorType: "index_not_found_exception" },
    ),
  },
);

const bulkReply: fc.Arbitrary<BulkReply> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(itemAnswer, { minLength: 1, maxLength: 12 })
      .map((answers): BulkReply => ({ kind: "items", answer: (_l, i) => answers[i % answers.length] })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<BulkReply>(
      { kind: "other-ids" },
      { kind: "fewer-items" },
      { kind: "extra-items" },
      { kind: "not-json" },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<BulkReply>(
      { kind: "request-fails", status: 503 },
      { kind: "request-fails", status: 429 },
      { kind: "request-fails", status: 403 },
      { kind: "request-fails", status: 0 },
    ),
  },
);

const scenario = fc.record({
  kinds: fc.array(
    fc.constantFrom<RecordKind>("insert", "insert", "modify", "modify-same-version", "remove", "malformed", "no-image"),
    { minLength: 1, maxLength: 25 },
  ),
  replies: fc.array(bulkReply, { maxLength: 10 }),
  deadLetterFailures: fc.array(fc.boolean(), { maxLength: 10 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

/** One record per order id, so the index's answer for an id is the answer for its record. */
function recordOf(kind: RecordKind, i: number): DynamoDBRecord {
  const orderId = `order-${i}`;
  switch (kind) {
    case "insert":
      return insertRecord(order({ orderId }));
    case "modify":
      return modifyRecord(order({ orderId, version: 2 }), order({ orderId, version: 3, status: "PAID" }));
    case "modify-same-version":
      return modifyRecord(order({ orderId, version: 2 }), order({ orderId, version: 2, status: "PAID" }));
    case "remove":
      return removeRecord(order({ orderId, version: 4 }));
    case "no-image":
      return {
        ...insertRecord(order({ orderId })),
        dynamodb: {
          Keys: { orderId: { S: orderId } },
          SequenceNumber: nextSequenceNumber(),
          StreamViewType: "KEYS_ONLY",
        },
      };
    case "malformed":
      return {
        eventName: "INSERT",
        dynamodb: { SequenceNumber: nextSequenceNumber(), NewImage: { orderId: { Q: "?" } } },
      } as unknown as DynamoDBRecord;
  }
}

class FlakyDeadLetters implements DeadLetterSink {
  readonly sent: string[] = [];
  private calls = 0;
  constructor(
    private readonly failures: boolean[],
    private readonly healed: () => boolean,
  ) {}
  async send(record: unknown, _reason: DeadLetterReason): Promise<void> {
    const fails = !this.healed() && (this.failures[this.calls++ % Math.max(1, this.failures.length)] ?? false);
    if (fails) throw Object.assign(new Error("Service Unavailable"), { name: "ServiceUnavailable" });
    this.sent.push((record as DynamoDBRecord).dynamodb!.SequenceNumber!);
  }
}

async function check(s: Scenario) {
  const records = s.kinds.map(recordOf);
  let round = 0;
  const healed = () => round >= 3;
  const client = new ScriptedBulkClient((call) =>
    healed()
      ? { kind: "items", answer: () => ({ status: 201 }) }
      : (s.replies[call % Math.max(1, s.replies.length)] ?? { kind: "items", answer: () => ({ status: 201 }) }),
  );
  const deadLetters = new FlakyDeadLetters(s.deadLetterFailures, healed);
  const index = createSearchIndexer({
    client: client.asClient(),
    bootstrap: { ensure: async () => {} },
    deadLetters,
    logger: new Logger({ logLevel: "SILENT" }),
    metrics: { addMetric: () => {} },
    bulk: { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 }, sleep: async () => {}, random: () => 0 },
  });

  let pending = records;
  for (; pending.length > 0; round++) {
    assert.ok(round < 8, "the batch settles once the index and the queue heal");
    const response = await index(streamEvent(...pending));
    const first = response.batchItemFailures[0]?.itemIdentifier;
    if (first === undefined) break;
    const from = pending.findIndex((r) => r.dynamodb?.SequenceNumber === first);
    assert.ok(from >= 0, "the reported item is one of the batch's records");
    pending = pending.slice(from);
  }

  assert.equal(new Set(deadLetters.sent).size, deadLetters.sent.length, "no record is dead-lettered twice");
  const deadLettered = new Set(deadLetters.sent);
  records.forEach((record, i) => {
    const inIndex = client.settled.has(`order-${i}`);
    const inQueue = deadLettered.has(record.dynamodb!.SequenceNumber!);
    assert.ok(
      inIndex !== inQueue,
      `record ${i} (${s.kinds[i]}) is in exactly one place: index ${inIndex}, dead-letter queue ${inQueue}`,
    );
  });
}

describe("SearchIndexer properties", () => {
  it("random batches, bulk replies and queue failures, redelivered from the checkpoint: every record once in the index or the dead-letter queue", async () => {
    await fc.assert(fc.asyncProperty(scenario, check), { numRuns: 200 });
  });
});
