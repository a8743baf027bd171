// One Idempotency-Key per checkout attempt: the same cart retried (after a network error, a
// 429 or a 5xx, or a reload mid-request) reuses the key, so the API stores the order once;
// a changed cart is a new attempt with a new key. Kept in sessionStorage for the reload case.
import type { CartLine } from "./cart";

const attemptKey = "shop.checkout.attempt";

const fingerprint = (lines: CartLine[]) =>
  JSON.stringify([...lines].sort((a, b) => a.sku.localeCompare(b.sku)).map((l) => [l.sku, l.quantity]));

export function idempotencyKeyFor(lines: CartLine[], storage: Storage = window.sessionStorage): string {
  const print = fingerprint(lines);
  try {
    const saved = JSON.parse(storage.getItem(attemptKey) ?? "null");
    if (saved && saved.fingerprint === print && typeof saved.key === "string") return saved.key;
  } catch {
    // a broken entry: start a new attempt
  }
  const key = crypto.randomUUID();
  storage.setItem(attemptKey, JSON.stringify({ fingerprint: print, key }));
  return key;
}

/** The attempt succeeded (or the cart was emptied): the next order gets a fresh key. */
export function endAttempt(storage: Storage = window.sessionStorage): void {
  storage.removeItem(attemptKey);
}
