// The clickstream contract shared by the collector's request model (API Gateway), the
// ClickstreamProcessor and the tests: what a browser may send as one event, and the
// normalised event the processor writes to the lake (one JSON line per event).
// Limits follow Amazon Personalize PutEvents (ids ≤ 256 chars, properties ≤ 1,024 chars,
// event ≤ 10 KB) so that every valid event can be sent there unchanged (`properties` go to
// the lake only: the interactions schema has no field for them).
// Namespace import: lets esbuild tree-shake zod (the `{ z }` form bundles all of it, ~450 KB).
import * as z from "zod";

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

/** Personalize's limit for eventId, sessionId, userId and itemId (also Kinesis' partition-key limit). */
export const maxIdLength = 256;
export const maxUrlLength = 2048;
export const maxTimestampLength = 64;
export const maxPropertyStringLength = 256;
export const maxPropertyCount = 32;
/** Personalize: the `properties` JSON string is at most 1,024 characters. */
export const maxSerialisedPropertiesLength = 1024;
/** Personalize: an event is at most 10 KB; measured on the normalised event's JSON (UTF-8). */
export const maxNormalisedEventBytes = 10 * 1024;
/** Epoch-millisecond timestamps before 2000-01-01 are refused: almost surely seconds sent as ms. */
export const minEpochMillis = Date.UTC(2000, 0, 1);
/** The largest instant a JavaScript Date can hold. */
export const maxEpochMillis = 8.64e15;
/** Events per `POST /events` request (Kinesis PutRecords: ≤ 500 records per call). */
export const maxEventsPerRequest = 500;

const id = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .min(1, { error: `${field} must not be empty` })
    .max(maxIdLength, { error: `${field} is at most ${maxIdLength} characters` });

const propertyValue = z.union(
  [z.string().max(maxPropertyStringLength, { error: `property values are at most ${maxPropertyStringLength} characters` }), z.number(), z.boolean(), z.null()],
  { error: "property values must be strings, numbers, booleans or null (properties are flat)" },
);

/** One raw event as a browser sends it. Strict: unknown fields are refused, not silently dropped. */
export const clickstreamEventSchema = z
  .strictObject({
    eventId: id("eventId"),
    eventType: z.enum(clickstreamEventTypes, { error: `eventType must be one of ${clickstreamEventTypes.join(", ")}` }),
    sessionId: id("sessionId"),
    userId: id("userId").optional(),
    itemId: id("itemId").optional(),
    timestamp: z.union(
      [
        z.iso.datetime({ offset: true, error: "timestamp must be an ISO-8601 date-time" }).max(maxTimestampLength),
        z
          .number()
          .int({ error: "timestamp in epoch milliseconds must be a whole number" })
          .min(minEpochMillis, { error: "timestamp in epoch milliseconds must be after 2000-01-01 (seconds sent?)" })
          .max(maxEpochMillis),
      ],
      { error: "timestamp must be an ISO-8601 date-time string or epoch milliseconds" },
    ),
    page: z
      .strictObject({
        url: z.string().min(1, { error: "page.url must not be empty" }).max(maxUrlLength, { error: `page.url is at most ${maxUrlLength} characters` }),
        referrer: z.string().max(maxUrlLength, { error: `page.referrer is at most ${maxUrlLength} characters` }).optional(),
      })
      .optional(),
    properties: z
      .record(z.string(), propertyValue, { error: "properties must be a flat object" })
      .refine((p) => Object.keys(p).length <= maxPropertyCount, { error: `properties has at most ${maxPropertyCount} keys` })
      .refine((p) => JSON.stringify(p).length <= maxSerialisedPropertiesLength, {
        error: `properties serialised as JSON are at most ${maxSerialisedPropertiesLength} characters`,
      })
      .optional(),
  })
  .superRefine((event, ctx) => {
    if (productEventTypeSet.has(event.eventType) && event.itemId === undefined) {
      ctx.addIssue({ code: "custom", path: ["itemId"], message: `itemId is required for ${event.eventType} events` });
    }
  });
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
  userId: z.string().optional(),
  itemId: z.string().optional(),
  timestamp: z.iso.datetime(),
  receivedAt: z.iso.datetime(),
  page: z.strictObject({ url: z.string(), referrer: z.string().optional() }).optional(),
  properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type NormalisedClickstreamEvent = z.infer<typeof normalisedClickstreamEventSchema>;

/** Puts a valid raw event in the stored shape. */
export function normaliseClickstreamEvent(event: ClickstreamEvent, receivedAt: Date): NormalisedClickstreamEvent {
  const normalised: NormalisedClickstreamEvent = {
    eventId: event.eventId,
    eventType: event.eventType,
    sessionId: event.sessionId,
    timestamp: new Date(event.timestamp).toISOString(),
    receivedAt: receivedAt.toISOString(),
  };
  if (event.userId !== undefined) normalised.userId = event.userId;
  if (event.itemId !== undefined) normalised.itemId = event.itemId;
  if (event.page !== undefined) {
    normalised.page = event.page.referrer === undefined ? { url: event.page.url } : { url: event.page.url, referrer: event.page.referrer };
  }
  if (event.properties !== undefined) normalised.properties = event.properties;
  return normalised;
}

type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema draft-04 of ONE raw event, for the API Gateway request model
 * (`{ "events": { "type": "array", "minItems": 1, "maxItems": 500, "items": <this> } }`).
 * Same required fields, enums and length limits as `clickstreamEventSchema`; what draft-04
 * cannot say (ISO date-time syntax, the 1,024-character properties bound) the processor
 * still checks, and what fails there is quarantined with its reason. No `$schema` key, so
 * it nests; the caller puts `$schema` on the model's root.
 */
export function clickstreamEventJsonSchema(): JsonSchema {
  const idSchema = { type: "string", minLength: 1, maxLength: maxIdLength };
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
      // Draft-04 allows one schema over two types: maxLength binds strings, minimum/maximum numbers.
      timestamp: { type: ["string", "integer"], minLength: 1, maxLength: maxTimestampLength, minimum: minEpochMillis, maximum: maxEpochMillis },
      page: {
        type: "object",
        additionalProperties: false,
        required: ["url"],
        properties: {
          url: { type: "string", minLength: 1, maxLength: maxUrlLength },
          referrer: { type: "string", maxLength: maxUrlLength },
        },
      },
      properties: {
        type: "object",
        maxProperties: maxPropertyCount,
        additionalProperties: { type: ["string", "number", "boolean", "null"], maxLength: maxPropertyStringLength },
      },
    },
    // Product events must name the product.
    anyOf: [
      { properties: { eventType: { enum: clickstreamEventTypes.filter((t) => !productEventTypeSet.has(t)) } } },
      { required: ["itemId"] },
    ],
  };
}
