// Property: over random and malformed batches and random sink behaviour (partial Firehose
// failures, throttling, 5xx, invalid input, a failing quarantine), every input event ends in
// exactly one of the lake, the quarantine, or a record Kinesis resends (at or after the
// reported sequence number); and no call breaks the Personalize or Firehose limits.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { maxFirehoseBytesPerCall, maxFirehoseRecordsPerCall } from "../../handlers/clickstream/firehose-sink";
import { maxPersonalizeEventsPerCall } from "../../handlers/clickstream/personalize-sink";
import { processClickstreamBatch } from "../../handlers/clickstream/process-batch";
import type { QuarantineDocument } from "../../handlers/clickstream/quarantine-sink";
import { validateEvent } from "../../handlers/clickstream/validate-event";
import { clickstreamEventTypes, productEventTypes } from "../../handlers/shared/clickstream-event";
import { syntheticStreamEvent } from "./support/clickstream-events";
import {
  FakeFirehose,
  FakePersonalize,
  FakeS3,
  instantRetryPolicy,
  silentLogger,
  type FirehoseReply,
  type PersonalizeReply,
} from "./support/clickstream-fakes";

const productTypes: readonly string[] = productEventTypes;

const validEvent = fc
  .record(
    {
      eventId: fc.integer({ min: 0, max: 40 }).map((i) => `e${i}`), // small pool: duplicates happen
      eventType: fc.constantFrom(...clickstreamEventTypes),
      sessionId: fc.constantFrom("s1", "s2", "s3", "s4"),
      userId: fc.constantFrom("u1", "u2"),
      itemId: fc.constantFrom("KIT-MUG-1", "GARDEN-HOSE-25"),
      timestamp: fc.oneof(fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2026, 0, 1) }), fc.constant("2025-03-01T12:00:00+01:00")),
      properties: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()), { maxKeys: 3 }),
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
);

const eventLike = fc.oneof({ weight: 4, arbitrary: validEvent }, { weight: 1, arbitrary: invalidEvent });

const recordData: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 8, arbitrary: eventLike.map((e) => JSON.stringify(e)) },
  { weight: 2, arbitrary: fc.array(eventLike, { minLength: 0, maxLength: 5 }).map((a) => JSON.stringify(a)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 30 }) },
);

const firehoseReply: fc.Arbitrary<FirehoseReply> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: "ok" as const }) },
  { weight: 3, arbitrary: fc.array(fc.nat({ max: 40 }), { maxLength: 8 }).map((failedPositions) => ({ kind: "partial" as const, failedPositions })) },
  { weight: 1, arbitrary: fc.constantFrom<FirehoseReply>({ kind: "throttled" }, { kind: "server-error" }, { kind: "invalid-argument" }) },
);

const personalizeReply: fc.Arbitrary<PersonalizeReply> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: "ok" as const }) },
  { weight: 1, arbitrary: fc.constantFrom<PersonalizeReply>({ kind: "throttled" }, { kind: "server-error" }, { kind: "invalid-input" }, { kind: "not-found" }) },
);

const scenario = (records: fc.Arbitrary<(string | Uint8Array)[]>) =>
  fc.record({
    records,
    firehoseReplies: fc.array(firehoseReply, { maxLength: 12 }),
    personalizeReplies: fc.array(personalizeReply, { maxLength: 12 }),
    personalizeEnabled: fc.boolean(),
    quarantineFails: fc.boolean(),
  });

type Scenario = typeof scenario extends (...args: never[]) => fc.Arbitrary<infer S> ? S : never;

/** What the test believes each record holds, decided independently of the processor's decoder. */
function unitsOf(data: string | Uint8Array): unknown[] {
  const text = typeof data === "string" ? data : Buffer.from(data).toString("utf8");
  if (typeof data !== "string" && !Buffer.from(text, "utf8").equals(Buffer.from(data))) return [Symbol("not utf-8")];
  try {
    const value = JSON.parse(text);
    if (!Array.isArray(value)) return [value];
    return value.length > 0 ? value : [Symbol("empty array")];
  } catch {
    return [Symbol("not json")];
  }
}

async function checkScenario(s: Scenario) {
  const event = syntheticStreamEvent(s.records);
  const firehose = new FakeFirehose((call) => s.firehoseReplies[call % Math.max(1, s.firehoseReplies.length)] ?? { kind: "ok" });
  const personalize = new FakePersonalize((call) => s.personalizeReplies[call % Math.max(1, s.personalizeReplies.length)] ?? { kind: "ok" });
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
        personalizeReplies.push({ eventIds, reply: { kind: (error as Error).name === "InvalidInputException" ? "invalid-input" : "throttled" } });
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
  const firstValid = new Map<string, { record: number; json: string; sessionId: string; userId?: string; itemId?: string }>();
  s.records.forEach((data, record) => {
    const units = unitsOf(data);
    units.forEach((unit, position) => {
      const validation = typeof unit === "symbol" ? undefined : validateEvent(unit, new Date(Math.round(event.Records[record].kinesis.approximateArrivalTimestamp * 1000)));
      const parsed = safeJson(data);
      const key = `${sequenceNumbers[record]}/${Array.isArray(parsed) && parsed.length > 0 ? position : "-"}`;
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
    assert.ok(call.records.length >= 1 && call.records.length <= maxFirehoseRecordsPerCall, `Firehose call with ${call.records.length} records`);
    const bytes = call.records.reduce((n, r) => n + r.byteLength, 0);
    assert.ok(bytes <= maxFirehoseBytesPerCall, `Firehose call with ${bytes} bytes`);
  }
  if (!s.personalizeEnabled) assert.equal(personalize.calls.length, 0, "no Personalize call when it is disabled");
  for (const call of personalize.calls) {
    const events = call.eventList!;
    assert.ok(events.length >= 1 && events.length <= maxPersonalizeEventsPerCall, `Personalize call with ${events.length} events`);
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
      if (first.itemId !== undefined && first.record < checkpoint) assert.ok(settled.has(id), `event ${id} reached Personalize`);
    }
  }
}

function safeJson(data: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof data === "string" ? data : Buffer.from(data).toString("utf8"));
  } catch {
    return undefined;
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
    await fc.assert(fc.asyncProperty(scenario(fc.array(recordData, { maxLength: 40 })), checkScenario), assertOptions(150));
  });

  it("large batches (over 500 events, big events): Firehose chunks stay within 500 records and 4 MiB", async () => {
    const bigEvent = validEvent.map((e) => ({ ...e, page: { url: "https://shop.example.com/" + "a".repeat(2000), referrer: "b".repeat(2000) } }));
    const data = fc.oneof(validEvent, bigEvent).map((e) => JSON.stringify(e));
    // Distinct event ids so that large batches really are large.
    const records = fc.array(data, { minLength: 501, maxLength: 1300 }).map((all) => all.map((d, i) => d.replace(/"eventId":"e\d+"/, `"eventId":"big-${i}"`)));
    await fc.assert(fc.asyncProperty(scenario(records), checkScenario), assertOptions(12));
  });
});
