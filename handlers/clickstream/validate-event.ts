// Validates one decoded event against the shared contract and normalises it. An event that
// fails, or that is larger than Personalize accepts once normalised, comes back with the
// reasons a person needs to fix the producer.
import { isPlainValidEvent } from "./fast-event-check";
import {
  buildClickstreamEventSchema,
  type ClickstreamEvent,
  eventTimeMs,
  maxNormalisedEventBytes,
  normaliseClickstreamEvent,
  timestampProblem,
  type NormalisedClickstreamEvent,
} from "../shared/clickstream-event";

let eventSchema: ReturnType<typeof buildClickstreamEventSchema> | undefined;
/**
 * The shared schema, built on its first use: only an event the fast check cannot vouch for
 * needs it (for its reasons, or to accept an unusual form), and building it at load was about
 * a fifth of the processor's own top-level work at load.
 */
function clickstreamEventSchema() {
  eventSchema ??= buildClickstreamEventSchema();
  return eventSchema;
}

export interface RejectionReason {
  /** Dotted path into the event ("" for the event itself). */
  path: string;
  code: string;
  message: string;
}

export type Validation =
  | {
      ok: true;
      event: NormalisedClickstreamEvent;
      /** The normalised event's JSON, and its length in UTF-8 bytes. */
      json: string;
      bytes: number;
      /** Its time in epoch milliseconds. */
      timeMs: number;
    }
  | { ok: false; oversized: boolean; reasons: RejectionReason[] };

/** `receivedAtIso`: the arrival already formatted (one per record, not per event). */
export function validateEvent(value: unknown, receivedAt: Date, receivedAtIso?: string): Validation {
  let valid: ClickstreamEvent;
  if (isPlainValidEvent(value)) {
    valid = value;
  } else {
    const parsed = clickstreamEventSchema().safeParse(value);
    if (!parsed.success) {
      return {
        ok: false,
        oversized: false,
        reasons: parsed.error.issues.map((issue) => ({
          path: issue.path.join("."),
          code: issue.code,
          message: issue.message,
        })),
      };
    }
    valid = parsed.data;
  }
  // Parsed once: for the time window and for the stored form.
  const time = eventTimeMs(valid);
  const timeProblem = timestampProblem(valid, receivedAt, time);
  if (timeProblem !== undefined) {
    return {
      ok: false,
      oversized: false,
      reasons: [{ path: "timestamp", code: "timestamp_out_of_range", message: timeProblem }],
    };
  }
  const event = normaliseClickstreamEvent(valid, receivedAt, receivedAtIso, time);
  const json = JSON.stringify(event);
  const bytes = Buffer.byteLength(json);
  if (bytes > maxNormalisedEventBytes) {
    return {
      ok: false,
      oversized: true,
      reasons: [
        {
          path: "",
          code: "too_big",
          message: `normalised event is ${bytes} bytes; the limit is ${maxNormalisedEventBytes} (Personalize)`,
        },
      ],
    };
  }
  return { ok: true, event, json, bytes, timeMs: time };
}
