// Retries within one deadline. SearchAccess runs once per deployment, right after the domain
// is created, when the domain may still answer 5xx (not ready), 403/401 (the IAM master role
// not yet recognised) or 429, or not answer at all. Every attempt and every wait must end
// before the Lambda's own timeout, so the whole run shares one deadline: a wait is taken only
// if a full attempt still fits after it; otherwise the last answer (or error) stands.

export interface RetryBudget {
  /** Epoch milliseconds by which the last attempt must have ended. */
  deadlineMs: number;
  /** Longest an attempt may take (the client's request timeout). */
  attemptMs: number;
  /** Waits between attempts; the last one repeats. */
  delaysMs: readonly number[];
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Statuses a freshly created domain answers before it accepts its master role. */
export const isRetryableStatus = (status: number) => status >= 500 || status === 429 || status === 403 || status === 401;

/**
 * Runs `attempt` until `done(result)` or the budget is spent; returns the last result, or
 * throws the last error when the last attempt threw.
 */
export async function retryWithinBudget<T>(attempt: () => Promise<T>, done: (result: T) => boolean, budget: RetryBudget): Promise<T> {
  const now = budget.now ?? Date.now;
  const sleep = budget.sleep ?? ((ms: number) => new Promise<void>((resume) => setTimeout(resume, ms)));
  for (let tries = 0; ; tries++) {
    if (tries === 0 && now() + budget.attemptMs > budget.deadlineMs) {
      throw new Error(`no time left for a request: the deadline is ${budget.deadlineMs - now()} ms away, a request may take ${budget.attemptMs} ms`);
    }
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await attempt() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (outcome.ok && done(outcome.value)) return outcome.value;
    const wait = budget.delaysMs[Math.min(tries, budget.delaysMs.length - 1)] ?? 0;
    if (now() + wait + budget.attemptMs > budget.deadlineMs) {
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    }
    await sleep(wait);
  }
}
