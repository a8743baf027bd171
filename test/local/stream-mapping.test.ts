// The local event source mapping behaves as the StreamConsumer configures Lambda's: checkpoint at
// the lowest reported failure, bisect on function errors, bounded retries and record age, and
// every record given up on described in the on-failure destination; nothing is skipped silently.
import * as assert from "node:assert/strict";
import { processBatch, type MappingSettings, type SourceRecord } from "../../local/streams/batches";
import { invocationRecord } from "../../local/streams/on-failure";
import type { InvokeResult } from "../../local/lambda/pool";

const settings: MappingSettings = {
  batchSize: 10,
  batchWindowSeconds: 0,
  maximumRetryAttempts: 2,
  maximumRecordAgeSeconds: 3600,
  bisectBatchOnFunctionError: true,
  reportBatchItemFailures: true,
};
const records = (n: number, arrivalMs = Date.now()): SourceRecord[] =>
  Array.from({ length: n }, (_, i) => ({ sequenceNumber: String(100 + i), arrivalMs, eventRecord: { id: i } }));

function recorder(answer: (batch: SourceRecord[], call: number) => InvokeResult) {
  const calls: string[][] = [];
  const givenUp: { sequenceNumbers: string[]; condition: string; attempts: number }[] = [];
  return {
    calls,
    givenUp,
    handlers: {
      invoke: async (batch: SourceRecord[]) => {
        calls.push(batch.map((r) => r.sequenceNumber));
        return answer(batch, calls.length);
      },
      giveUp: async (batch: SourceRecord[], condition: string, attempts: number) => {
        givenUp.push({ sequenceNumbers: batch.map((r) => r.sequenceNumber), condition, attempts });
      },
    },
  };
}

describe("local: event source mapping semantics", () => {
  it("retries from the lowest reported failure, keeping what succeeded before it", async () => {
    const r = recorder((_batch, call) => ({
      result:
        call === 1
          ? { batchItemFailures: [{ itemIdentifier: "104" }, { itemIdentifier: "102" }] }
          : { batchItemFailures: [] },
    }));
    await processBatch(records(5), settings, r.handlers);
    assert.deepEqual(r.calls, [
      ["100", "101", "102", "103", "104"],
      ["102", "103", "104"],
    ]);
    assert.deepEqual(r.givenUp, []);
  });

  it("treats an unknown itemIdentifier as a failure of the whole batch", async () => {
    const r = recorder((_, call) => ({
      result: call === 1 ? { batchItemFailures: [{ itemIdentifier: "nope" }] } : {},
    }));
    await processBatch(records(3), settings, r.handlers);
    assert.deepEqual(r.calls, [
      ["100", "101", "102"],
      ["100", "101", "102"],
    ]);
  });

  it("bisects a batch on a function error until the poison record is alone, then gives it up after the retries", async () => {
    const r = recorder((batch) =>
      batch.some((x) => x.sequenceNumber === "102")
        ? { error: { errorType: "Error", errorMessage: "poison" } }
        : { result: null },
    );
    await processBatch(records(4), settings, r.handlers);
    assert.deepEqual(r.givenUp, [{ sequenceNumbers: ["102"], condition: "RetryAttemptsExhausted", attempts: 3 }]);
    const processed = new Set(r.calls.filter((c) => !c.includes("102")).flat());
    assert.deepEqual([...processed].sort(), ["100", "101", "103"], "every other record was processed");
    assert.ok(r.calls.length <= 7, `bounded attempts: ${JSON.stringify(r.calls)}`);
  });

  it("gives up records older than maximumRecordAgeInSeconds without invoking the function on them", async () => {
    const r = recorder(() => ({ result: null }));
    const old = records(2, Date.now() - 2 * 3600_000);
    const fresh = records(1).map((x) => ({ ...x, sequenceNumber: "200" }));
    await processBatch([...old, ...fresh], settings, r.handlers);
    assert.deepEqual(r.givenUp, [{ sequenceNumbers: ["100", "101"], condition: "RecordAgeExceeded", attempts: 0 }]);
    assert.deepEqual(r.calls, [["200"]]);
  });

  it("describes given-up records by position in the on-failure message, as Lambda documents", () => {
    const message = invocationRecord(
      {
        client: undefined as never,
        queueUrl: "",
        functionArn: "arn:aws:lambda:eu-west-1:123456789012:function:f",
        sourceArn: "arn:aws:kinesis:eu-west-1:123456789012:stream/s",
        kind: "kinesis",
      },
      "shardId-000000000001",
      records(3),
      "RetryAttemptsExhausted",
      3,
      { error: { errorType: "Error", errorMessage: "x" } },
    ) as any;
    assert.equal(message.requestContext.condition, "RetryAttemptsExhausted");
    assert.equal(message.requestContext.approximateInvokeCount, 3);
    assert.equal(message.responseContext.functionError, "Unhandled");
    assert.deepEqual(
      {
        shardId: message.KinesisBatchInfo.shardId,
        start: message.KinesisBatchInfo.startSequenceNumber,
        end: message.KinesisBatchInfo.endSequenceNumber,
        size: message.KinesisBatchInfo.batchSize,
      },
      { shardId: "shardId-000000000001", start: "100", end: "102", size: 3 },
    );
  });
});
