// What a shopper trips over between the happy paths: a page kept from the product before, a
// search box that disagrees with its results after Back, a sort lost on the way back from a
// product, a product that is not there, cart quantities the shop cannot sell, and an order
// history longer than one page.
import { strict as assert } from "node:assert";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { closeContexts, requireChromium, sharedChromium } from "../../testing/chromium";
import { startFakeShop, type FakeShop } from "../../testing/fake-shop";

describe("storefront in Chromium: what a shopper trips over", function () {
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
    shop = await startFakeShop({
      relatedSkus: (sku) => (sku === "APP-HOOD-ZIP-GRY" ? ["KIT-MUG-STN-12"] : ["APP-HOOD-ZIP-GRY"]),
    });
    context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
  });
  afterEach(async () => {
    await context?.close();
    await shop?.stop();
  });

  it("a product opened from another product's recommendations starts afresh: quantity 1, no 'Added' message of the one before", async () => {
    await page.goto(`${shop.siteUrl}/product/APP-HOOD-ZIP-GRY`);
    await page.getByLabel("Quantity").fill("3");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByText("Added 3 × Zip Hoodie, Heather Grey to your cart.").waitFor();
    await page.getByRole("region", { name: "Customers also bought" }).getByRole("link").first().click();
    await page.getByRole("heading", { level: 1, name: "Stoneware Mug, 12 oz" }).waitFor();
    assert.equal(await page.getByLabel("Quantity").inputValue(), "1");
    assert.equal((await page.locator(".added").textContent())?.trim(), "");
    await page.goBack();
    await page.getByRole("heading", { level: 1, name: "Zip Hoodie, Heather Grey" }).waitFor();
    assert.equal(await page.getByLabel("Quantity").inputValue(), "1");
  });
});
