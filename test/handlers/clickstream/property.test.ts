// Property: over random and malformed batches — random bytes, base64 garbage, arrival times no
// Date holds, JSON deep, wide, with huge keys and odd unicode — and random sink behaviour
// (partial Firehose failures, replies whose FailedPutCount lies or that miss entries,
// throttling, 5xx, invalid input, a failing quarantine), every input event ends in exactly one
// of the lake, the quarantine, or a record Kinesis resends (at or after the reported sequence
// number); nothing throws; no call breaks the Personalize or Firehose limits; and resending
// from the checkpoint until nothing fails never puts a record in the quarantine twice.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { maxFirehoseBytesPerCall, maxFirehoseRecordsPerCall } from "../../../handlers/clickstream/firehose-sink";
import { maxPersonalizeEventsPerCall } from "../../../handlers/clickstream/personalize-sink";
import type { KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import { jsonDepth, maxJsonDepth } from "../../../handlers/clickstream/decode-record";
import { processClickstreamBatch } from "../../../handlers/clickstream/process-batch";
import type { QuarantineDocument } from "../../../handlers/clickstream/quarantine-sink";
import { validateEvent } from "../../../handlers/clickstream/validate-event";
import { clickstreamEventTypes, productEventTypes } from "../../../handlers/shared/clickstream-event";
import { syntheticStreamEvent } from "../../../testing/clickstream-events";
import {
  FakeFirehose,
  FakePersonalize,
  FakeS3,
  instantRetryPolicy,
  silentLogger,
  type FirehoseReply,
  type PersonalizeReply,
} from "../../../testing/clickstream-fakes";

const productTypes: readonly string[] = productEventTypes;

/** Unicode a browser can send: astral characters, combining marks, lone surrogates, controls, RTL. */
const oddString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom("\uD800", "x\uDFFF", "e\u0301", "\u202Eabc", "\u0000", "😀".repeat(3), "\uFEFF"),
);
const oddKey = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: oddString },
  { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "", "k".repeat(65), "k".repeat(5000)) },
);

const validEvent = fc
  .record(
    {
      eventId: fc.integer({ min: 0, max: 40 }).map((i) => `e${i}`), // small pool: duplicates happen
      eventType: fc.constantFrom(...clickstreamEventTypes),
      sessionId: fc.constantFrom("s1", "s2", "s3", "s4"),
      userId: fc.constantFrom("u1", "u2"),
      itemId: fc.constantFrom("KIT-MUG-1", "GARDEN-HOSE-25"),
      // Around the batch's arrival (2025-03-01T11:00:01Z): mostly inside the allowed window, some outside.
      timestamp: fc.oneof(
        fc.integer({ min: Date.UTC(2025, 1, 20), max: Date.UTC(2025, 2, 1, 11, 30) }),
        fc.constant("2025-03-01T12:00:00+01:00"),
        fc.constantFrom(8.64e15, Date.UTC(9999, 11, 31), "9999-12-31T23:59:59-14:00"),
      ),
      properties: fc.dictionary(oddKey, fc.oneof(oddString, fc.integer(), fc.boolean(), fc.constant(null)), {
        maxKeys: 3,
      }),
    },
    { requiredKeys: ["eventId", "eventType", "sessionId", "timestamp"] },
  )
  .map((e) => (productTypes.includes(e.eventType) && e.itemId === undefined ? { ...e, itemId: "KIT-MUG-1" } : e));

const invalidEvent = fc.oneof(
  validEvent.map(({ eventId: _dropped, ...rest }) => rest),
  validEvent.map((e) => ({ ...e, eventType: "click" })),
  validEvent.map((e) => ({ ...e, timestamp: 12345 })),
  validEvent.map((e) => ({ ...e, unexpected: true })),
  // Valid by the schema, but over 10 KB once normalised.
  validEvent.map((e) => ({ ...e, page: { url: "\u0001".repeat(2048), referrer: "€".repeat(2048) } })),
  fc.jsonValue({ maxDepth: 2 }),
  // Wide: more keys than allowed.
  validEvent.map((e) => ({ ...e, properties: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i])) })),
  // Ids outside the documented character set.
  validEvent.map((e) => ({ ...e, sessionId: "😀".repeat(130) })),
);

/** JSON nested `depth` levels of arrays or objects, written without recursion. */
const deepJson = fc
  .record({ depth: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constant(10_000)), objects: fc.boolean() })
  .map(({ depth, objects }) =>
    objects ? `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}` : "[".repeat(depth) + "]".repeat(depth),
  );

const eventLike = fc.oneof({ weight: 4, arbitrary: validEvent }, { weight: 1, arbitrary: invalidEvent });

const recordData: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 8, arbitrary: eventLike.map((e) => JSON.stringify(e)) },
  { weight: 2, arbitrary: fc.array(eventLike, { minLength: 0, maxLength: 5 }).map((a) => JSON.stringify(a)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 30 }) },
  { weight: 1, arbitrary: deepJson },
);

/** What can happen to a record on the way: nothing, base64 garbage, or an arrival time no Date can hold. */
type Mutation = "none" | "base64-garbage" | "arrival-out-of-range" | "arrival-nan";
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Mutation>("none") },
  { weight: 1, arbitrary: fc.constantFrom<Mutation>("base64-garbage", "arrival-out-of-range", "arrival-nan") },
);

const firehoseReply: fc.Arbitrary<FirehoseReply> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: "ok" as const }) },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.nat({ max: 40 }), { maxLength: 8 })
      .map((failedPositions) => ({ kind: "partial" as const, failedPositions })),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.nat({ max: 40 }), { maxLength: 8 })
      .map((failedPositions) => ({ kind: "count-lies" as const, failedPositions })),
  },
  { weight: 1, arbitrary: fc.nat({ max: 40 }).map((entries) => ({ kind: "truncated" as const, entries })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<FirehoseReply>(
      { kind: "throttled" },
      { kind: "server-error" },
      { kind: "invalid-argument" },
    ),
  },
);

const personalizeReply: fc.Arbitrary<PersonalizeReply> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: "ok" as const }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<PersonalizeReply>(
      { kind: "throttled" },
      { kind: "server-error" },
      { kind: "invalid-input" },
      { kind: "not-found" },
    ),
  },
);

const scenario = (records: fc.Arbitrary<(string | Uint8Array)[]>) =>
  fc.record({
    records,
    mutations: fc.array(mutation, { maxLength: 40 }),
    firehoseReplies: fc.array(firehoseReply, { maxLength: 12 }),
    personalizeReplies: fc.array(personalizeReply, { maxLength: 12 }),
    personalizeEnabled: fc.boolean(),
    quarantineFails: fc.boolean(),
  });

type Scenario = typeof scenario extends (...args: never[]) => fc.Arbitrary<infer S> ? S : never;

/** The Lambda event for a scenario: its records, with the mutations applied. */
function eventOf(s: Scenario): KinesisStreamEvent {
  const event = syntheticStreamEvent(s.records);
  event.Records.forEach((record, i) => {
    const m = s.mutations[i] ?? "none";
    if (m === "base64-garbage") record.kinesis.data = `*${record.kinesis.data}`;
    if (m === "arrival-out-of-range") record.kinesis.approximateArrivalTimestamp = 1e20;
    if (m === "arrival-nan") record.kinesis.approximateArrivalTimestamp = Number.NaN;
  });
  return event;
}

const strictBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * What the test believes a record holds: its events (`array` when it is a non-empty array of
 * them), or one symbol when it holds none readable. Decided from the rules, not the decoder.
 */
function unitsOf(record: KinesisStreamRecord): { units: unknown[]; array: boolean } {
  const none = (why: string) => ({ units: [Symbol(why)], array: false });
  if (!strictBase64.test(record.kinesis.data)) return none("not base64");
  const bytes = Buffer.from(record.kinesis.data, "base64");
  const text = bytes.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(bytes)) return none("not utf-8");
  if (Number.isNaN(arrivalOf(record).getTime())) return none("no arrival time");
  if (jsonDepth(text) > maxJsonDepth) return none("too deep");
  try {
    const value = JSON.parse(text);
    if (!Array.isArray(value)) return { units: [value], array: false };
    return value.length > 0 ? { units: value, array: true } : none("empty array");
  } catch {
    return none("not json");
  }
}

const arrivalOf = (record: KinesisStreamRecord) =>
  new Date(Math.round(record.kinesis.approximateArrivalTimestamp * 1000));
const unitKey = (record: KinesisStreamRecord, array: boolean, position: number) =>
  `${record.kinesis.sequenceNumber}/${array ? position : "-"}`;

async function checkScenario(s: Scenario) {
  const event = eventOf(s);
  const firehose = new FakeFirehose(
    (call) => s.firehoseReplies[call % Math.max(1, s.firehoseReplies.length)] ?? { kind: "ok" },
  );
  const personalize = new FakePersonalize(
    (call) => s.personalizeReplies[call % Math.max(1, s.personalizeReplies.length)] ?? { kind: "ok" },
  );
  const s3 = new FakeS3(() => s.quarantineFails);
  const personalizeReplies: { eventIds: string[]; reply: PersonalizeReply }[] = [];
  const recordingPersonalize = {
    send: async (command: Parameters<FakePersonalize["send"]>[0]) => {
      const eventIds = command.input.eventList!.map((e) => e.eventId!);
      try {
        const out = await personalize.send(command);
        personalizeReplies.push({ eventIds, reply: { kind: "ok" } });
        return out;
      } catch (error) {
        personalizeReplies.push({
          eventIds,
          reply: { kind: (error as Error).name === "InvalidInputException" ? "invalid-input" : "throttled" },
        });
        throw error;
      }
    },
  };

  const { response } = await processClickstreamBatch(event, {
    firehose: { client: firehose, deliveryStreamName: "lake" },
    personalize: s.personalizeEnabled ? { client: recordingPersonalize, trackingId: "t", concurrency: 3 } : undefined,
    quarantine: { client: s3, bucket: "lake", prefix: "quarantine/" },
    logger: silentLogger(),
    retry: instantRetryPolicy(),
  });

  // The checkpoint: Kinesis resends every record from the lowest reported one.
  assert.ok(response.batchItemFailures.length <= 1);
  const sequenceNumbers = event.Records.map((r) => r.kinesis.sequenceNumber);
  const reported = response.batchItemFailures[0]?.itemIdentifier;
  const checkpoint = reported === undefined ? event.Records.length : sequenceNumbers.indexOf(reported);
  assert.ok(checkpoint >= 0, "the reported sequence number is one of the batch's records");

  const lake = firehose.lakeEvents();
  const lakeIds = lake.map((e) => e.eventId as string);
  assert.equal(new Set(lakeIds).size, lakeIds.length, "no event reaches the lake twice");
  const quarantine = [...s3.objects.values()].flatMap((body) => (JSON.parse(body) as QuarantineDocument).entries);
  const quarantinedAt = new Map<string, number>();
  for (const entry of quarantine) {
    const key = `${entry.sequenceNumber}/${entry.position ?? "-"}`;
    quarantinedAt.set(key, (quarantinedAt.get(key) ?? 0) + 1);
  }

  // The first valid occurrence of each eventId is what the lake should hold for it.
  const firstValid = new Map<
    string,
    { record: number; json: string; sessionId: string; userId?: string; itemId?: string }
  >();
  event.Records.forEach((kinesisRecord, record) => {
    const { units, array } = unitsOf(kinesisRecord);
    units.forEach((unit, position) => {
      const validation = typeof unit === "symbol" ? undefined : validateEvent(unit, arrivalOf(kinesisRecord));
      const key = unitKey(kinesisRecord, array, position);
      const retried = record >= checkpoint;
      if (validation?.ok) {
        const id = validation.event.eventId;
        if (!firstValid.has(id)) firstValid.set(id, { record, json: validation.json, ...validation.event });
        assert.ok(!quarantinedAt.has(key), `valid event ${id} is not quarantined`);
        if (!retried) assert.ok(lakeIds.includes(id), `valid event ${id} of record ${record} reached the lake`);
      } else {
        const times = quarantinedAt.get(key) ?? 0;
        assert.ok(times <= 1, `unit ${key} is quarantined at most once`);
        if (!retried) assert.equal(times, 1, `invalid unit ${key} of record ${record} is in the quarantine`);
      }
    });
  });
  for (const line of lake) {
    const first = firstValid.get(line.eventId as string);
    assert.ok(first, `lake event ${line.eventId} comes from a valid input event`);
    assert.equal(JSON.stringify(line), first.json, "the lake holds the first occurrence, normalised");
  }

  // Limits of every call made.
  for (const call of firehose.calls) {
    assert.ok(
      call.records.length >= 1 && call.records.length <= maxFirehoseRecordsPerCall,
      `Firehose call with ${call.records.length} records`,
    );
    const bytes = call.records.reduce((n, r) => n + r.byteLength, 0);
    assert.ok(bytes <= maxFirehoseBytesPerCall, `Firehose call with ${bytes} bytes`);
  }
  if (!s.personalizeEnabled) assert.equal(personalize.calls.length, 0, "no Personalize call when it is disabled");
  for (const call of personalize.calls) {
    const events = call.eventList!;
    assert.ok(
      events.length >= 1 && events.length <= maxPersonalizeEventsPerCall,
      `Personalize call with ${events.length} events`,
    );
    for (const sent of events) {
      const origin = firstValid.get(sent.eventId!);
      assert.ok(origin && origin.itemId !== undefined, "only valid events with an itemId go to Personalize");
      assert.equal(origin.sessionId, call.sessionId, "one session per call");
      assert.equal(origin.userId, call.userId, "one user per call");
    }
  }
  // Events with an itemId before the checkpoint reached Personalize (or were refused as invalid input).
  if (s.personalizeEnabled) {
    const settled = new Set(personalizeReplies.filter((r) => r.reply.kind !== "throttled").flatMap((r) => r.eventIds));
    for (const [id, first] of firstValid) {
      if (first.itemId !== undefined && first.record < checkpoint)
        assert.ok(settled.has(id), `event ${id} reached Personalize`);
    }
  }
}

/**
 * Resends from the checkpoint, as Kinesis does, until nothing fails (the sinks heal after a few
 * rounds). Over all rounds: each invalid unit is in the quarantine exactly once, each valid
 * event reached the lake, and every quarantine object is named after its own record.
 */
async function checkResends(s: Scenario) {
  const event = eventOf(s);
  let round = 0;
  const healing =
    <T>(replies: T[], ok: T) =>
    (call: number) =>
      round >= 3 ? ok : (replies[call % Math.max(1, replies.length)] ?? ok);
  const firehose = new FakeFirehose(healing<FirehoseReply>(s.firehoseReplies, { kind: "ok" }));
  const personalize = new FakePersonalize(healing<PersonalizeReply>(s.personalizeReplies, { kind: "ok" }));
  const s3 = new FakeS3(() => round === 0 && s.quarantineFails);
  let pending = event.Records;
  for (; pending.length > 0; round++) {
    assert.ok(round < 6, "the batch settles once the sinks heal");
    const { response } = await processClickstreamBatch(
      { Records: pending },
      {
        firehose: { client: firehose, deliveryStreamName: "lake" },
        personalize: s.personalizeEnabled ? { client: personalize, trackingId: "t", concurrency: 3 } : undefined,
        quarantine: { client: s3, bucket: "lake", prefix: "quarantine/" },
        logger: silentLogger(),
        retry: instantRetryPolicy(),
      },
    );
    const reported = response.batchItemFailures[0]?.itemIdentifier;
    pending =
      reported === undefined ? [] : pending.slice(pending.findIndex((r) => r.kinesis.sequenceNumber === reported));
  }

  const entries = [...s3.objects.entries()].flatMap(([key, body]) => {
    const document = JSON.parse(body) as QuarantineDocument;
    for (const entry of document.entries)
      assert.ok(key.endsWith(`/${entry.sequenceNumber}.json`), `${key} holds only its own record`);
    return document.entries.map((e) => `${e.sequenceNumber}/${e.position ?? "-"}`);
  });
  assert.equal(new Set(entries).size, entries.length, "no unit twice in the quarantine, however often it was resent");
  const lakeIds = new Set(firehose.lakeEvents().map((e) => e.eventId as string));
  for (const record of event.Records) {
    const { units, array } = unitsOf(record);
    units.forEach((unit, position) => {
      const validation = typeof unit === "symbol" ? undefined : validateEvent(unit, arrivalOf(record));
      if (validation?.ok)
        assert.ok(lakeIds.has(validation.event.eventId), `valid event ${validation.event.eventId} reached the lake`);
      else
        assert.ok(
          entries.includes(unitKey(record, array, position)),
          `invalid unit ${unitKey(record, array, position)} is in the quarantine`,
        );
    });
  }
}

/** Reports a failure by seed and message only: the counterexamples can be megabytes. */
const assertOptions = (numRuns: number): fc.Parameters<[Scenario]> => ({
  numRuns,
  endOnFailure: true,
  asyncReporter: async (details) => {
    if (details.failed) {
      throw new Error(
        `property failed (seed ${details.seed}, path ${details.counterexamplePath}): ${String(details.errorInstance)}\n` +
          `counterexample (first 2,000 characters): ${JSON.stringify(details.counterexample).slice(0, 2000)}`,
      );
    }
  },
});

describe("ClickstreamProcessor properties", () => {
  it("small random and malformed batches: every event in the lake, the quarantine, or resent; limits kept", async () => {
    await fc.assert(
      fc.asyncProperty(scenario(fc.array(recordData, { maxLength: 40 })), checkScenario),
      assertOptions(150),
    );
  });

  it("resending from the checkpoint until nothing fails never puts a unit twice in the quarantine, and loses nothing", async () => {
    await fc.assert(
      fc.asyncProperty(scenario(fc.array(recordData, { maxLength: 30 })), checkResends),
      assertOptions(100),
    );
  });

  it("large batches (over 500 events, big events): Firehose chunks stay within 500 records and 4 MiB", async () => {
    const bigEvent = validEvent.map((e) => ({
      ...e,
      page: { url: `https://shop.example.com/${"a".repeat(2000)}`, referrer: "b".repeat(2000) },
    }));
    const data = fc.oneof(validEvent, bigEvent).map((e) => JSON.stringify(e));
    // Distinct event ids so that large batches really are large.
    const records = fc
      .array(data, { minLength: 501, maxLength: 1300 })
      .map((all) => all.map((d, i) => d.replace(/"eventId":"e\d+"/, `"eventId":"big-${i}"`)));
    await fc.assert(fc.asyncProperty(scenario(records), checkScenario), assertOptions(12));
  });
});
