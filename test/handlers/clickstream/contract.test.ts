// The clickstream contract (handlers/shared/clickstream-event.ts) and the processor's pure
// pieces: what is accepted and refused with which message, normalisation, the request
// model's agreement with the zod schema, the environment, and the sinks' call shapes.
import { strict as assert } from "node:assert";
import * as z from "zod";
import { clickstreamContract, metricsNamespace, serviceName } from "../../../handlers/clickstream/contract";
import { readEnvironment as readContractEnvironment } from "../../../handlers/lib/environment";
import { firehoseChunks, jsonLine, maxFirehoseBytesPerCall } from "../../../handlers/clickstream/firehose-sink";
import { personalizeCalls, personalizeEvent } from "../../../handlers/clickstream/personalize-sink";
import { validateEvent } from "../../../handlers/clickstream/validate-event";
import {
  clickstreamEventJsonSchema,
  clickstreamEventSchema,
  idPattern,
  maxEpochMillis,
  maxEventAgeMs,
  maxEventClockSkewMs,
  maxIdLength,
  maxPropertyCount,
  maxPropertyKeyLength,
  normaliseClickstreamEvent,
  normalisedClickstreamEventSchema,
  type NormalisedClickstreamEvent,
} from "../../../handlers/shared/clickstream-event";
import { pageView, productView } from "../../../testing/clickstream-events";

const messages = (value: unknown) => {
  const result = clickstreamEventSchema.safeParse(value);
  assert.equal(result.success, false, `expected ${JSON.stringify(value)} to be refused`);
  return result.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("clickstream event contract", () => {
  it("accepts a product view and a page view as a browser sends them", () => {
    assert.ok(clickstreamEventSchema.safeParse(productView("e1", "s1", { userId: "u1" })).success);
    assert.ok(clickstreamEventSchema.safeParse(pageView("e2", "s1")).success);
    assert.ok(
      clickstreamEventSchema.safeParse({ ...pageView("e3", "s1"), page: { url: "https://x.example/", referrer: "" } })
        .success,
    );
  });

  it("refuses bad events with messages that name the field", () => {
    assert.deepEqual(messages({ ...productView("e", "s"), itemId: undefined }), [
      "itemId: itemId is required for product_view events",
    ]);
    assert.deepEqual(messages({ ...pageView("e", "s"), eventType: "click" }), [
      "eventType: eventType must be one of page_view, product_view, search, add_to_cart, remove_from_cart, checkout_start, purchase",
    ]);
    assert.deepEqual(messages({ ...pageView("e", "s"), timestamp: 1740826800 }), [
      "timestamp: timestamp in epoch milliseconds must be after 2000-01-01 (seconds sent?)",
    ]);
    assert.deepEqual(messages({ ...pageView("e", "s"), timestamp: "2025-03-01 12:00" }), [
      "timestamp: timestamp must be an ISO-8601 date-time",
    ]);
    assert.deepEqual(messages({ ...pageView("e", "s"), price: 12 }), [': Unrecognized key: "price"']);
    assert.deepEqual(messages({ ...pageView("e", "s"), properties: { nested: { a: 1 } } }), [
      "properties.nested: property values must be strings, numbers, booleans or null (properties are flat)",
    ]);
    assert.deepEqual(
      messages({
        ...pageView("e", "s"),
        properties: {
          a: "x".repeat(200),
          b: "x".repeat(200),
          c: "x".repeat(200),
          d: "x".repeat(200),
          e: "x".repeat(200),
        },
      }),
      ["properties: properties serialised as JSON are at most 1024 characters"],
    );
    assert.deepEqual(messages({ ...pageView("e", "s"), sessionId: "s".repeat(129) }), [
      "sessionId: sessionId is at most 128 characters",
      "sessionId: sessionId may hold only A-Z a-z 0-9 _ . : - (1 to 128 characters)",
    ]);
    assert.deepEqual(messages({ ...pageView("", "s") }), [
      "eventId: eventId must not be empty",
      "eventId: eventId may hold only A-Z a-z 0-9 _ . : - (1 to 128 characters)",
    ]);
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
    const arrival = new Date(pageView("e", "s").timestamp);
    const result = validateEvent({ ...pageView("e", "s"), page: { url: "\u0001".repeat(2000) } }, arrival);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.oversized);
    assert.ok(validateEvent({ ...pageView("e", "s"), page: { url: "a".repeat(2000) } }, arrival).ok);
  });

  it("attack: a sessionId of 129-256 emoji is refused by the model and zod alike (ids are ASCII, so every layer counts them the same)", () => {
    const model = clickstreamEventJsonSchema() as any;
    for (const field of ["eventId", "sessionId", "userId", "itemId"]) {
      assert.deepEqual(
        model.properties[field],
        { type: "string", minLength: 1, maxLength: maxIdLength, pattern: idPattern },
        field,
      );
    }
    for (const length of [1, 129, 256]) {
      const emoji = "😀".repeat(length);
      assert.ok(!new RegExp(idPattern).test(emoji), "the model's pattern refuses emoji at any length");
      assert.match(
        messages({ ...pageView("e", "s"), sessionId: emoji }).join("\n"),
        /sessionId may hold only A-Z a-z 0-9 _ \. : -/,
      );
    }
    // The longest id fits Kinesis' partition key (256 Unicode characters) and Personalize (256).
    const longest = "a".repeat(maxIdLength);
    assert.ok(
      new RegExp(idPattern).test(longest) && longest.length <= 256 && Buffer.byteLength(longest) === longest.length,
    );
    assert.ok(
      clickstreamEventSchema.safeParse({
        ...pageView("e", crypto.randomUUID()),
        userId: crypto.randomUUID(),
        eventId: "evt_1.2:3-4",
      }).success,
    );
  });

  it("attack: a 1 MiB property key is refused by zod with the key bound (the model cannot bound keys)", () => {
    const reasons = messages({ ...pageView("e", "s"), properties: { ["k".repeat(1024 * 1024)]: 1 } });
    assert.ok(reasons.length >= 1 && reasons.every((r) => r.length < 300), "the reasons name the key shortened");
    assert.ok(
      reasons.some(
        (r) =>
          r.startsWith(`properties: property keys are 1 to ${maxPropertyKeyLength} characters; "kkk`) &&
          r.endsWith("has 1048576"),
      ),
      reasons[0].slice(0, 200),
    );
    assert.ok(
      clickstreamEventSchema.safeParse({ ...pageView("e", "s"), properties: { ["k".repeat(maxPropertyKeyLength)]: 1 } })
        .success,
    );
  });

  it("attack: a property named __proto__ is refused with a reason, never dropped silently", () => {
    const sent = JSON.parse(
      `{"eventId":"e","eventType":"page_view","sessionId":"s","timestamp":${pageView("e", "s").timestamp},"properties":{"__proto__":"x","a":1}}`,
    );
    const result = validateEvent(sent, new Date(sent.timestamp));
    assert.equal(result.ok, false);
    assert.ok(
      !result.ok &&
        result.reasons.some((r) => r.path === "properties.__proto__" && /__proto__ is reserved/.test(r.message)),
      JSON.stringify(result),
    );
    const topLevel = JSON.parse(
      `{"eventId":"e","eventType":"page_view","sessionId":"s","timestamp":${pageView("e", "s").timestamp},"__proto__":{"userId":"x"}}`,
    );
    assert.equal(validateEvent(topLevel, new Date(topLevel.timestamp)).ok, false);
  });

  it("attack: epoch timestamps up to 8.64e15 never reach the lake; event time must lie within 7 days before and 15 minutes after arrival", () => {
    const arrival = new Date("2026-06-01T12:00:00.000Z");
    const at = (timestamp: number | string) => validateEvent({ ...pageView("e", "s"), timestamp }, arrival);
    const refusedWith = (timestamp: number | string) => {
      const result = at(timestamp);
      assert.equal(result.ok, false, `${timestamp} is refused`);
      return !result.ok ? result.reasons : [];
    };
    for (const far of [8.64e15, 8.64e15 - 1, Date.UTC(275760, 0, 1), Date.UTC(10000, 0, 1)]) refusedWith(far);
    assert.equal(refusedWith(arrival.getTime() + maxEventClockSkewMs + 1)[0].code, "timestamp_out_of_range");
    assert.equal(refusedWith(arrival.getTime() - maxEventAgeMs - 1)[0].code, "timestamp_out_of_range");
    assert.equal(refusedWith("9999-12-31T23:59:59-14:00")[0].code, "timestamp_out_of_range");
    for (const fine of [
      arrival.getTime(),
      arrival.getTime() + maxEventClockSkewMs,
      arrival.getTime() - maxEventAgeMs,
      "2026-06-01T13:05:00+01:00",
    ]) {
      const result = at(fine);
      assert.ok(result.ok, `${fine} is accepted`);
      assert.ok(
        result.ok && normalisedClickstreamEventSchema.safeParse(result.event).success,
        "and its lake line passes the lake schema",
      );
    }
    assert.equal((clickstreamEventJsonSchema() as any).properties.timestamp.maximum, maxEpochMillis);
    assert.equal(new Date(maxEpochMillis).toISOString(), "9999-12-31T23:59:59.999Z");
  });

  describe("request model (JSON Schema draft-04)", () => {
    const ours = clickstreamEventJsonSchema() as any;
    const fromZod = z.toJSONSchema(clickstreamEventSchema, {
      target: "draft-04",
      unrepresentable: "any",
      io: "input",
    }) as any;

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
      assert.equal(ours.properties.properties.maxProperties, maxPropertyCount);
    });

    it("uses only what API Gateway's OpenAPI 3.0 import keeps: one string type, no anyOf/oneOf, no propertyNames, boolean additionalProperties", () => {
      const allowed = new Set([
        "type",
        "properties",
        "required",
        "additionalProperties",
        "maxProperties",
        "minLength",
        "maxLength",
        "pattern",
        "enum",
        "minItems",
        "maxItems",
        "items",
        "minimum",
        "maximum",
      ]);
      const walk = (schema: Record<string, unknown>, path: string) => {
        for (const [keyword, value] of Object.entries(schema)) {
          assert.ok(allowed.has(keyword), `${path}: ${keyword} is outside the subset`);
          if (keyword === "type") assert.equal(typeof value, "string", `${path}: type is one string`);
          if (keyword === "additionalProperties")
            assert.equal(typeof value, "boolean", `${path}: additionalProperties is a boolean`);
        }
        for (const [name, child] of Object.entries(
          (schema.properties ?? {}) as Record<string, Record<string, unknown>>,
        ))
          walk(child, `${path}.${name}`);
        if (schema.items) walk(schema.items as Record<string, unknown>, `${path}[]`);
      };
      walk(ours, "event");
      assert.equal(ours.$schema, undefined, "nests without its own $schema");
    });
  });
});

describe("clickstream processor environment", () => {
  const readEnvironment = (env: Record<string, string>) => readContractEnvironment(clickstreamContract, env);
  it("applies defaults and treats a blank tracking id as Personalize disabled", () => {
    const env = readEnvironment({ FIREHOSE_STREAM_NAME: "lake", LAKE_BUCKET: "bucket", PERSONALIZE_TRACKING_ID: "  " });
    assert.deepEqual(env, {
      FIREHOSE_STREAM_NAME: "lake",
      LAKE_BUCKET: "bucket",
      QUARANTINE_PREFIX: "quarantine/",
      PERSONALIZE_TRACKING_ID: undefined,
      PERSONALIZE_CONCURRENCY: 8,
      POWERTOOLS_SERVICE_NAME: serviceName,
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
    });
    const custom = readEnvironment({
      FIREHOSE_STREAM_NAME: "l",
      LAKE_BUCKET: "b",
      QUARANTINE_PREFIX: "bad",
      PERSONALIZE_TRACKING_ID: "t-1",
      PERSONALIZE_CONCURRENCY: "3",
    });
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
        /PERSONALIZE_CONCURRENCY must be 1 to 64/.test(error.message) &&
        /^ClickstreamProcessor environment is invalid: /.test(error.message),
    );
  });
});

describe("clickstream sink call shapes", () => {
  const event = (eventId: string, sessionId: string, userId?: string) =>
    ({
      eventId,
      eventType: "product_view",
      sessionId,
      itemId: "X-1",
      timestamp: "",
      receivedAt: "",
      ...(userId ? { userId } : {}),
    }) as NormalisedClickstreamEvent & {
      itemId: string;
    };

  it("cuts Firehose calls at 500 records and at 4 MiB", () => {
    const small = Array.from({ length: 1200 }, (_, i) => ({ data: Buffer.from(`{"i":${i}}\n`), owner: i }));
    assert.deepEqual(
      firehoseChunks(small).map((c) => c.length),
      [500, 500, 200],
    );
    assert.deepEqual(
      firehoseChunks(small)
        .flat()
        .map((r) => r.owner),
      small.map((r) => r.owner),
      "order kept",
    );
    const big = Array.from({ length: 9 }, (_, i) => ({ data: Buffer.alloc(1000 * 1024, 97), owner: i }));
    const chunks = firehoseChunks(big);
    assert.deepEqual(
      chunks.map((c) => c.length),
      [4, 4, 1],
    );
    for (const chunk of chunks) assert.ok(chunk.reduce((n, r) => n + r.data.byteLength, 0) <= maxFirehoseBytesPerCall);
    assert.deepEqual(firehoseChunks([]), []);
  });

  it("a lake line is the event's JSON and a newline, in UTF-8, whatever characters it holds", () => {
    for (const text of ['{"a":1}', '{"url":"https://x.example/ü/✓/😀"}', JSON.stringify({ s: "\u0000\ud800" }), ""]) {
      assert.deepEqual(Buffer.from(jsonLine(text)), Buffer.from(`${text}\n`), text);
      assert.deepEqual(Buffer.from(jsonLine(text, Buffer.byteLength(text))), Buffer.from(`${text}\n`), text);
    }
  });

  it("Personalize is given an event's id, type, session, user, time and item, nothing of its page or properties", () => {
    const normalised = {
      ...event("e1", "s1", "u1"),
      page: { url: "https://shop.example.com/" },
      properties: { category: "kitchen" },
    };
    assert.deepEqual(personalizeEvent(normalised), {
      eventId: "e1",
      eventType: normalised.eventType,
      sessionId: "s1",
      userId: "u1",
      timestamp: normalised.timestamp,
      itemId: normalised.itemId,
    });
    assert.equal("userId" in personalizeEvent(event("e2", "s1")), false, "no userId key for an anonymous event");
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
    assert.deepEqual(
      calls[1].entries.map((e) => e.event.eventId),
      Array.from({ length: 10 }, (_, i) => `a${i + 10}`),
    );
  });
});
