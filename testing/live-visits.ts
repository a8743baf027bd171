// The shop visits of shop-visits.ts as a browser would send them to local mode's POST /events
// today: the same six sessions going different distances down the funnel, stamped just before
// now (the processor refuses client times far from arrival), plus two events the API's model
// admits but the processor's contract refuses, for the quarantine.
type Raw = Record<string, unknown>;

export interface LiveVisits {
  /** Events the lake should accept. */
  accepted: Raw[];
  /** Events the processor should quarantine. */
  refused: Raw[];
}

export function liveVisits(runId: string, now = new Date()): LiveVisits {
  let n = 0;
  const event = (sessionId: string, eventType: string, extra: Raw = {}): Raw => ({
    eventId: `${runId}-evt-${++n}`,
    eventType,
    sessionId: `${runId}-${sessionId}`,
    // A second apart, in order, ending a minute before now.
    timestamp: new Date(now.getTime() - 60_000 - (40 - n) * 1000).toISOString(),
    ...extra,
  });
  const item = (itemId: string) => ({ itemId });
  const search = (query: string) => ({ properties: { query, results: 3 } });
  const home = { page: { url: "https://shop.example.com/" } };
  const accepted = [
    // s0: bought straight from the product page.
    event("s0", "product_view", item("MUG")),
    event("s0", "add_to_cart", item("MUG")),
    event("s0", "checkout_start"),
    event("s0", "purchase", item("MUG")),
    // s1 goes all the way; s2 leaves a cart; s3 starts checkout and leaves.
    event("s1", "page_view", home),
    event("s1", "search", search("Mug ")),
    event("s1", "product_view", item("MUG")),
    event("s1", "add_to_cart", item("MUG")),
    event("s1", "checkout_start"),
    event("s1", "purchase", item("MUG")),
    event("s2", "search", search("teapot")),
    event("s2", "product_view", item("MUG")),
    event("s2", "product_view", item("TEAPOT")),
    event("s2", "add_to_cart", item("TEAPOT")),
    event("s3", "search", search("mug")),
    event("s3", "search", search(" TEAPOT")),
    event("s3", "product_view", item("TEAPOT")),
    event("s3", "add_to_cart", item("TEAPOT")),
    event("s3", "checkout_start"),
    // s4 only looks; s5 buys from a shared cart link without a product view.
    event("s4", "page_view", home),
    event("s4", "search", search("lamp")),
    event("s4", "product_view", item("LAMP")),
    event("s5", "add_to_cart", item("LAMP")),
    event("s5", "checkout_start"),
    event("s5", "purchase", item("LAMP")),
  ];
  const refused = [
    // A product view without its product, and a time that is no instant.
    event("s4", "product_view"),
    { ...event("s4", "page_view", home), timestamp: "yesterday at noon" },
  ];
  return { accepted, refused };
}
