// The clickstream tracker in a real browser: nothing is lost when /events fails mid-visit or
// the page is reloaded, only the events the collector reports failed are sent again, and every
// event is one the shared contract accepts.
import { strict as assert } from "node:assert";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { clickstreamEventSchema } from "../../handlers/shared/clickstream-event";
import { closeContexts, requireChromium, sharedChromium } from "../../testing/chromium";
import { startFakeShop, type FakeShop } from "../../testing/fake-shop";
import { waitFor } from "../../testing/wait";

declare const localStorage: any; // in page.evaluate callbacks, which run in the page

describe("storefront in Chromium: clickstream tracker", function () {
  requireChromium(this);
  let browser: Browser;
  let shop: FakeShop;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    browser = await sharedChromium();
  });
  after(async () => closeContexts(browser));
  beforeEach(async () => {
    shop = await startFakeShop();
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
    await shop?.stop();
  });

  const queued = () =>
    page.evaluate(() =>
      JSON.parse(localStorage.getItem("shop.tracker.queue") ?? "[]").map((q: any) => q.event.eventId as string),
    );

  it("/events unreachable mid-visit, then a reload: every event arrives once the network is back", async () => {
    await page.goto(shop.siteUrl);
    await page.getByRole("link", { name: "Zip Hoodie, Heather Grey" }).waitFor();
    await waitFor(() => shop.events.length > 0, 15_000, "first page view delivered");
    let refused = 0;
    await page.route("**/v1/events**", (route) => {
      refused += 1;
      return route.abort("internetdisconnected");
    });
    await page.getByRole("link", { name: "Zip Hoodie, Heather Grey" }).click();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByLabel("Search").fill("socks");
    await page.getByLabel("Search").press("Enter");
    await page.getByRole("link", { name: /Socks/ }).first().click();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await waitFor(() => refused > 0, 15_000, "a send was attempted and failed");
    const waiting: string[] = await queued();
    assert.ok(waiting.length >= 6, `events wait in the queue (${waiting.length})`);
    // Reload while still offline: the queue is in localStorage, not in the page.
    await page.reload();
    await page.getByRole("button", { name: "Add to cart" }).waitFor();
    assert.ok((await queued()).length > waiting.length, "the reload's page view joined the queue");
    await page.unroute("**/v1/events**");
    await waitFor(async () => (await queued()).length === 0, 70_000, "queue drained after backoff");
    const delivered = new Set(shop.events.map((e) => e.event.eventId));
    for (const id of waiting) assert.ok(delivered.has(id), `event ${id} delivered`);
    const types = new Set(shop.events.map((e) => e.event.eventType));
    for (const t of ["page_view", "product_view", "add_to_cart", "search"]) assert.ok(types.has(t), t);
  });

  it("only the events at failedIndexes are sent again", async () => {
    // The page's clock is Playwright's and moves only when the test moves it, so the three page
    // views below share one batch however slowly a loaded machine navigates.
    await page.clock.install();
    await page.goto(shop.siteUrl);
    /** Moves the page's clock on (the tracker's flush and backoff) until `done`. */
    const advanceUntil = (done: () => boolean | Promise<boolean>, what: string) =>
      waitFor(
        async () => {
          await page.clock.runFor(500);
          return done();
        },
        20_000,
        what,
      );
    await advanceUntil(() => shop.events.length > 0, "first page view delivered");
    shop.events.length = 0;
    const bodies: string[][] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/v1/events") && r.method() === "POST")
        bodies.push(JSON.parse(r.postData() ?? "{}").events.map((e: any) => e.eventId));
    });
    shop.failNextEventIndexes([1]);
    // Three navigations: three page views in one batch (the flush waits 2 s of the page's clock).
    for (const name of ["Apparel", "Footwear", "Home"]) {
      await page.getByRole("link", { name: "Storefront", exact: true }).click();
      await page.getByRole("link", { name, exact: true }).click();
    }
    await advanceUntil(() => bodies.length >= 2, "a resend");
    const [first, second] = bodies;
    assert.ok(first.length >= 2);
    assert.ok(second.includes(first[1]), "the failed event is sent again");
    assert.deepEqual(
      second.filter((id) => first.includes(id)),
      [first[1]],
      "no accepted event is sent again",
    );
    await advanceUntil(async () => (await queued()).length === 0, "the queue drained");
    assert.equal(new Set(shop.events.map((e) => e.event.eventId)).size, shop.events.length, "no event delivered twice");
  });

  it("every event sent passes the shared contract; the page keeps working while /events hangs", async () => {
    await page.route("**/v1/events**", () => undefined); // never answered
    await page.goto(shop.siteUrl);
    await page.getByRole("link", { name: "Classic Crew Tee, Black" }).click();
    const started = Date.now();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByRole("link", { name: "Cart (1)" }).waitFor();
    assert.ok(Date.now() - started < 5000, "adding to the cart does not wait for the tracker");
    const events = await page.evaluate(() =>
      JSON.parse(localStorage.getItem("shop.tracker.queue") ?? "[]").map((q: any) => q.event),
    );
    assert.ok(events.length >= 3);
    for (const event of events)
      assert.equal(clickstreamEventSchema.safeParse(event).success, true, JSON.stringify(event));
    assert.ok(
      events.every((e: any) => e.userId === undefined),
      "the browser never sets userId",
    );
  });
});
