// A few days of shop visits with known answers to every named query (test/analytics/queries.test.ts
// spells them out): five sessions on 2026-11-29/30 going different distances down the funnel,
// one earlier purchase on 2026-11-28 outside the default window, and three refused records.
import type { Arrival } from "./lake-writer";

type Raw = Record<string, unknown>;
let n = 0;

/** One event of `sessionId` arriving at `at` (ISO); the client stamped it a second earlier. */
function event(at: string, sessionId: string, eventType: string, extra: Raw = {}): Arrival {
  const arrival = new Date(at);
  return {
    at: arrival,
    record: {
      eventId: `evt-${++n}`,
      eventType,
      sessionId,
      timestamp: new Date(arrival.getTime() - 1000).toISOString(),
      ...extra,
    },
  };
}
const item = (itemId: string) => ({ itemId });
const search = (query: string) => ({ properties: { query, results: 3 } });

export const shopVisits: Arrival[] = [
  // 2026-11-28: bought straight from the product page.
  event("2026-11-28T15:00:00Z", "s0", "product_view", item("MUG")),
  event("2026-11-28T15:01:00Z", "s0", "add_to_cart", item("MUG")),
  event("2026-11-28T15:02:00Z", "s0", "checkout_start"),
  event("2026-11-28T15:03:00Z", "s0", "purchase", item("MUG")),

  // 2026-11-29 10h: s1 goes all the way; s2 leaves a cart.
  event("2026-11-29T10:00:00Z", "s1", "page_view", { page: { url: "https://shop.example.com/" } }),
  event("2026-11-29T10:01:00Z", "s1", "search", search("Mug ")),
  event("2026-11-29T10:02:00Z", "s1", "product_view", item("MUG")),
  event("2026-11-29T10:03:00Z", "s1", "add_to_cart", item("MUG")),
  event("2026-11-29T10:04:00Z", "s1", "checkout_start"),
  event("2026-11-29T10:05:00Z", "s1", "purchase", item("MUG")),
  event("2026-11-29T10:10:00Z", "s2", "search", search("teapot")),
  event("2026-11-29T10:11:00Z", "s2", "product_view", item("MUG")),
  event("2026-11-29T10:12:00Z", "s2", "product_view", item("TEAPOT")),
  event("2026-11-29T10:13:00Z", "s2", "add_to_cart", item("TEAPOT")),
  // 11h: s3 starts checkout and leaves.
  event("2026-11-29T11:00:00Z", "s3", "search", search("mug")),
  event("2026-11-29T11:01:00Z", "s3", "search", search(" TEAPOT")),
  event("2026-11-29T11:02:00Z", "s3", "product_view", item("TEAPOT")),
  event("2026-11-29T11:03:00Z", "s3", "add_to_cart", item("TEAPOT")),
  event("2026-11-29T11:04:00Z", "s3", "checkout_start"),

  // 2026-11-30 09h: s4 only looks; s5 buys from a shared cart link without a product view.
  event("2026-11-30T09:00:00Z", "s4", "page_view", { page: { url: "https://shop.example.com/" } }),
  event("2026-11-30T09:01:00Z", "s4", "search", search("lamp")),
  event("2026-11-30T09:02:00Z", "s4", "product_view", item("LAMP")),
  event("2026-11-30T09:10:00Z", "s5", "add_to_cart", item("LAMP")),
  event("2026-11-30T09:11:00Z", "s5", "checkout_start"),
  event("2026-11-30T09:12:00Z", "s5", "purchase", item("LAMP")),
  // Refused: an unknown type, a product view without its product, and a record that is not JSON.
  event("2026-11-30T09:20:00Z", "s4", "bogus"),
  event("2026-11-30T09:21:00Z", "s4", "product_view"),
  { at: new Date("2026-11-30T09:22:00Z"), record: Buffer.from("not json at all") },
];
