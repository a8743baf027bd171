import type { Locator } from "playwright-core";

/** Polls until `condition` holds (for effects outside the page, e.g. what a server received). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  what = "condition",
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Whether `locator` shows within `timeoutMs` (Playwright polls the page): for one look inside a
 * waitFor that asks the page again, so a look ends as soon as the answer is there.
 */
export function shownWithin(locator: Locator, timeoutMs: number): Promise<boolean> {
  return locator
    .first()
    .waitFor({ timeout: timeoutMs })
    .then(
      () => true,
      () => false,
    );
}
