// The processor's fast event check never accepts what the shared zod schema refuses, and what
// it accepts is exactly the schema's output; it does take the ordinary events (or it would
// save nothing).
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { isPlainValidEvent } from "../../../handlers/clickstream/fast-event-check";
import {
  clickstreamEventSchema,
  clickstreamEventTypes,
  maxUrlLength,
} from "../../../handlers/shared/clickstream-event";

/** Mostly valid, sometimes at or past a boundary of the schema: so both answers occur often. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, edge: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: edge, weight: 1 });
const id = mostly(
  fc.stringMatching(/^[A-Za-z0-9_.:-]{1,128}$/),
  fc.oneof(fc.constantFrom("", "a".repeat(128), "a".repeat(129), "with space", "é", "a/b"), fc.integer()),
);
const timestamp = mostly(
  fc.oneof(
    fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }),
    fc
      .date({ min: new Date(-62198755200000), max: new Date(253402300799999), noInvalidDate: true })
      .map((d) => d.toISOString()),
  ),
  fc.oneof(
    fc.integer({ min: -1e15, max: 3e14 }),
    fc.double(),
    fc.constantFrom(
      "2025-02-30T00:00:00.000Z",
      "2025-13-01T00:00:00.000Z",
      "2025-03-01T24:00:00.000Z",
      "2025-03-01T10:00:00Z",
      "2025-03-01T10:00:00.000+01:00",
      "+012025-03-01T10:00:00.000Z",
      "2024-02-29T23:59:60.000Z",
      "2024-02-29T12:00:00.000Z",
      "1900-02-29T00:00:00.000Z",
    ),
  ),
);
const text = (max: number) =>
  mostly(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom("", "u".repeat(max), "u".repeat(max + 1)));
const propertyValue = mostly(
  fc.oneof(fc.string({ maxLength: 20 }), fc.double(), fc.boolean(), fc.constant(null)),
  fc.oneof(
    fc.constantFrom("v".repeat(256), "v".repeat(257)),
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.object({ maxDepth: 0 }),
  ),
);
const propertyKey = mostly(
  fc.string({ minLength: 1, maxLength: 10 }),
  fc.constantFrom("", "__proto__", "constructor", "k".repeat(64), "k".repeat(65)),
);
const event = fc
  .record(
    {
      eventId: id,
      eventType: mostly(fc.constantFrom(...clickstreamEventTypes), fc.constantFrom("PAGE_VIEW", "")),
      sessionId: id,
      userId: id,
      itemId: id,
      timestamp,
      page: mostly(
        fc.record({ url: text(maxUrlLength), referrer: text(maxUrlLength) }, { requiredKeys: ["url"] }),
        fc.oneof(fc.record({ referrer: fc.string() }), fc.constant(null), fc.constant([]), fc.string()),
      ),
      properties: mostly(
        fc.dictionary(propertyKey, propertyValue, { maxKeys: 6 }),
        fc.oneof(
          fc.dictionary(fc.string(), fc.string({ maxLength: 60 }), { minKeys: 20, maxKeys: 40 }),
          fc.constant([]),
          fc.constant("p"),
        ),
      ),
      extra: fc.string(),
    },
    { requiredKeys: ["eventId", "eventType", "sessionId", "timestamp"] },
  )
  .map(({ extra, ...rest }) => (extra !== undefined && extra.length === 1 ? { ...rest, extra } : rest));
// Through JSON, as the processor sees it (own __proto__ keys kept, as JSON.parse keeps them).
const asParsed = (value: unknown) => JSON.parse(JSON.stringify(value).replace('"constructor"', '"__proto__"'));

describe("clickstream: the fast event check against the shared schema", () => {
  it("never accepts what the schema refuses, and what it accepts is the schema's own output", () => {
    let accepted = 0;
    fc.assert(
      fc.property(event, (candidate) => {
        const value = asParsed(candidate);
        if (!isPlainValidEvent(value)) return;
        accepted++;
        const parsed = clickstreamEventSchema.safeParse(value);
        assert.ok(
          parsed.success,
          `fast check accepted what the schema refuses: ${JSON.stringify(value)} ${!parsed.success && JSON.stringify(parsed.error.issues)}`,
        );
        assert.deepEqual(parsed.data, value);
      }),
      { numRuns: 5000 },
    );
    // Enough accepted candidates that the comparison means something.
    assert.ok(accepted >= 100, `only ${accepted} of 5000 candidates were accepted`);
  });

  it("accepts the events the storefront's tracker sends", () => {
    const tracked = [
      {
        eventId: "0b3d9a8e-1c2f-4e5a-9b7c-2d1e0f3a4b5c",
        eventType: "product_view",
        sessionId: "s-1",
        userId: "u-1",
        itemId: "KIT-MUG-STN-12",
        timestamp: "2026-01-01T12:00:00.000Z",
        page: { url: "https://shop.example.com/p/KIT-MUG-STN-12", referrer: "https://shop.example.com/" },
        properties: { category: "kitchen", position: 3 },
      },
      {
        eventId: "e2",
        eventType: "page_view",
        sessionId: "s-1",
        timestamp: 1767268800000,
        page: { url: "https://shop.example.com/" },
      },
      {
        eventId: "e3",
        eventType: "search",
        sessionId: "s-1",
        timestamp: "2026-01-01T12:00:01.000Z",
        properties: { query: "mug", results: 4, exact: false, filter: null },
      },
    ];
    for (const e of tracked) assert.ok(isPlainValidEvent(asParsed(e)), JSON.stringify(e));
  });

  it("leaves every refusal to the schema (which names the reasons): a product event without itemId, an unknown field, __proto__", () => {
    const base = { eventId: "e1", eventType: "page_view", sessionId: "s-1", timestamp: "2026-01-01T12:00:00.000Z" };
    assert.equal(isPlainValidEvent({ ...base, eventType: "add_to_cart" }), false);
    assert.equal(isPlainValidEvent({ ...base, extra: 1 }), false);
    assert.equal(
      isPlainValidEvent(
        JSON.parse(
          '{"eventId":"e1","eventType":"page_view","sessionId":"s","timestamp":1767268800000,"properties":{"__proto__":1}}',
        ),
      ),
      false,
    );
    assert.equal(isPlainValidEvent({ ...base, timestamp: "2025-02-30T00:00:00.000Z" }), false);
    assert.equal(isPlainValidEvent([base]), false);
  });

  it("agrees with the schema on properties whose JSON is 1,024 characters or one more, escapes included", () => {
    const base = { eventId: "e1", eventType: "page_view", sessionId: "s-1", timestamp: "2026-01-01T12:00:00.000Z" };
    // {"k0":"…",…}: four values padded so the whole JSON text is `length` characters; \u0001 is 6 in JSON.
    const propertiesOfJsonLength = (length: number, filler: string) => {
      const properties: Record<string, string> = { k0: "", k1: "", k2: "", k3: "" };
      let json = JSON.stringify(properties).length;
      for (let i = 0; json < length; i = (i + 1) % 4) {
        const step = JSON.stringify(filler).length - 2;
        const next = json + step <= length ? filler : "x";
        if (properties[`k${i}`].length === 256) continue;
        properties[`k${i}`] += next;
        json += JSON.stringify(next).length - 2;
      }
      assert.equal(JSON.stringify(properties).length, length);
      return properties;
    };
    for (const filler of ["x", "\u0001", '"', "é"]) {
      for (const length of [1024, 1025]) {
        const event = { ...base, properties: propertiesOfJsonLength(length, filler) };
        const schemaAccepts = clickstreamEventSchema.safeParse(event).success;
        assert.equal(schemaAccepts, length === 1024, `${filler} ${length}`);
        assert.equal(isPlainValidEvent(event), schemaAccepts, `${filler} ${length}`);
      }
    }
  });
});
