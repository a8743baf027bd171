// A fast check for the common, valid event, run before the shared zod schema: it answers
// "valid as it is" only for a plain event that the schema certainly accepts unchanged, and
// "ask the schema" for anything else (which then also gives the reasons). zod on every event
// was the largest part of the processor's CPU per event; the schema stays the definition, and
// a property test holds this check to it (it never accepts what the schema refuses).
import {
  caseCollision,
  type ClickstreamEvent,
  clickstreamEventTypes,
  idPattern,
  maxEpochMillis,
  maxPropertyCount,
  maxPropertyKeyLength,
  maxPropertyStringLength,
  maxSerialisedPropertiesLength,
  maxUrlLength,
  minEpochMillis,
  productEventTypes,
} from "../shared/clickstream-event";
import { isoTimestamp } from "../lib/iso-timestamp";

const idRegExp = new RegExp(idPattern);
const eventTypes: ReadonlySet<string> = new Set(clickstreamEventTypes);
const productTypes: ReadonlySet<string> = new Set(productEventTypes);
const eventKeys: ReadonlySet<string> = new Set([
  "eventId",
  "eventType",
  "sessionId",
  "userId",
  "itemId",
  "timestamp",
  "page",
  "properties",
]);
/** `Date.prototype.toISOString`'s own form (what the storefront's tracker sends). */
const isoMillisUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const isId = (v: unknown) => typeof v === "string" && idRegExp.test(v);
const isOptionalId = (v: unknown) => v === undefined || isId(v);

function isPlainTimestamp(v: unknown): boolean {
  if (typeof v === "number") return Number.isInteger(v) && v >= minEpochMillis && v <= maxEpochMillis;
  // A real instant written exactly as toISOString writes it (the round trip rules out 2025-02-30 and the like).
  if (typeof v !== "string" || !isoMillisUtc.test(v)) return false;
  const time = Date.parse(v);
  return !Number.isNaN(time) && isoTimestamp(time) === v;
}

function isPlainPage(v: unknown): boolean {
  if (v === undefined) return true;
  if (!isPlainObject(v)) return false;
  for (const key in v) if (key !== "url" && key !== "referrer") return false;
  const { url, referrer } = v;
  return (
    typeof url === "string" &&
    url.length >= 1 &&
    url.length <= maxUrlLength &&
    (referrer === undefined || (typeof referrer === "string" && referrer.length <= maxUrlLength))
  );
}

/**
 * JSON text of a character at most (`\uXXXX`), and of a number at most
 * ("-2.2250738585072014e-308"; NaN and Infinity are written as null).
 */
const maxJsonCharLength = 6;
const maxJsonNumberLength = 24;

function isPlainProperties(v: unknown): boolean {
  if (v === undefined) return true;
  if (!isPlainObject(v)) return false;
  let count = 0;
  // What JSON.stringify(v).length can be at most: "{}" and, per entry, `"key":value,`.
  let jsonLengthBound = 2;
  const keys = Object.keys(v);
  for (const key of keys) {
    if (++count > maxPropertyCount || key === "__proto__" || key.length === 0 || key.length > maxPropertyKeyLength)
      return false;
    const value = v[key];
    let valueBound: number;
    if (typeof value === "string") {
      if (value.length > maxPropertyStringLength) return false;
      valueBound = 2 + maxJsonCharLength * value.length;
    } else if (typeof value === "number") valueBound = maxJsonNumberLength;
    else if (typeof value === "boolean" || value === null) valueBound = 5;
    else return false;
    jsonLengthBound += 2 + maxJsonCharLength * key.length + 1 + valueBound + 1;
  }
  if (caseCollision(keys)) return false;
  // Serialised only when the bound does not already settle it (an ordinary event's never does).
  return jsonLengthBound <= maxSerialisedPropertiesLength || JSON.stringify(v).length <= maxSerialisedPropertiesLength;
}

/** True only when the shared schema certainly accepts `value` as it is (its output equals its input). */
export function isPlainValidEvent(value: unknown): value is ClickstreamEvent {
  if (!isPlainObject(value)) return false;
  for (const key in value) if (!eventKeys.has(key)) return false;
  const { eventType, itemId } = value;
  return (
    isId(value.eventId) &&
    typeof eventType === "string" &&
    eventTypes.has(eventType) &&
    isId(value.sessionId) &&
    isOptionalId(value.userId) &&
    isOptionalId(itemId) &&
    (itemId !== undefined || !productTypes.has(eventType)) &&
    isPlainTimestamp(value.timestamp) &&
    isPlainPage(value.page) &&
    isPlainProperties(value.properties)
  );
}
