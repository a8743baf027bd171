// The one retry policy of every handler: bounded attempts, exponential backoff with full
// jitter (the AWS Architecture Blog's "Exponential Backoff And Jitter"), and optionally a
// deadline, so no attempt starts that could not end before the invocation does. SDK clients
// that retry here are built with maxAttempts 1, so each retry happens (and is counted) once.
import {
  isRetryableByTrait,
  isServerError,
  isThrottlingError,
  isTransientError,
} from "@smithy/service-error-classification";

export interface RetryPolicy {
  /** Attempts in total, the first included (Infinity: bounded by the deadline alone). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Full jitter (default): a wait drawn from [0, ceiling). false: the ceiling itself, a fixed schedule. */
  jitter?: boolean;
  sleep?: (ms: number) => Promise<void>;
  /** 0 ≤ random() < 1; the jitter source. */
  random?: () => number;
}

/** Time an invocation has left, and the longest one attempt may take. */
export interface RetryDeadline {
  timeLeftMs(): number;
  attemptMs: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Wait before retry number `retry` (1 = the first retry). */
export function backoffDelayMs(policy: RetryPolicy, retry: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return policy.jitter === false ? ceiling : Math.floor((policy.random ?? Math.random)() * ceiling);
}

export interface RetryOutcome {
  attempts: number;
  /** The last attempt still asked for another one, but the attempts or the time ran out. */
  exhausted: boolean;
}

/**
 * Runs `attempt(n)` until it answers "done", waiting the policy's backoff between attempts.
 * The attempt keeps its own state (what is still pending, the last error) in its closure, so
 * one loop serves whole-call retries and resend-only-the-failed-items retries alike.
 */
export async function retrying(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<"done" | "retry">,
  deadline?: RetryDeadline,
): Promise<RetryOutcome> {
  for (let n = 1; ; n++) {
    if ((await attempt(n)) === "done") return { attempts: n, exhausted: false };
    if (n >= policy.maxAttempts) return { attempts: n, exhausted: true };
    const delay = backoffDelayMs(policy, n);
    if (deadline && deadline.timeLeftMs() - delay < deadline.attemptMs) return { attempts: n, exhausted: true };
    await (policy.sleep ?? sleep)(delay);
  }
}

export interface RetryBudget {
  /** Epoch milliseconds by which the last attempt must have ended. */
  deadlineMs: number;
  /** Longest an attempt may take (the client's request timeout). */
  attemptMs: number;
  policy: RetryPolicy;
  now?: () => number;
}

/**
 * Runs `attempt` until `done(result)` or the budget is spent; returns the last result, or
 * throws the last error when the last attempt threw. Refuses to start without time for one attempt.
 */
export async function retryWithinBudget<T>(
  attempt: () => Promise<T>,
  done: (result: T) => boolean,
  budget: RetryBudget,
): Promise<T> {
  const now = budget.now ?? Date.now;
  if (now() + budget.attemptMs > budget.deadlineMs) {
    throw new Error(
      `no time left for a request: the deadline is ${budget.deadlineMs - now()} ms away, a request may take ${budget.attemptMs} ms`,
    );
  }
  let last: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  await retrying(
    budget.policy,
    async () => {
      try {
        last = { ok: true, value: await attempt() };
      } catch (error) {
        last = { ok: false, error };
      }
      return last.ok && done(last.value) ? "done" : "retry";
    },
    { timeLeftMs: () => budget.deadlineMs - now(), attemptMs: budget.attemptMs },
  );
  if (last!.ok) return last!.value;
  throw last!.error;
}

interface AwsErrorShape {
  name?: string;
  code?: string;
  $fault?: string;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
}

/**
 * Throttling, 5xx, timeouts and transport failures (no HTTP reply at all) may succeed later,
 * as the SDK's own classification (@smithy/service-error-classification) says; a 4xx such as
 * a validation or permission error will not, so it is not retried.
 */
export function isRetryableAwsError(error: unknown): boolean {
  const e = (error ?? {}) as AwsErrorShape & Error;
  if (
    isThrottlingError(e as never) ||
    isTransientError(e as never) ||
    isServerError(e as never) ||
    isRetryableByTrait(e as never)
  )
    return true;
  // Firehose signals throttling of a delivery stream with this name (HTTP 503).
  if (e.name === "ServiceUnavailableException") return true;
  return e.$metadata?.httpStatusCode === undefined && e.$fault !== "client";
}

export function errorName(error: unknown): string {
  return (error as AwsErrorShape | undefined)?.name ?? "Error";
}
