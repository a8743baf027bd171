// The clickstream contract shared by the collector's request model (API Gateway), the
// ClickstreamProcessor and the tests: what a browser may send as one event, and the
// normalised event the processor writes to the lake (one JSON line per event).
// Limits follow Amazon Personalize PutEvents (ids within its 256 chars, properties ≤ 1,024
// chars, event ≤ 10 KB) so that every valid event can be sent there unchanged (`properties` go to
// the lake only: the interactions schema has no field for them).
import { isoTimestamp } from "../lib/iso-timestamp";
import * as z from "../lib/zod";

export const clickstreamEventTypes = [
  "page_view",
  "product_view",
  "search",
  "add_to_cart",
  "remove_from_cart",
  "checkout_start",
  "purchase",
] as const;
export type ClickstreamEventType = (typeof clickstreamEventTypes)[number];

/** Event types about one product: they must carry the product's `itemId`. */
export const productEventTypes = ["product_view", "add_to_cart", "remove_from_cart", "purchase"] as const;
const productEventTypeSet: ReadonlySet<string> = new Set(productEventTypes);

/**
 * Ids (eventId, sessionId, userId, itemId): ASCII letters, digits and `_ . : -`, 1 to 128
 * characters. ASCII only, so every layer counts an id the same: the request model and zod (UTF-16
 * code units or code points), Kinesis' partition key (Unicode characters, ≤ 256) and
 * Personalize (≤ 256) all see the same length. A UUID, a Cognito `sub` and a sku all fit.
 */
export const idPattern = "^[A-Za-z0-9_.:-]{1,128}$";
export const maxIdLength = 128;
export const maxUrlLength = 2048;
export const maxTimestampLength = 64;
/** Property keys: 1-64 characters; the request model cannot bound keys (no propertyNames), zod does. */
export const maxPropertyKeyLength = 64;
export const maxPropertyStringLength = 256;
export const maxPropertyCount = 32;
/** Personalize: the `properties` JSON string is at most 1,024 characters. */
export const maxSerialisedPropertiesLength = 1024;
/** Personalize: an event is at most 10 KB; measured on the normalised event's JSON (UTF-8). */
export const maxNormalisedEventBytes = 10 * 1024;
/** Epoch-millisecond timestamps before 2000-01-01 are refused: almost surely seconds sent as ms. */
export const minEpochMillis = Date.UTC(2000, 0, 1);
/** The last millisecond of year 9999: later instants have no four-digit-year ISO form. */
export const maxEpochMillis = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/**
 * How far an event's own time may lie from when Kinesis accepted it: at most 7 days before
 * (a browser flushing a queue kept while offline) and 15 minutes after (client clock skew).
 * Outside that window the event is quarantined with the reason.
 */
export const maxEventAgeMs = 7 * 24 * 3600 * 1000;
export const maxEventClockSkewMs = 15 * 60 * 1000;
/** Events per `POST /events` request (Kinesis PutRecords: ≤ 500 records per call). */
export const maxEventsPerRequest = 500;

const idRegExp = new RegExp(idPattern);

/**
 * The first two of `keys` that are one key once lowercased, if any. Athena reads the lake with
 * the OpenX JSON SerDe, case-insensitive: it lowercases every key as it parses a line, and
 * keys that then collide make the line "not a valid JSON Object - JSONException: Duplicate
 * key", which fails every query over it (Athena's OpenX JSON SerDe page, case.insensitive).
 */
export function caseCollision(keys: readonly string[]): [string, string] | undefined {
  if (keys.length < 2) return undefined;
  const seen = new Map<string, string>();
  for (const key of keys) {
    const lower = key.toLowerCase();
    const first = seen.get(lower);
    if (first !== undefined) return [first, key];
    seen.set(lower, key);
  }
  return undefined;
}

const id = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .check(
      z.minLength(1, { error: `${field} must not be empty` }),
      z.maxLength(maxIdLength, { error: `${field} is at most ${maxIdLength} characters` }),
      z.regex(idRegExp, { error: `${field} may hold only A-Z a-z 0-9 _ . : - (1 to ${maxIdLength} characters)` }),
    );

/**
 * One raw event as a browser sends it. Strict: unknown fields are refused, not silently dropped.
 * Built by a function, so that the processor, which needs it only for an event its fast check
 * cannot vouch for (handlers/clickstream/validate-event.ts), builds it on that first use rather
 * than at every cold start; everyone else reads `clickstreamEventSchema`, built once at load.
 */
export function buildClickstreamEventSchema() {
  const propertyValue = z.union(
    [
      z.string().check(
        z.maxLength(maxPropertyStringLength, {
          error: `property values are at most ${maxPropertyStringLength} characters`,
        }),
      ),
      z.number(),
      z.boolean(),
      z.null(),
    ],
    { error: "property values must be strings, numbers, booleans or null (properties are flat)" },
  );

  const propertiesRecord = z.record(z.string(), propertyValue, { error: "properties must be a flat object" }).check(
    z.refine((p) => Object.keys(p).length <= maxPropertyCount, {
      error: `properties has at most ${maxPropertyCount} keys`,
    }),
    z.refine((p) => JSON.stringify(p).length <= maxSerialisedPropertiesLength, {
      error: `properties serialised as JSON are at most ${maxSerialisedPropertiesLength} characters`,
    }),
  );

  /**
   * Checks on the keys as sent, before zod copies them: a key must be 1-64 characters (named in
   * the message shortened, so a huge key does not bloat the reason), and `__proto__` is refused
   * by name. JSON.parse keeps `__proto__` as an own property, but copying it into a new object
   * (as zod's record does) drops it without a trace; refusing it keeps what the browser sent
   * whole in the quarantine, with this reason, instead of changing it silently. A pipe: when a
   * key is refused, the record is not checked (nor copied) at all. Two keys that differ only
   * in case are refused too (see caseCollision).
   */
  const propertyKeys = z.unknown().check(
    z.superRefine((value, ctx) => {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return;
      const keys = Object.keys(value);
      let keysFit = true;
      for (const key of keys) {
        if (key === "__proto__") {
          keysFit = false;
          ctx.addIssue({
            code: "custom",
            path: ["__proto__"],
            message: "the property key __proto__ is reserved (JavaScript objects cannot keep it)",
            input: value,
          });
        } else if (key.length === 0 || key.length > maxPropertyKeyLength) {
          keysFit = false;
          const shown = key.length > 32 ? `${key.slice(0, 32)}…` : key;
          ctx.addIssue({
            code: "custom",
            message: `property keys are 1 to ${maxPropertyKeyLength} characters; ${JSON.stringify(shown)} has ${key.length}`,
            input: value,
          });
        }
      }
      // Named in full only once every key is known to be short.
      const clash = keysFit ? caseCollision(keys) : undefined;
      if (clash)
        ctx.addIssue({
          code: "custom",
          message: `property keys ${JSON.stringify(clash[0])} and ${JSON.stringify(clash[1])} differ only in case; the lake's reader (Athena) cannot tell them apart`,
          input: value,
        });
    }),
  );
  const properties = z.pipe(propertyKeys, propertiesRecord);

  return z
    .strictObject({
      eventId: id("eventId"),
      eventType: z.enum(clickstreamEventTypes, {
        error: `eventType must be one of ${clickstreamEventTypes.join(", ")}`,
      }),
      sessionId: id("sessionId"),
      userId: z.optional(id("userId")),
      itemId: z.optional(id("itemId")),
      timestamp: z.union(
        [
          z.iso
            .datetime({ offset: true, error: "timestamp must be an ISO-8601 date-time" })
            .check(z.maxLength(maxTimestampLength)),
          z.number().check(
            z.int({ error: "timestamp in epoch milliseconds must be a whole number" }),
            z.minimum(minEpochMillis, {
              error: "timestamp in epoch milliseconds must be after 2000-01-01 (seconds sent?)",
            }),
            z.maximum(maxEpochMillis, { error: "timestamp in epoch milliseconds must be before year 10000" }),
          ),
        ],
        { error: "timestamp must be an ISO-8601 date-time string or epoch milliseconds" },
      ),
      page: z.optional(
        z.strictObject({
          url: z
            .string()
            .check(
              z.minLength(1, { error: "page.url must not be empty" }),
              z.maxLength(maxUrlLength, { error: `page.url is at most ${maxUrlLength} characters` }),
            ),
          referrer: z.optional(
            z
              .string()
              .check(z.maxLength(maxUrlLength, { error: `page.referrer is at most ${maxUrlLength} characters` })),
          ),
        }),
      ),
      properties: z.optional(properties),
    })
    .check(
      z.superRefine((event, ctx) => {
        if (productEventTypeSet.has(event.eventType) && event.itemId === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["itemId"],
            message: `itemId is required for ${event.eventType} events`,
          });
        }
      }),
    );
}

/** The schema of one raw event (see buildClickstreamEventSchema). Pure: a bundle that never reads it never builds it. */
export const clickstreamEventSchema = /* @__PURE__ */ buildClickstreamEventSchema();
export type ClickstreamEvent = z.infer<typeof clickstreamEventSchema>;

/**
 * The event as the processor stores it in the lake: `timestamp` and `receivedAt` are ISO-8601
 * UTC with milliseconds (`receivedAt` = when Kinesis accepted the record, so a resent record
 * gives the same line); absent optional fields are left out, never null.
 */
export const normalisedClickstreamEventSchema = z.strictObject({
  eventId: z.string(),
  eventType: z.enum(clickstreamEventTypes),
  sessionId: z.string(),
  userId: z.optional(z.string()),
  itemId: z.optional(z.string()),
  timestamp: z.iso.datetime(),
  receivedAt: z.iso.datetime(),
  page: z.optional(z.strictObject({ url: z.string(), referrer: z.optional(z.string()) })),
  properties: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
});
export type NormalisedClickstreamEvent = z.infer<typeof normalisedClickstreamEventSchema>;

/** The event's own time in epoch milliseconds (NaN when its text names no instant). */
export function eventTimeMs(event: ClickstreamEvent): number {
  return typeof event.timestamp === "number" ? event.timestamp : Date.parse(event.timestamp);
}

/**
 * Why an event's time cannot be stored, or undefined when it can: it must be a real instant
 * within [arrival - maxEventAgeMs, arrival + maxEventClockSkewMs]. (`time`: eventTimeMs, when
 * the caller has it already.)
 */
export function timestampProblem(
  event: ClickstreamEvent,
  receivedAt: Date,
  time = eventTimeMs(event),
): string | undefined {
  if (Number.isNaN(time)) return "timestamp is not a real instant";
  const arrival = receivedAt.getTime();
  if (time < arrival - maxEventAgeMs)
    return `timestamp is more than ${maxEventAgeMs / 86_400_000} days before the event reached the stream`;
  if (time > arrival + maxEventClockSkewMs)
    return `timestamp is more than ${maxEventClockSkewMs / 60_000} minutes after the event reached the stream`;
  return undefined;
}

/**
 * Puts a valid raw event in the stored shape. `receivedAtIso` (the arrival already formatted,
 * shared by a record's events) and `time` (eventTimeMs) save the work when the caller has them.
 */
export function normaliseClickstreamEvent(
  event: ClickstreamEvent,
  receivedAt: Date,
  receivedAtIso = isoTimestamp(receivedAt.getTime()),
  time = eventTimeMs(event),
): NormalisedClickstreamEvent {
  const normalised: NormalisedClickstreamEvent = {
    eventId: event.eventId,
    eventType: event.eventType,
    sessionId: event.sessionId,
    timestamp: isoTimestamp(time),
    receivedAt: receivedAtIso,
  };
  if (event.userId !== undefined) normalised.userId = event.userId;
  if (event.itemId !== undefined) normalised.itemId = event.itemId;
  if (event.page !== undefined) {
    normalised.page =
      event.page.referrer === undefined
        ? { url: event.page.url }
        : { url: event.page.url, referrer: event.page.referrer };
  }
  if (event.properties !== undefined) normalised.properties = event.properties;
  return normalised;
}

type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema draft-04 of ONE raw event, for the API Gateway request model
 * (`{ "events": { "type": "array", "minItems": 1, "maxItems": 500, "items": <this> } }`).
 * Only what API Gateway's OpenAPI 3.0 import keeps: one string `type` per schema (timestamp,
 * a string or a number, has none: its maxLength binds strings and minimum/maximum numbers),
 * no anyOf, no propertyNames, no schema-valued additionalProperties. What this subset cannot
 * say the processor checks with zod and quarantines with the reason: ISO date-time syntax,
 * the timestamp window, itemId on product events, and inside `properties` the key length,
 * value types and lengths and the 1,024-character bound. No `$schema` key, so it nests.
 */
export function clickstreamEventJsonSchema(): JsonSchema {
  const idSchema = { type: "string", minLength: 1, maxLength: maxIdLength, pattern: idPattern };
  return {
    type: "object",
    additionalProperties: false,
    required: ["eventId", "eventType", "sessionId", "timestamp"],
    properties: {
      eventId: idSchema,
      eventType: { type: "string", enum: [...clickstreamEventTypes] },
      sessionId: idSchema,
      userId: idSchema,
      itemId: idSchema,
      timestamp: { minLength: 1, maxLength: maxTimestampLength, minimum: minEpochMillis, maximum: maxEpochMillis },
      page: {
        type: "object",
        additionalProperties: false,
        required: ["url"],
        properties: {
          url: { type: "string", minLength: 1, maxLength: maxUrlLength },
          referrer: { type: "string", maxLength: maxUrlLength },
        },
      },
      properties: { type: "object", maxProperties: maxPropertyCount },
    },
  };
}
