// The clickstream contract (handlers/shared/clickstream-event.ts) and the processor's pure
// pieces: what is accepted and refused with which message, normalisation, the request
// model's agreement with the zod schema, the environment, and the sinks' call shapes.
import { strict as assert } from "node:assert";
import * as z from "zod";
import { readEnvironment } from "../../handlers/clickstream/environment";
import { firehoseChunks, maxFirehoseBytesPerCall } from "../../handlers/clickstream/firehose-sink";
import { personalizeCalls } from "../../handlers/clickstream/personalize-sink";
import { validateEvent } from "../../handlers/clickstream/validate-event";
import {
  clickstreamEventJsonSchema,
  clickstreamEventSchema,
  normaliseClickstreamEvent,
  type NormalisedClickstreamEvent,
} from "../../handlers/shared/clickstream-event";
import { pageView, productView } from "./support/clickstream-events";

const messages = (value: unknown) => {
  const result = clickstreamEventSchema.safeParse(value);
  assert.equal(result.success, false, `expected ${JSON.stringify(value)} to be refused`);
  return result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("clickstream event contract", () => {
  it("accepts a product view and a page view as a browser sends them", () => {
    assert.ok(clickstreamEventSchema.safeParse(productView("e1", "s1", { userId: "u1" })).success);
    assert.ok(clickstreamEventSchema.safeParse(pageView("e2", "s1")).success);
    assert.ok(clickstreamEventSchema.safeParse({ ...pageView("e3", "s1"), page: { url: "https://x.example/", referrer: "" } }).success);
  });

  it("refuses bad events with messages that name the field", () => {
    assert.deepEqual(messages({ ...productView("e", "s"), itemId: undefined }), ["itemId: itemId is required for product_view events"]);
    assert.deepEqual(messages({ ...pageView("e", "s"), eventType: "click" }), [
      "eventType: eventType must be one of page_view, product_view, search, add_to_cart, remove_from_cart, checkout_start, purchase",
    ]);
    assert.deepEqual(messages({ ...pageView("e", "s"), timestamp: 1740826800 }), [
      "timestamp: timestamp in epoch milliseconds must be after 2000-01-01 (seconds sent?)",
    ]);
    assert.deepEqual(messages({ ...pageView("e", "s"), timestamp: "2025-03-01 12:00" }), ["timestamp: timestamp must be an ISO-8601 date-time"]);
    assert.deepEqual(messages({ ...pageView("e", "s"), price: 12 }), [': Unrecognized key: "price"']);
    assert.deepEqual(messages({ ...pageView("e", "s"), properties: { nested: { a: 1 } } }), [
      "properties.nested: property values must be strings, numbers, booleans or null (properties are flat)",
    ]);
    assert.deepEqual(messages({ ...pageView("e", "s"), properties: { a: "x".repeat(200), b: "x".repeat(200), c: "x".repeat(200), d: "x".repeat(200), e: "x".repeat(200) } }), [
      "properties: properties serialised as JSON are at most 1024 characters",
    ]);
    assert.deepEqual(messages({ ...pageView("e", "s"), sessionId: "s".repeat(257) }), ["sessionId: sessionId is at most 256 characters"]);
    assert.deepEqual(messages({ ...pageView("", "s") }), ["eventId: eventId must not be empty"]);
  });

  it("normalises timestamps to UTC ISO-8601 and stamps receivedAt", () => {
    const receivedAt = new Date("2025-03-01T11:00:05.123Z");
    const fromOffset = normaliseClickstreamEvent(clickstreamEventSchema.parse(productView("e", "s")), receivedAt);
    assert.equal(fromOffset.timestamp, "2025-03-01T11:00:00.000Z");
    assert.equal(fromOffset.receivedAt, "2025-03-01T11:00:05.123Z");
    const fromMillis = normaliseClickstreamEvent(clickstreamEventSchema.parse(pageView("e", "s")), receivedAt);
    assert.deepEqual(fromMillis, {
      eventId: "e",
      eventType: "page_view",
      sessionId: "s",
      timestamp: "2025-03-01T11:00:00.000Z",
      receivedAt: "2025-03-01T11:00:05.123Z",
      page: { url: "https://shop.example.com/" },
    });
  });

  it("calls an event oversized when its normalised JSON exceeds Personalize's 10 KB", () => {
    // Control characters are escaped as \u0001 in JSON: 6 bytes each.
    const result = validateEvent({ ...pageView("e", "s"), page: { url: "\u0001".repeat(2000) } }, new Date());
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.oversized);
    assert.ok(validateEvent({ ...pageView("e", "s"), page: { url: "a".repeat(2000) } }, new Date()).ok);
  });

  describe("request model (JSON Schema draft-04)", () => {
    const ours = clickstreamEventJsonSchema() as any;
    const fromZod = z.toJSONSchema(clickstreamEventSchema, { target: "draft-04", unrepresentable: "any" }) as any;

    it("has the zod schema's required fields, enums and length limits", () => {
      assert.deepEqual(ours.required, fromZod.required);
      assert.equal(ours.additionalProperties, false);
      assert.deepEqual(Object.keys(ours.properties).sort(), Object.keys(fromZod.properties).sort());
      for (const field of ["eventId", "eventType", "sessionId", "userId", "itemId", "page"]) {
        assert.deepEqual(ours.properties[field], fromZod.properties[field], field);
      }
      const [isoBranch, millisBranch] = fromZod.properties.timestamp.anyOf;
      assert.equal(ours.properties.timestamp.maxLength, isoBranch.maxLength);
      assert.equal(ours.properties.timestamp.minimum, millisBranch.minimum);
      assert.equal(ours.properties.timestamp.maximum, millisBranch.maximum);
      assert.deepEqual(ours.properties.timestamp.type, [isoBranch.type, millisBranch.type]);
      assert.equal(ours.properties.properties.additionalProperties.maxLength, fromZod.properties.properties.additionalProperties.anyOf[0].maxLength);
    });

    it("requires itemId exactly for product events and nests without its own $schema", () => {
      assert.equal(ours.$schema, undefined);
      const [notProduct, hasItem] = ours.anyOf;
      assert.deepEqual(hasItem, { required: ["itemId"] });
      assert.deepEqual(notProduct.properties.eventType.enum, ["page_view", "search", "checkout_start"]);
    });
  });
});

describe("clickstream processor environment", () => {
  it("applies defaults and treats a blank tracking id as Personalize disabled", () => {
    const env = readEnvironment({ FIREHOSE_STREAM_NAME: "lake", LAKE_BUCKET: "bucket", PERSONALIZE_TRACKING_ID: "  " });
    assert.deepEqual(env, {
      FIREHOSE_STREAM_NAME: "lake",
      LAKE_BUCKET: "bucket",
      QUARANTINE_PREFIX: "quarantine/",
      PERSONALIZE_TRACKING_ID: undefined,
      PERSONALIZE_CONCURRENCY: 8,
    });
    const custom = readEnvironment({ FIREHOSE_STREAM_NAME: "l", LAKE_BUCKET: "b", QUARANTINE_PREFIX: "bad", PERSONALIZE_TRACKING_ID: "t-1", PERSONALIZE_CONCURRENCY: "3" });
    assert.equal(custom.QUARANTINE_PREFIX, "bad/");
    assert.equal(custom.PERSONALIZE_TRACKING_ID, "t-1");
    assert.equal(custom.PERSONALIZE_CONCURRENCY, 3);
  });

  it("names every missing or wrong variable", () => {
    assert.throws(
      () => readEnvironment({ PERSONALIZE_CONCURRENCY: "0" }),
      (error: Error) =>
        /FIREHOSE_STREAM_NAME \(the lake's delivery stream\) is required/.test(error.message) &&
        /LAKE_BUCKET \(the lake bucket, for the quarantine\) is required/.test(error.message) &&
        /PERSONALIZE_CONCURRENCY must be 1 to 64/.test(error.message),
    );
  });
});

describe("clickstream sink call shapes", () => {
  const event = (eventId: string, sessionId: string, userId?: string) =>
    ({ eventId, eventType: "product_view", sessionId, itemId: "X-1", timestamp: "", receivedAt: "", ...(userId ? { userId } : {}) }) as NormalisedClickstreamEvent & {
      itemId: string;
    };

  it("cuts Firehose calls at 500 records and at 4 MiB", () => {
    const small = Array.from({ length: 1200 }, (_, i) => ({ data: Buffer.from(`{"i":${i}}\n`), owner: i }));
    assert.deepEqual(firehoseChunks(small).map((c) => c.length), [500, 500, 200]);
    assert.deepEqual(firehoseChunks(small).flat().map((r) => r.owner), small.map((r) => r.owner), "order kept");
    const big = Array.from({ length: 9 }, (_, i) => ({ data: Buffer.alloc(1000 * 1024, 97), owner: i }));
    const chunks = firehoseChunks(big);
    assert.deepEqual(chunks.map((c) => c.length), [4, 4, 1]);
    for (const chunk of chunks) assert.ok(chunk.reduce((n, r) => n + r.data.byteLength, 0) <= maxFirehoseBytesPerCall);
    assert.deepEqual(firehoseChunks([]), []);
  });

  it("groups Personalize calls by session and user, 10 events at most, in arrival order", () => {
    const entries = [
      ...Array.from({ length: 23 }, (_, i) => ({ event: event(`a${i}`, "s1", "u1"), owner: i })),
      { event: event("b0", "s1"), owner: 100 },
      { event: event("c0", "s1", "u2"), owner: 101 },
      { event: event("d0", "s2", "u1"), owner: 102 },
    ];
    const calls = personalizeCalls(entries);
    assert.deepEqual(
      calls.map((c) => [c.sessionId, c.userId, c.entries.length]),
      [
        ["s1", "u1", 10],
        ["s1", "u1", 10],
        ["s1", "u1", 3],
        ["s1", undefined, 1],
        ["s1", "u2", 1],
        ["s2", "u1", 1],
      ],
    );
    assert.deepEqual(calls[1].entries.map((e) => e.event.eventId), Array.from({ length: 10 }, (_, i) => `a${i + 10}`));
  });
});
