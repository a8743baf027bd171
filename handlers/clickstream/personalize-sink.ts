// Sends the events that name a product to Amazon Personalize (PutEvents): one call per
// (sessionId, userId) and at most 10 events, calls in parallel up to a bound, throttling and
// 5xx retried with backoff. A call either succeeds or fails whole.
import { PutEventsCommand, type PutEventsCommandOutput } from "@aws-sdk/client-personalize-events";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { NormalisedClickstreamEvent } from "../shared/clickstream-event";
import { mapWithConcurrency } from "../lib/concurrency";
import { errorName, isRetryableAwsError, retrying, type RetryPolicy } from "../lib/retry";

/** The part of PersonalizeEventsClient this sink uses (tests inject a fake). */
export interface PersonalizeSender {
  send(command: PutEventsCommand): Promise<PutEventsCommandOutput>;
}

export const maxPersonalizeEventsPerCall = 10;

/** What PutEvents takes of a normalised event about a product (the rest stays in the lake). */
export type PersonalizeEvent = Pick<
  NormalisedClickstreamEvent,
  "eventId" | "eventType" | "sessionId" | "userId" | "timestamp"
> & { itemId: string };

/**
 * Only these fields, copied: a batch holds its Personalize entries until the calls are made,
 * and the whole normalised event (page, properties, arrival) would be held with them.
 */
export function personalizeEvent(event: NormalisedClickstreamEvent & { itemId: string }): PersonalizeEvent {
  const { eventId, eventType, sessionId, userId, timestamp, itemId } = event;
  return userId === undefined
    ? { eventId, eventType, sessionId, timestamp, itemId }
    : { eventId, eventType, sessionId, userId, timestamp, itemId };
}

export interface PersonalizeEntry<T> {
  event: PersonalizeEvent;
  owner: T;
  /** The event's time in epoch milliseconds, when the caller has it (saves parsing `event.timestamp` again). */
  timeMs?: number;
}

export interface PersonalizeCall<T> {
  sessionId: string;
  userId?: string;
  entries: PersonalizeEntry<T>[];
}

export interface PersonalizeOptions {
  client: PersonalizeSender;
  trackingId: string;
  concurrency: number;
  retry: RetryPolicy;
  logger: Logger;
}

export interface PersonalizeResult<T> {
  sent: number;
  /** Refused by Personalize as invalid input: retrying cannot help; they are in the lake. */
  rejected: PersonalizeEntry<T>[];
  /** Not accepted after every attempt (throttling, 5xx, permissions, unknown tracker). */
  failed: PersonalizeEntry<T>[];
  calls: number;
  /** Calls retried. */
  retries: number;
}

/** Groups by (sessionId, userId), keeping arrival order, in calls of ≤ 10 events. */
export function personalizeCalls<T>(entries: readonly PersonalizeEntry<T>[]): PersonalizeCall<T>[] {
  // The call still open for each session, then user (absent: undefined): no key string to build per event.
  const openCalls = new Map<string, Map<string | undefined, PersonalizeCall<T>>>();
  const calls: PersonalizeCall<T>[] = [];
  for (const entry of entries) {
    const { sessionId, userId } = entry.event;
    let ofSession = openCalls.get(sessionId);
    if (!ofSession) openCalls.set(sessionId, (ofSession = new Map()));
    let call = ofSession.get(userId);
    if (!call || call.entries.length === maxPersonalizeEventsPerCall) {
      call = { sessionId, userId, entries: [] };
      ofSession.set(userId, call);
      calls.push(call);
    }
    call.entries.push(entry);
  }
  return calls;
}

/**
 * The event's `properties` stay in the lake and are not sent: PutEvents reads their keys as
 * fields of the interactions schema (which has none beyond USER_ID, ITEM_ID, TIMESTAMP and
 * EVENT_TYPE) and refuses the whole call with InvalidInputException when a key is a reserved
 * word (userId, sessionId, eventType, timestamp, recommendationId, impression), so one
 * browser-chosen key would cost up to ten events their interaction.
 */
function putEventsCommand<T>(trackingId: string, call: PersonalizeCall<T>): PutEventsCommand {
  return new PutEventsCommand({
    trackingId,
    sessionId: call.sessionId,
    ...(call.userId !== undefined ? { userId: call.userId } : {}),
    eventList: call.entries.map(({ event, timeMs }) => ({
      eventId: event.eventId,
      eventType: event.eventType,
      sentAt: new Date(timeMs ?? event.timestamp),
      itemId: event.itemId,
    })),
  });
}

export async function sendToPersonalize<T>(
  entries: readonly PersonalizeEntry<T>[],
  options: PersonalizeOptions,
): Promise<PersonalizeResult<T>> {
  const result: PersonalizeResult<T> = { sent: 0, rejected: [], failed: [], calls: 0, retries: 0 };
  await mapWithConcurrency(personalizeCalls(entries), options.concurrency, async (call) => {
    let lastError: unknown;
    const outcome = await retrying(options.retry, async (attempt) => {
      if (attempt > 1) result.retries++;
      result.calls++;
      try {
        await options.client.send(putEventsCommand(options.trackingId, call));
        result.sent += call.entries.length;
        return "done";
      } catch (error) {
        if (errorName(error) === "InvalidInputException") {
          options.logger.warn("Personalize rejected events as invalid input; they are in the lake", {
            error: error as Error,
            eventIds: call.entries.map((e) => e.event.eventId),
          });
          result.rejected.push(...call.entries);
          return "done";
        }
        if (!isRetryableAwsError(error)) {
          options.logger.error("Personalize PutEvents failed", {
            error: error as Error,
            attempts: attempt,
            events: call.entries.length,
          });
          result.failed.push(...call.entries);
          return "done";
        }
        lastError = error;
        return "retry";
      }
    });
    if (outcome.exhausted) {
      options.logger.error("Personalize PutEvents failed", {
        error: lastError as Error,
        attempts: outcome.attempts,
        events: call.entries.length,
      });
      result.failed.push(...call.entries);
    }
  });
  return result;
}
