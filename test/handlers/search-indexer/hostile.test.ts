// Attacks on the SearchIndexer through the replies it trusts: a `_bulk` reply that does not
// answer the request, a transient 400 dressed like a rejection, and a replayed rejected
// record. Every record must end applied, dead-lettered once, or reported for the resend.
import * as assert from "node:assert/strict";
import type { DynamoDBRecord } from "aws-lambda";
import { Logger } from "@aws-lambda-powertools/logger";
import type { DeadLetterSink } from "../../../handlers/search-indexer/dead-letter";
import { createSearchIndexer } from "../../../handlers/search-indexer/indexer";
import type { DeadLetterReason } from "../../../handlers/search-indexer/stream-record";
import { insertRecord, order, streamEvent } from "../../../testing/opensearch-order-records";
import { ScriptedBulkClient, type BulkReply } from "../../../testing/scripted-bulk-client";

class MemoryDeadLetters implements DeadLetterSink {
  readonly sent: { sequenceNumber?: string; reason: DeadLetterReason }[] = [];
  async send(record: unknown, reason: DeadLetterReason): Promise<void> {
    this.sent.push({ sequenceNumber: (record as DynamoDBRecord).dynamodb?.SequenceNumber, reason });
  }
}

function indexer(client: ScriptedBulkClient, deadLetters: DeadLetterSink) {
  return createSearchIndexer({
    client: client.asClient(),
    bootstrap: { ensure: async () => {} },
    deadLetters,
    logger: new Logger({ logLevel: "SILENT" }),
    metrics: { addMetric: () => {} },
    bulk: { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 }, sleep: async () => {}, random: () => 0 },
  });
}

const records = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => insertRecord(order({ orderId: `${prefix}-${i}` })));
const sequenceNumbers = (list: DynamoDBRecord[]) => list.map((r) => r.dynamodb!.SequenceNumber!);

describe("SearchIndexer under attack", () => {
  for (const [what, reply] of [
    ["items for other ids", { kind: "other-ids" }],
    ["more items than actions (positions shifted)", { kind: "extra-items" }],
    ["fewer items than actions", { kind: "fewer-items" }],
    ["a body that is not JSON", { kind: "not-json" }],
  ] as [string, BulkReply][]) {
    it(`attack: a _bulk reply with ${what} is a failure of those records, never a success`, async () => {
      const batch = records(3, "mismatch");
      const client = new ScriptedBulkClient(() => reply);
      const deadLetters = new MemoryDeadLetters();
      const response = await indexer(client, deadLetters)(streamEvent(...batch));
      assert.deepEqual(
        response.batchItemFailures.map((f) => f.itemIdentifier),
        sequenceNumbers(batch),
        "every record is reported for the resend",
      );
      assert.equal(client.requests.length, 3, "retried up to the bound");
      assert.equal(deadLetters.sent.length, 0);
    });
  }

  for (const errorType of ["index_closed_exception", "cluster_block_exception"]) {
    it(`attack: an item answered 400 ${errorType} is retried, then reported, never dead-lettered`, async () => {
      const batch = records(2, errorType);
      const client = new ScriptedBulkClient((call) => ({
        kind: "items",
        answer: (line) => (line.id.endsWith("-0") && call === 0 ? { status: 400, errorType } : { status: 201 }),
      }));
      const deadLetters = new MemoryDeadLetters();
      const healed = await indexer(client, deadLetters)(streamEvent(...batch));
      assert.deepEqual(healed, { batchItemFailures: [] }, "the retry got through once the index reopened");
      assert.equal(client.requests.length, 2);

      const stuck = new ScriptedBulkClient(() => ({ kind: "items", answer: () => ({ status: 400, errorType }) }));
      const response = await indexer(stuck, deadLetters)(streamEvent(...batch));
      assert.deepEqual(
        response.batchItemFailures.map((f) => f.itemIdentifier),
        sequenceNumbers(batch),
      );
      assert.equal(deadLetters.sent.length, 0, "a transient 400 is not a reason to give a record up");
    });
  }

  it("a 400 mapper_parsing_exception is still dead-lettered at once (a permanent rejection)", async () => {
    const batch = records(1, "mapping");
    const client = new ScriptedBulkClient(() => ({
      kind: "items",
      answer: () => ({ status: 400, errorType: "mapper_parsing_exception" }),
    }));
    const deadLetters = new MemoryDeadLetters();
    assert.deepEqual(await indexer(client, deadLetters)(streamEvent(...batch)), { batchItemFailures: [] });
    assert.equal(client.requests.length, 1);
    assert.deepEqual(
      deadLetters.sent.map((d) => d.reason.code),
      ["mapping-rejected"],
    );
  });

  it("attack: a rejected record behind a failing one is dead-lettered once, however often the stream redelivers it", async () => {
    // Record 0 keeps failing (503) for two deliveries; record 1 is refused by the mapping every time.
    const batch = records(3, "replay");
    let deliveriesFailing = 2;
    const client = new ScriptedBulkClient(() => ({
      kind: "items",
      answer: (line) => {
        if (line.id === "replay-1") return { status: 400, errorType: "mapper_parsing_exception" };
        if (line.id === "replay-0" && deliveriesFailing > 0)
          return { status: 503, errorType: "unavailable_shards_exception" };
        return { status: 201 };
      },
    }));
    const deadLetters = new MemoryDeadLetters();
    const index = indexer(client, deadLetters);
    let pending = batch;
    for (let delivery = 0; delivery < 5 && pending.length > 0; delivery++) {
      const response = await index(streamEvent(...pending));
      deliveriesFailing--;
      const first = response.batchItemFailures[0]?.itemIdentifier;
      // As the event source mapping does: resend from the lowest reported record on.
      pending =
        first === undefined ? [] : pending.slice(pending.findIndex((r) => r.dynamodb!.SequenceNumber === first));
    }
    assert.equal(pending.length, 0, "everything settled");
    assert.deepEqual(
      deadLetters.sent.map((d) => d.sequenceNumber),
      [batch[1].dynamodb!.SequenceNumber],
      "one dead letter for the rejected record",
    );
  });
});
