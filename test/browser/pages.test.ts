// Every page of the shop, as a shopper and as staff, at a phone's and a desktop's width:
// axe-core finds no WCAG 2.1 A/AA violation, nothing scrolls sideways, and a screenshot of each
// is kept in test-artifacts/browser/. The admin moves an order to shipped.
import { strict as assert } from "node:assert";
import type { Browser, Page } from "playwright-core";
import { axeViolations, closeContexts, requireChromium, sharedChromium, screenshot } from "../../testing/chromium";
import { startFakeShop, type FakeShop } from "../../testing/fake-shop";
import { waitFor } from "../../testing/wait";
import { signIn } from "../../testing/storefront-sign-in";

declare const document: any; // in page.evaluate callbacks, which run in the page

const widths = [375, 1280] as const;

async function check(page: Page, name: string, width: number) {
  await page.getByRole("heading", { level: 1 }).waitFor();
  await page.waitForFunction(
    () =>
      !Array.from(document.querySelectorAll("[role=status]")).some((e: any) => e.textContent?.startsWith("Loading")),
  );
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${name} at ${width} px: ${JSON.stringify(violations, null, 1)}`);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `${name} at ${width} px scrolls sideways by ${overflow} px`);
  await screenshot(page, `${name}-${width}`);
}

describe("storefront in Chromium: every page is accessible and responsive", function () {
  requireChromium(this);
  let browser: Browser;
  let shop: FakeShop;

  before(async () => {
    [browser, shop] = await Promise.all([sharedChromium(), startFakeShop()]);
  });
  after(async () => {
    await closeContexts(browser);
    await shop?.stop();
  });

  it("axe-core, as the checks run it, reports what breaks WCAG: each violation with every node", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.setContent(
        `<html lang="en"><title>t</title><main><h1>t</h1><img src="a.png"><img src="b.png"><button></button></main></html>`,
      );
      const violations = await axeViolations(page);
      assert.deepEqual(
        violations.map((v) => [v.id, v.nodes.length]),
        [
          ["button-name", 1],
          ["image-alt", 2],
        ],
      );
      // Run again in the same document (axe is injected once per document): the same answer.
      assert.deepEqual(await axeViolations(page), violations);
    } finally {
      await context.close();
    }
  });

  for (const width of widths) {
    it(`shopper pages at ${width} px`, async () => {
      // bypassCSP only lets the test inject axe-core; the site itself needs no exception.
      const context = await browser.newContext({ viewport: { width, height: 800 }, bypassCSP: true });
      const page = await context.newPage();
      try {
        await page.goto(shop.siteUrl);
        await page.getByRole("link", { name: "Classic Crew Tee, Black" }).waitFor();
        await check(page, "home", width);
        await page.getByRole("link", { name: "Footwear" }).click();
        await check(page, "category", width);
        await page.getByLabel("Search").fill("tee");
        await page.getByLabel("Search").press("Enter");
        await page.getByRole("link", { name: "Classic Crew Tee, Black" }).waitFor();
        await check(page, "search", width);
        await page.getByRole("link", { name: "Classic Crew Tee, Black" }).click();
        await check(page, "product", width);
        await page.getByRole("button", { name: "Add to cart" }).click();
        await page.getByRole("link", { name: /^Cart/ }).click();
        await check(page, "cart", width);
        await signIn(page, shop.users.shopper);
        await page.getByRole("button", { name: "Checkout" }).click();
        await page.getByRole("button", { name: "Place order" }).waitFor();
        await check(page, "checkout", width);
        await page.getByRole("button", { name: "Place order" }).click();
        await page.getByRole("heading", { name: "Thank you for your order" }).waitFor();
        await check(page, "confirmation", width);
        await page.getByRole("link", { name: "Orders", exact: true }).click();
        await page
          .getByRole("link", { name: /^Order / })
          .first()
          .waitFor();
        await check(page, "orders", width);
        await page
          .getByRole("link", { name: /^Order / })
          .first()
          .click();
        await check(page, "order", width);
        await page.goto(`${shop.siteUrl}/no/such/page`);
        await check(page, "not-found", width);
      } finally {
        await context.close();
      }
    });
  }

  it("nothing scrolls sideways at 320 px (WCAG 1.4.10 reflow)", async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    try {
      for (const [path, ready] of [
        ["/", "Classic Crew Tee, Black"],
        ["/product/APP-HOOD-ZIP-GRY", "Add to cart"],
        ["/search?q=tee", "Classic Crew Tee, Black"],
      ] as const) {
        await page.goto(`${shop.siteUrl}${path}`);
        await page.getByText(ready).first().waitFor();
        if (path.startsWith("/product")) await page.getByRole("button", { name: "Add to cart" }).click();
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow} px at 320 px`);
      }
      await page.goto(`${shop.siteUrl}/cart`);
      await page.getByRole("button", { name: "Checkout" }).waitFor();
      assert.ok(
        (await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)) <= 0,
        "cart at 320 px",
      );
    } finally {
      await context.close();
    }
  });

  it("keyboard only: search, open a product and add it to the cart", async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    try {
      await page.goto(shop.siteUrl);
      await page.getByRole("link", { name: "Classic Crew Tee, Black" }).waitFor();
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");
      while (!(await page.evaluate(() => document.activeElement?.id === "site-search")))
        await page.keyboard.press("Tab");
      await page.keyboard.type("crew tee blak");
      await page.keyboard.press("Enter");
      await page.getByRole("link", { name: "Classic Crew Tee, Black" }).focus();
      await page.keyboard.press("Enter");
      await page.getByRole("heading", { level: 1, name: "Classic Crew Tee, Black" }).waitFor();
      await page.getByRole("button", { name: "Add to cart" }).focus();
      await page.keyboard.press("Enter");
      await page.getByRole("link", { name: "Cart (1)" }).waitFor();
    } finally {
      await context.close();
    }
  });

  for (const width of widths) {
    it(`admin finds the order and marks it shipped (${width} px)`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 800 }, bypassCSP: true });
      const page = await context.newPage();
      try {
        const [order] = [...shop.orders.values()].filter((o) => o.status === "PLACED");
        assert.ok(order, "an order from the shopper pages");
        await page.goto(shop.siteUrl);
        await signIn(page, shop.users.admin);
        await page.getByRole("link", { name: "Admin" }).click();
        await page.getByLabel("Search orders").fill(order.orderId);
        await page.getByRole("button", { name: "Find orders" }).click();
        const short = order.orderId.slice(0, 8).toUpperCase();
        // The page first lists every order; wait for the search's answer: that order only.
        await waitFor(
          async () => (await page.getByRole("button", { name: /^Mark paid: order / }).count()) === 1,
          15_000,
          "the search found that order only",
        );
        await page.getByRole("button", { name: `Mark paid: order ${short}` }).waitFor();
        await check(page, "admin-orders", width);
        await page.getByRole("button", { name: `Mark paid: order ${short}` }).click();
        await page.getByText(`Order ${short} is now paid.`).waitFor();
        await page.getByRole("button", { name: `Mark shipped: order ${short}` }).click();
        await page.getByText(`Order ${short} is now shipped.`).waitFor();
        assert.equal(shop.orders.get(order.orderId).status, "SHIPPED");
      } finally {
        await context.close();
      }
    });
  }
});
