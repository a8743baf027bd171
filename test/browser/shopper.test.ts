// The storefront in a real browser: a shopper's visit from the home page to an order in their
// history, and the clickstream it feeds.
import { strict as assert } from "node:assert";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startFakeShop, type FakeShop } from "../../testing/fake-shop";
import { closeContexts, requireChromium, sharedChromium, screenshot } from "../../testing/chromium";
import { TrackerTraffic } from "../../testing/tracker-traffic";
import { waitFor } from "../../testing/wait";
import { signIn } from "../../testing/storefront-sign-in";

describe("storefront in Chromium: shopper", function () {
  requireChromium(this);
  let browser: Browser;
  let shop: FakeShop;
  let context: BrowserContext;
  let page: Page;
  let traffic: TrackerTraffic;
  let violations: string[];

  before(async () => {
    [browser, shop] = await Promise.all([sharedChromium(), startFakeShop()]);
  });
  after(async () => {
    await closeContexts(browser);
    await shop?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    traffic = new TrackerTraffic(page);
    page.on("pageerror", (e) => console.error("page error:", e.message));
    // Anything the production CSP refuses is reported here (the stand-in serves that policy).
    violations = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
  });
  afterEach(async () => context?.close());

  it("browses a category, finds a product despite a typo, buys two items signed in, sees the order; events carry the verified user only after sign-in", async () => {
    await page.goto(shop.siteUrl);
    await page.getByRole("link", { name: "Apparel" }).click();
    await page.getByRole("heading", { level: 1, name: "Apparel" }).waitFor();
    await page.getByRole("link", { name: "Zip Hoodie, Heather Grey" }).waitFor();

    await page.getByLabel("Search").fill("hodie");
    await page.getByLabel("Search").press("Enter");
    await page.getByRole("link", { name: "Zip Hoodie, Heather Grey" }).click();
    await page.getByRole("heading", { level: 1, name: "Zip Hoodie, Heather Grey" }).waitFor();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByText("Added 1 × Zip Hoodie, Heather Grey").waitFor();

    await page.getByLabel("Search").fill("candle");
    await page.getByLabel("Search").press("Enter");
    await page
      .getByRole("link", { name: /Candle/ })
      .first()
      .click();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByRole("link", { name: "Cart (2)" }).waitFor();
    const before = Object.fromEntries([...shop.products.values()].map((p) => [p.sku, p.stock]));

    await page.getByRole("link", { name: /^Cart/ }).click();
    await page.getByRole("heading", { level: 1, name: "Your cart" }).waitFor();
    const anonymousUntil = Date.now();
    await signIn(page, shop.users.shopper);
    await page.getByRole("heading", { level: 1, name: "Your cart" }).waitFor();
    await page.getByRole("button", { name: "Checkout" }).click();
    await page.getByRole("heading", { level: 1, name: "Review your order" }).waitFor();
    await page.getByRole("button", { name: "Place order" }).click();
    await page.getByRole("heading", { level: 1, name: "Thank you for your order" }).waitFor();
    await page.getByRole("link", { name: "Cart (0)" }).waitFor();

    const [order] = [...shop.orders.values()];
    assert.equal(order.lines.length, 2);
    for (const line of order.lines)
      assert.equal(
        shop.products.get(line.sku)!.stock,
        before[line.sku] - line.quantity,
        `stock of ${line.sku} went down`,
      );
    await page.getByRole("link", { name: "Orders", exact: true }).click();
    await page.getByRole("link", { name: `Order ${order.orderId.slice(0, 8).toUpperCase()}` }).click();
    await page.getByRole("heading", { level: 1, name: `Order ${order.orderId.slice(0, 8).toUpperCase()}` }).waitFor();
    await screenshot(page, "shopper-order-1280");

    // The shopper leaves the shop: the tracker sends what it saw last (the order page's view).
    await traffic.leave();
    // Everything the visit saw reaches the collector: each type, the signed-in ones with the user.
    await waitFor(() =>
      shop.events.some((e) => e.event.eventType === "page_view" && e.event.page.url.includes("/orders/")),
    );
    const types = new Set(shop.events.map((e) => e.event.eventType));
    for (const t of ["page_view", "product_view", "search", "add_to_cart", "checkout_start", "purchase"])
      assert.ok(types.has(t), `${t} reached the collector`);
    for (const e of shop.events) {
      const at = Date.parse(e.event.timestamp);
      if (at < anonymousUntil) assert.equal(e.userId, undefined, `${e.event.eventType} before sign-in has no user`);
      if (e.route === "/events/me") assert.equal(e.userId, shop.users.shopper.sub);
    }
    for (const t of ["checkout_start", "purchase"])
      assert.ok(
        shop.events.filter((e) => e.event.eventType === t).every((e) => e.userId === shop.users.shopper.sub),
        `${t} carries the verified user`,
      );
    assert.equal(new Set(shop.events.map((e) => e.event.sessionId)).size, 1, "one session");
    assert.deepEqual(violations, [], "the whole visit works under the production CSP");
  });
});
