// ClickstreamProcessor against real Kinesis records (kinesalite) and a real S3 protocol
// (s3rver) for the quarantine; Firehose and Personalize faked at the SDK boundary with their
// documented replies (FailedPutCount, throttling, 5xx, invalid input).
import { strict as assert } from "node:assert";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { processClickstreamBatch, type ClickstreamProcessorDeps } from "../../../handlers/clickstream/process-batch";
import type { QuarantineDocument } from "../../../handlers/clickstream/quarantine-sink";
import { normalisedClickstreamEventSchema } from "../../../handlers/shared/clickstream-event";
import { clientConfig, startKinesis, startS3, type Emulator } from "../../../testing/emulators";
import {
  kinesisStreamEvent,
  pageView as pageViewAt,
  productView as productViewAt,
  type StreamRecord,
} from "../../../testing/clickstream-events";
import type { ClickstreamEvent } from "../../../handlers/shared/clickstream-event";
import {
  FakeFirehose,
  FakePersonalize,
  instantRetryPolicy,
  silentLogger,
  type FirehoseReply,
  type PersonalizeReply,
} from "../../../testing/clickstream-fakes";
import { recordingSender } from "../../../testing/aws-calls";
import { createStream, putRecords, readRecords } from "../../../testing/clickstream-kinesis";

const lakeBucket = "lake";

// kinesalite stamps records with the real arrival time, and an event's own time must lie within
// the allowed window before it: the events happened a minute ago.
const eventTime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
/** eventTime as a browser in UTC+01:00 writes it. */
const eventTimeWithOffset = new Date(eventTime.getTime() + 3600_000).toISOString().replace("Z", "+01:00");
const productView = (eventId: string, sessionId: string, extra: Partial<ClickstreamEvent> = {}) =>
  productViewAt(eventId, sessionId, { timestamp: eventTimeWithOffset, ...extra });
const pageView = (eventId: string, sessionId: string, extra: Partial<ClickstreamEvent> = {}) =>
  pageViewAt(eventId, sessionId, { timestamp: eventTime.getTime(), ...extra });

describe("ClickstreamProcessor (kinesalite, s3rver)", () => {
  let kinesisEmulator: Emulator;
  let s3Emulator: Emulator;
  let kinesis: KinesisClient;
  let s3: S3Client;
  let streams = 0;

  before(async () => {
    [kinesisEmulator, s3Emulator] = await Promise.all([startKinesis(), startS3([lakeBucket])]);
    kinesis = new KinesisClient(clientConfig(kinesisEmulator));
    s3 = new S3Client({ ...clientConfig(s3Emulator), forcePathStyle: true });
  });
  after(async () => {
    kinesis?.destroy();
    s3?.destroy();
    await Promise.all([kinesisEmulator?.stop(), s3Emulator?.stop()]);
  });

  /** A fresh stream holding `records` (data + partition key), read back as Lambda would get them. */
  async function streamOf(records: { data: string | Uint8Array; partitionKey: string }[]) {
    const name = `clickstream-${++streams}`;
    const shardId = await createStream(kinesis, name);
    await putRecords(kinesis, name, records);
    const read = await readRecords(kinesis, name, shardId);
    assert.equal(read.length, records.length);
    return { name, shardId, records: read };
  }

  /** As the collector puts them: one event's JSON per record, partition key = sessionId. */
  const asCollectorRecords = (events: { sessionId: string }[]) =>
    events.map((e) => ({ data: JSON.stringify(e), partitionKey: e.sessionId }));

  function deps(options: {
    firehose?: FakeFirehose;
    personalize?: FakePersonalize | null;
    bucket?: string;
    delays?: number[];
  }): ClickstreamProcessorDeps {
    // The processor's environment, by the names the component sets, for the call recorder.
    const environment = {
      FIREHOSE_STREAM_NAME: "lake-stream",
      PERSONALIZE_TRACKING_ID: "tracker-1",
      LAKE_BUCKET: options.bucket ?? lakeBucket,
      QUARANTINE_PREFIX: "quarantine/",
    };
    const recorded = <S extends { send: (command: any) => Promise<any> }>(service: string, sender: S) =>
      recordingSender("clickstream-processor", service, sender, environment);
    return {
      firehose: {
        client: recorded("firehose", options.firehose ?? new FakeFirehose()),
        deliveryStreamName: environment.FIREHOSE_STREAM_NAME,
      },
      personalize:
        options.personalize === null
          ? undefined
          : {
              client: recorded("personalize-events", options.personalize ?? new FakePersonalize()),
              trackingId: environment.PERSONALIZE_TRACKING_ID,
              concurrency: 3,
            },
      quarantine: {
        client: recorded("s3", s3),
        bucket: environment.LAKE_BUCKET,
        prefix: environment.QUARANTINE_PREFIX,
      },
      logger: silentLogger(),
      retry: instantRetryPolicy(options.delays),
    };
  }

  async function quarantineDocuments(): Promise<Map<string, QuarantineDocument>> {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: lakeBucket, Prefix: "quarantine/" }));
    const documents = new Map<string, QuarantineDocument>();
    for (const object of listed.Contents ?? []) {
      const body = await s3.send(new GetObjectCommand({ Bucket: lakeBucket, Key: object.Key! }));
      documents.set(object.Key!, JSON.parse(await body.Body!.transformToString()));
    }
    return documents;
  }

  it("sends valid events to the lake and Personalize, quarantines the rest with reasons, and drops in-batch duplicates", async () => {
    const good = [
      productView("e1", "s-a", { userId: "u-1" }),
      pageView("e2", "s-a", { userId: "u-1" }),
      productView("e3", "s-b", { itemId: "GARDEN-HOSE-25" }),
    ];
    const invalid = { eventId: "e4", eventType: "add_to_cart", sessionId: "s-b", timestamp: "yesterday" };
    const arrayRecord = [
      productView("e5", "s-c"),
      { eventType: "search" },
      productView("e1", "s-a", { userId: "u-1" }),
    ];
    const notJson = "eventId=e6&eventType=page_view";
    const notUtf8 = Uint8Array.from([0xff, 0xfe, 0x00, 0x41]);
    const oversized = productView("e7", "s-c", {
      page: { url: `https://shop.example.com/${"€".repeat(2000)}`, referrer: "€".repeat(2048) },
    });
    const { records, shardId } = await streamOf([
      ...asCollectorRecords(good),
      { data: JSON.stringify(invalid), partitionKey: "s-b" },
      { data: JSON.stringify(arrayRecord), partitionKey: "other-producer" },
      { data: notJson, partitionKey: "s-x" },
      { data: notUtf8, partitionKey: "s-y" },
      { data: JSON.stringify(oversized), partitionKey: "s-c" },
    ]);
    const firehose = new FakeFirehose();
    const personalize = new FakePersonalize();

    const { response, counts } = await processClickstreamBatch(
      kinesisStreamEvent(records),
      deps({ firehose, personalize }),
    );

    assert.deepEqual(response, { batchItemFailures: [] });
    // Lake: each valid event once, normalised (UTC ISO timestamps, receivedAt = Kinesis arrival).
    const lake = firehose.lakeEvents().map((e) => normalisedClickstreamEventSchema.parse(e));
    assert.deepEqual(
      lake.map((e) => e.eventId),
      ["e1", "e2", "e3", "e5"],
    );
    assert.equal(firehose.calls.length, 1);
    assert.equal(firehose.calls[0].streamName, "lake-stream");
    assert.equal(lake[0].timestamp, eventTime.toISOString());
    assert.equal(lake[1].timestamp, eventTime.toISOString());
    assert.equal(lake[0].receivedAt, new Date(Math.round(records[0].approximateArrivalTimestamp * 1000)).toISOString());
    assert.deepEqual(lake[0].properties, { category: "kitchen", position: 3 });
    // Personalize: only events with an itemId, one call per (session, user).
    assert.deepEqual(
      personalize.calls.map((c) => [c.trackingId, c.sessionId, c.userId, c.eventList!.map((e) => e.eventId)]),
      [
        ["tracker-1", "s-a", "u-1", ["e1"]],
        ["tracker-1", "s-b", undefined, ["e3"]],
        ["tracker-1", "s-c", undefined, ["e5"]],
      ],
    );
    const sent = personalize.calls[0].eventList![0];
    assert.equal(sent.eventType, "product_view");
    assert.equal(sent.itemId, "KIT-MUG-STN-12");
    assert.deepEqual(sent.sentAt, eventTime);
    // Properties stay in the lake: the interactions schema has no field for them.
    assert.equal(sent.properties, undefined);
    // Quarantine: one object per record, named after the record, read back from S3.
    const documents = await quarantineDocuments();
    const quarantinedRecords = [3, 4, 5, 6, 7].map((i) => records[i]);
    assert.deepEqual(
      [...documents.keys()].sort(),
      quarantinedRecords
        .map(
          (r) =>
            `quarantine/dt=${new Date(Math.round(r.approximateArrivalTimestamp * 1000)).toISOString().slice(0, 10)}/${shardId}/${r.sequenceNumber}.json`,
        )
        .sort(),
    );
    const entries = quarantinedRecords.flatMap(
      (r) => [...documents.entries()].find(([key]) => key.endsWith(`/${r.sequenceNumber}.json`))![1].entries,
    );
    assert.deepEqual(
      entries.map((e) => [e.sequenceNumber, e.kind, e.position]),
      [
        [records[3].sequenceNumber, "invalid", undefined],
        [records[4].sequenceNumber, "invalid", 1],
        [records[5].sequenceNumber, "undecodable", undefined],
        [records[6].sequenceNumber, "undecodable", undefined],
        [records[7].sequenceNumber, "oversized", undefined],
      ],
    );
    assert.deepEqual(entries[0].reasons.map((r) => r.path).sort(), ["itemId", "timestamp"]);
    assert.equal(entries[0].data, JSON.stringify(invalid));
    assert.equal(entries[1].data, JSON.stringify({ eventType: "search" }));
    assert.match(entries[2].reasons[0].message, /not JSON/);
    assert.equal(entries[2].data, notJson);
    assert.equal(entries[3].dataEncoding, "base64");
    assert.deepEqual(Buffer.from(entries[3].data, "base64"), Buffer.from(notUtf8));
    assert.match(entries[4].reasons[0].message, /bytes; the limit is 10240/);
    assert.equal(
      entries[4].receivedAt,
      new Date(Math.round(records[7].approximateArrivalTimestamp * 1000)).toISOString(),
    );

    assert.equal(counts.RecordsReceived, 8);
    assert.equal(counts.EventsReceived, 10);
    assert.equal(counts.EventsInvalid, 5);
    assert.equal(counts.EventsOversized, 1);
    assert.equal(counts.RecordsUndecodable, 2);
    assert.equal(counts.EventsDuplicate, 1);
    assert.equal(counts.EventsQuarantined, 5);
    assert.equal(counts.EventsToFirehose, 4);
    assert.equal(counts.EventsToPersonalize, 3);
  });

  it("resends only the Firehose entries that carried an ErrorCode, with backoff", async () => {
    const events = Array.from({ length: 6 }, (_, i) => pageView(`f${i}`, `s-${i % 2}`));
    const { records } = await streamOf(asCollectorRecords(events));
    const replies: FirehoseReply[] = [
      { kind: "partial", failedPositions: [1, 4] },
      { kind: "partial", failedPositions: [1] },
      { kind: "ok" },
    ];
    const firehose = new FakeFirehose((call) => replies[call]);
    const delays: number[] = [];

    const { response, counts } = await processClickstreamBatch(
      kinesisStreamEvent(records),
      deps({ firehose, personalize: null, delays }),
    );

    assert.deepEqual(response, { batchItemFailures: [] });
    const sentIds = firehose.calls.map((c) => c.records.map((r) => JSON.parse(Buffer.from(r).toString()).eventId));
    assert.deepEqual(sentIds, [["f0", "f1", "f2", "f3", "f4", "f5"], ["f1", "f4"], ["f4"]]);
    assert.deepEqual(
      firehose
        .lakeEvents()
        .map((e) => e.eventId)
        .sort(),
      ["f0", "f1", "f2", "f3", "f4", "f5"],
    );
    assert.deepEqual(
      delays,
      [25, 50],
      "exponential backoff (half of 50 ms, then of 100 ms, with the test's fixed jitter)",
    );
    assert.equal(counts.FirehoseRetries, 3);
    assert.equal(counts.EventsToFirehose, 6);
  });

  it("reports the lowest sequence number still failing in Firehose, and Kinesis resends from there", async () => {
    const events = Array.from({ length: 5 }, (_, i) => pageView(`g${i}`, "s-1"));
    const { name, shardId, records } = await streamOf(asCollectorRecords(events));
    // Entries for g2 and g4 fail on every attempt.
    const firehose = new FakeFirehose((_, sent) => ({
      kind: "partial",
      failedPositions: sent.flatMap((r, i) => (/"g[24]"/.test(Buffer.from(r).toString()) ? [i] : [])),
    }));

    const { response, counts } = await processClickstreamBatch(
      kinesisStreamEvent(records),
      deps({ firehose, personalize: null }),
    );

    assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: records[2].sequenceNumber }] });
    assert.equal(firehose.calls.length, 4, "bounded: 4 attempts in all");
    assert.equal(counts.FirehoseFailedEvents, 2);
    assert.equal(counts.RecordsReportedFailed, 2);
    // What the event source mapping reads next: the failed record first, nothing before it lost.
    const resent = await readRecords(kinesis, name, shardId, {
      type: "AT_SEQUENCE_NUMBER",
      sequenceNumber: response.batchItemFailures[0].itemIdentifier,
    });
    assert.deepEqual(
      resent.map((r) => JSON.parse(Buffer.from(r.data).toString()).eventId),
      ["g2", "g3", "g4"],
    );
  });

  it("reports the whole Firehose chunk when the call is throttled or fails with 500 on every attempt", async () => {
    for (const kind of ["throttled", "server-error"] as const) {
      const { records } = await streamOf(asCollectorRecords([pageView(`${kind}-1`, "s"), pageView(`${kind}-2`, "s")]));
      const firehose = new FakeFirehose(() => ({ kind }));
      const { response, counts } = await processClickstreamBatch(
        kinesisStreamEvent(records),
        deps({ firehose, personalize: null }),
      );
      assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: records[0].sequenceNumber }] }, kind);
      assert.equal(firehose.calls.length, 4, kind);
      assert.equal(counts.FirehoseRetries, 6, kind);
    }
  });

  it("does not retry a Firehose call refused as invalid, and reports it", async () => {
    const { records } = await streamOf(asCollectorRecords([pageView("h1", "s")]));
    const firehose = new FakeFirehose(() => ({ kind: "invalid-argument" }));
    const { response } = await processClickstreamBatch(
      kinesisStreamEvent(records),
      deps({ firehose, personalize: null }),
    );
    assert.equal(firehose.calls.length, 1);
    assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: records[0].sequenceNumber }] });
  });

  it("retries throttled Personalize calls with backoff until they succeed", async () => {
    const events = Array.from({ length: 12 }, (_, i) => productView(`p${i}`, "s-1", { userId: "u-1" }));
    const { records } = await streamOf(asCollectorRecords(events));
    const replies: PersonalizeReply[] = [{ kind: "throttled" }, { kind: "server-error" }];
    const personalize = new FakePersonalize((call) => replies[call] ?? { kind: "ok" });
    const delays: number[] = [];

    const { response, counts } = await processClickstreamBatch(
      kinesisStreamEvent(records),
      deps({ personalize, delays }),
    );

    assert.deepEqual(response, { batchItemFailures: [] });
    assert.deepEqual(personalize.accepted.map((c) => c.eventList!.length).sort(), [10, 2]);
    assert.equal(counts.PersonalizeRetries, 2);
    assert.equal(counts.EventsToPersonalize, 12);
    assert.ok(delays.length === 2 && delays.every((d) => d > 0));
  });

  it("reports the lowest affected record when Personalize keeps failing, and not when it rejects events as invalid input", async () => {
    const events = [
      pageView("q0", "s-ok"),
      productView("q1", "s-invalid"),
      productView("q2", "s-down"),
      productView("q3", "s-down"),
      productView("q4", "s-ok"),
    ];
    const { records } = await streamOf(asCollectorRecords(events));
    const personalize = new FakePersonalize((_, input) =>
      input.sessionId === "s-down"
        ? { kind: "server-error" }
        : input.sessionId === "s-invalid"
          ? { kind: "invalid-input" }
          : { kind: "ok" },
    );
    const firehose = new FakeFirehose();

    const { response, counts } = await processClickstreamBatch(
      kinesisStreamEvent(records),
      deps({ firehose, personalize }),
    );

    assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: records[2].sequenceNumber }] });
    assert.equal(personalize.calls.filter((c) => c.sessionId === "s-down").length, 4);
    assert.equal(
      personalize.calls.filter((c) => c.sessionId === "s-invalid").length,
      1,
      "invalid input is not retried",
    );
    assert.equal(counts.PersonalizeRejectedEvents, 1);
    assert.equal(counts.PersonalizeFailedEvents, 2);
    // The lake got every event regardless (its own sink).
    assert.equal(firehose.landed.length, 5);
  });

  it("records interactions whatever keys the browser chose for properties (they stay in the lake)", async () => {
    const events = [
      productView("r1", "s-r", { properties: { timestamp: "12:00", source: "ad" } }),
      productView("r2", "s-r", { properties: { SessionId: "other" } }),
      productView("r3", "s-r"),
    ];
    const { records } = await streamOf(asCollectorRecords(events));
    const personalize = new FakePersonalize();
    const firehose = new FakeFirehose();

    const { response, counts } = await processClickstreamBatch(
      kinesisStreamEvent(records),
      deps({ firehose, personalize }),
    );

    assert.deepEqual(response, { batchItemFailures: [] });
    assert.equal(counts.PersonalizeRejectedEvents, 0);
    assert.equal(counts.EventsToPersonalize, 3);
    assert.deepEqual(
      personalize.accepted.flatMap((c) => c.eventList!.map((e) => e.eventId)),
      ["r1", "r2", "r3"],
    );
    assert.deepEqual(
      firehose.lakeEvents().map((e) => e.properties),
      [{ timestamp: "12:00", source: "ad" }, { SessionId: "other" }, { category: "kitchen", position: 3 }],
    );
  });

  it("makes no Personalize call when Personalize is disabled", async () => {
    const { records } = await streamOf(asCollectorRecords([productView("d1", "s"), productView("d2", "s")]));
    const personalize = new FakePersonalize();
    const firehose = new FakeFirehose();
    const run = deps({ firehose, personalize });
    delete run.personalize;
    const { response, counts } = await processClickstreamBatch(kinesisStreamEvent(records), run);
    assert.deepEqual(response, { batchItemFailures: [] });
    assert.equal(personalize.calls.length, 0);
    assert.equal(counts.EventsToPersonalize, 0);
    assert.equal(firehose.landed.length, 2);
  });

  it("reports quarantined records when the quarantine write fails, so nothing is lost", async () => {
    const { records } = await streamOf([
      ...asCollectorRecords([pageView("k0", "s")]),
      { data: "not json", partitionKey: "s" },
      ...asCollectorRecords([pageView("k2", "s")]),
    ]);
    const firehose = new FakeFirehose();
    const { response, counts } = await processClickstreamBatch(
      kinesisStreamEvent(records),
      deps({ firehose, personalize: null, bucket: "no-such-bucket" }),
    );
    assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: records[1].sequenceNumber }] });
    assert.equal(counts.QuarantineWriteFailures, 1);
    assert.equal(counts.EventsQuarantined, 0);
  });
});

describe("ClickstreamProcessor sequence numbers", () => {
  it("compares sequence numbers as integers, not as strings or doubles", async () => {
    const { batchItemFailures } = await import("../../../handlers/clickstream/batch-item-failures");
    const ref = (sequenceNumber: string) => ({
      index: 0,
      sequenceNumber,
      partitionKey: "p",
      shardId: "s",
      arrivedAt: new Date(0),
    });
    const a = "49590338271490256608559692538361571095921575989136588898";
    const b = "49590338271490256608559692538361571095921575989136588899";
    assert.deepEqual(batchItemFailures([ref(b), ref(a)]), { batchItemFailures: [{ itemIdentifier: a }] });
    assert.deepEqual(batchItemFailures([ref("100"), ref("99")]), { batchItemFailures: [{ itemIdentifier: "99" }] });
    const none: StreamRecord[] = [];
    assert.deepEqual(batchItemFailures(none.map(() => ref("1"))), { batchItemFailures: [] });
  });
});
