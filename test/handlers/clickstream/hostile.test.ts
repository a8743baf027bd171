// Attacks on the ClickstreamProcessor, each as a hostile producer or a misbehaving service
// would make it: poison records that used to throw the whole batch, bytes that used to be
// decoded leniently, resends that used to duplicate the quarantine, and Firehose replies that
// used to be believed. Every record must end in exactly one of lake, quarantine or a reported
// batch-item failure.
import { strict as assert } from "node:assert";
import { processClickstreamBatch, type ClickstreamProcessorDeps } from "../../../handlers/clickstream/process-batch";
import type { QuarantineDocument } from "../../../handlers/clickstream/quarantine-sink";
import { pageView, productView, syntheticStreamEvent } from "../../../testing/clickstream-events";
import {
  FakeFirehose,
  FakeS3,
  instantRetryPolicy,
  silentLogger,
  type FirehoseReply,
} from "../../../testing/clickstream-fakes";

const arrival = Date.UTC(2025, 2, 1, 11, 0, 1);

function deps(firehose: FakeFirehose, s3: FakeS3 = new FakeS3()): ClickstreamProcessorDeps {
  return {
    firehose: { client: firehose, deliveryStreamName: "lake" },
    quarantine: { client: s3, bucket: "lake", prefix: "quarantine/" },
    logger: silentLogger(),
    retry: instantRetryPolicy(),
    now: () => new Date(arrival + 5000),
  };
}

const quarantineOf = (s3: FakeS3) =>
  [...s3.objects.entries()].map(([key, body]) => ({ key, document: JSON.parse(body) as QuarantineDocument }));

describe("ClickstreamProcessor under attack", () => {
  it("attack: a record holding a JSON array nested 10,000 deep is quarantined; the valid events beside it reach the lake", async () => {
    const deep = "[".repeat(10_000) + "]".repeat(10_000);
    const event = syntheticStreamEvent(
      [JSON.stringify(pageView("p1", "s")), deep, JSON.stringify(productView("p2", "s"))],
      arrival,
    );
    const firehose = new FakeFirehose();
    const s3 = new FakeS3();

    const { response, counts } = await processClickstreamBatch(event, deps(firehose, s3));

    assert.deepEqual(response, { batchItemFailures: [] });
    assert.deepEqual(
      firehose.lakeEvents().map((e) => e.eventId),
      ["p1", "p2"],
    );
    const [quarantined] = quarantineOf(s3);
    assert.equal(quarantined.document.entries.length, 1);
    assert.equal(quarantined.document.entries[0].sequenceNumber, event.Records[1].kinesis.sequenceNumber);
    assert.match(quarantined.document.entries[0].reasons[0].message, /nested 10000 levels deep/);
    assert.equal(quarantined.document.entries[0].data, deep, "the record is kept as it arrived");
    assert.equal(counts.EventsQuarantined, 1);
  });

  // Athena reads the lake with the OpenX JSON SerDe, case-insensitive: it lowercases every key
  // as it parses a line, and two keys that then collide make the line "not a valid JSON Object
  // - JSONException: Duplicate key" (Athena's OpenX JSON SerDe page, case.insensitive). With
  // ignore.malformed.json FALSE that fails every query over the line's day, the reports too.
  it("attack: property keys that differ only in case are quarantined, naming both; the events beside them reach the lake", async () => {
    const event = syntheticStreamEvent(
      [
        JSON.stringify(pageView("p1", "s")),
        // One the processor's fast check sees (a plain page view), one only the schema does.
        JSON.stringify(pageView("c1", "s", { properties: { Color: "red", color: "blue" } })),
        JSON.stringify(productView("c2", "s", { properties: { size: "L", note: "x", SIZE: "M" } })),
        JSON.stringify(productView("p2", "s", { properties: { Colour: "red", color: "blue" } })),
      ],
      arrival,
    );
    const firehose = new FakeFirehose();
    const s3 = new FakeS3();

    const { response } = await processClickstreamBatch(event, deps(firehose, s3));

    assert.deepEqual(response, { batchItemFailures: [] });
    assert.deepEqual(
      firehose.lakeEvents().map((e) => e.eventId),
      ["p1", "p2"],
    );
    const entries = quarantineOf(s3).flatMap((q) => q.document.entries);
    assert.deepEqual(
      entries.map((e) => e.sequenceNumber),
      [event.Records[1], event.Records[2]].map((r) => r.kinesis.sequenceNumber),
    );
    assert.match(entries[0].reasons[0].message, /"Color" and "color" differ only in case/);
    assert.match(entries[1].reasons[0].message, /"size" and "SIZE" differ only in case/);
  });

  it("attack: an approximateArrivalTimestamp outside Date's range quarantines that record only", async () => {
    const event = syntheticStreamEvent(
      [JSON.stringify(pageView("a1", "s")), JSON.stringify(pageView("a2", "s")), JSON.stringify(pageView("a3", "s"))],
      arrival,
    );
    event.Records[1].kinesis.approximateArrivalTimestamp = 8.64e15; // seconds: far beyond Date's ±8.64e15 ms
    event.Records[2].kinesis.approximateArrivalTimestamp = Number.NaN;
    const firehose = new FakeFirehose();
    const s3 = new FakeS3();

    const { response } = await processClickstreamBatch(event, deps(firehose, s3));

    assert.deepEqual(response, { batchItemFailures: [] });
    assert.deepEqual(
      firehose.lakeEvents().map((e) => e.eventId),
      ["a1"],
    );
    const entries = quarantineOf(s3).flatMap((q) => q.document.entries);
    assert.deepEqual(
      entries.map((e) => e.sequenceNumber).sort(),
      [event.Records[1], event.Records[2]].map((r) => r.kinesis.sequenceNumber).sort(),
    );
    for (const entry of entries) {
      assert.equal(entry.receivedAt, undefined);
      assert.match(entry.reasons[0].message, /approximateArrivalTimestamp is not an instant/);
    }
    for (const { key } of quarantineOf(s3))
      assert.match(key, /^quarantine\/dt=2025-03-01\//, "dated by the processing day");
  });

  it("attack: base64 garbage in the Lambda event is quarantined exactly as it arrived, not decoded leniently", async () => {
    const event = syntheticStreamEvent([JSON.stringify(pageView("b1", "s")), "x", "y"], arrival);
    const valid = Buffer.from(JSON.stringify(pageView("b2", "s"))).toString("base64");
    // Garbage that a lenient decoder silently skips, turning it into the valid event "b2".
    event.Records[1].kinesis.data = `${valid.slice(0, 8)}*!*${valid.slice(8)}`;
    event.Records[2].kinesis.data = "not base64 at all; ünïcode ✓";
    const firehose = new FakeFirehose();
    const s3 = new FakeS3();

    await processClickstreamBatch(event, deps(firehose, s3));

    assert.deepEqual(
      firehose.lakeEvents().map((e) => e.eventId),
      ["b1"],
      "the garbage is not read as an event",
    );
    const entries = quarantineOf(s3)
      .flatMap((q) => q.document.entries)
      .sort((a, b) => a.sequenceNumber.localeCompare(b.sequenceNumber));
    assert.deepEqual(
      entries.map((e) => [e.data, e.dataEncoding, e.reasons[0].message]),
      [
        [event.Records[1].kinesis.data, "received", "record data is not valid base64"],
        [event.Records[2].kinesis.data, "received", "record data is not valid base64"],
      ],
    );
  });

  it("attack: a resend after a partial failure overwrites the quarantine objects of the records it repeats, never adds", async () => {
    const data = [
      JSON.stringify(pageView("r0", "s")),
      "not json 1",
      JSON.stringify(pageView("r2", "s")),
      "not json 3",
      JSON.stringify({ eventType: "nope" }),
      JSON.stringify(pageView("r5", "s")),
    ];
    const event = syntheticStreamEvent(data, arrival);
    const s3 = new FakeS3();
    // Firehose refuses r2 every time: Kinesis resends from record 2.
    const failing = new FakeFirehose((_call, records) => ({
      kind: "partial",
      failedPositions: records.map((r, i) => (r.toString().includes('"r2"') ? i : -1)).filter((i) => i >= 0),
    }));
    const first = await processClickstreamBatch(event, deps(failing, s3));
    const checkpoint = event.Records.findIndex(
      (r) => r.kinesis.sequenceNumber === first.response.batchItemFailures[0]?.itemIdentifier,
    );
    assert.equal(checkpoint, 2);
    const keysAfterFirst = [...s3.objects.keys()].sort();
    assert.equal(keysAfterFirst.length, 3, "one object per quarantined record");

    // The resend: the same records from the checkpoint on, now delivered.
    const resend = { Records: event.Records.slice(checkpoint) };
    const second = await processClickstreamBatch(resend, deps(new FakeFirehose(), s3));
    assert.deepEqual(second.response, { batchItemFailures: [] });
    assert.deepEqual([...s3.objects.keys()].sort(), keysAfterFirst, "the resend rewrote the same objects");
    const entries = quarantineOf(s3).flatMap((q) =>
      q.document.entries.map((e) => `${e.sequenceNumber}/${e.position ?? "-"}`),
    );
    assert.equal(new Set(entries).size, entries.length, "no record twice in the quarantine");
    assert.equal(entries.length, 3);
  });

  for (const [what, reply] of [
    ["FailedPutCount 0 while entries carry an ErrorCode", { kind: "count-lies", failedPositions: [1, 3] }],
    ["fewer RequestResponses than records", { kind: "truncated", entries: 2 }],
  ] as [string, FirehoseReply][]) {
    it(`attack: Firehose answering ${what} — the entries are trusted, the undelivered ones resent`, async () => {
      const events = Array.from({ length: 5 }, (_, i) => pageView(`f${i}`, "s"));
      const event = syntheticStreamEvent(
        events.map((e) => JSON.stringify(e)),
        arrival,
      );
      const firehose = new FakeFirehose((call) => (call === 0 ? reply : { kind: "ok" }));

      const { response, counts } = await processClickstreamBatch(event, deps(firehose));

      assert.deepEqual(response, { batchItemFailures: [] });
      assert.equal(firehose.calls.length, 2, "one resend");
      assert.equal(
        firehose.calls[1].records.length,
        reply.kind === "truncated" ? 3 : 2,
        "only the undelivered records are resent",
      );
      assert.deepEqual(
        firehose
          .lakeEvents()
          .map((e) => e.eventId)
          .sort(),
        events.map((e) => e.eventId).sort(),
        "every event reached the lake once",
      );
      assert.equal(counts.EventsToFirehose, 5);
    });
  }
});
