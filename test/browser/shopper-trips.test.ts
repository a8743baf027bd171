// What a shopper trips over between the happy paths: a page kept from the product before, a
// search box that disagrees with its results after Back, a sort lost on the way back from a
// product, a product that is not there, cart quantities the shop cannot sell, and an order
// history longer than one page.
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { closeContexts, requireChromium, sharedChromium, screenshot } from "../../testing/chromium";
import { startFakeShop, type FakeShop } from "../../testing/fake-shop";

declare const document: any; // in page.waitForFunction callbacks, which run in the page

async function signIn(page: Page, user: { email: string; password: string }) {
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByLabel("Username").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();
}

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

  const searchBox = () => page.getByRole("searchbox", { name: "Search" });

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

  it("after Back, the search box shows the query whose results are on the page", async () => {
    await page.goto(shop.siteUrl);
    for (const query of ["tee", "mug"]) {
      await searchBox().fill(query);
      await searchBox().press("Enter");
      await page.getByRole("heading", { level: 1, name: `Results for “${query}”` }).waitFor();
    }
    await page.goBack();
    await page.getByRole("heading", { level: 1, name: "Results for “tee”" }).waitFor();
    assert.equal(await searchBox().inputValue(), "tee");
    await page.goForward();
    await page.getByRole("heading", { level: 1, name: "Results for “mug”" }).waitFor();
    assert.equal(await searchBox().inputValue(), "mug");
  });

  it("an empty search says what to do instead of “no products match “””", async () => {
    await page.goto(`${shop.siteUrl}/search?q=`);
    await page.getByRole("heading", { level: 1, name: "Search" }).waitFor();
    await page.getByText("Type what you are looking for in the search box").waitFor();
    assert.equal(await page.title(), "Search · Storefront");
    assert.equal(await page.getByText("No products match").count(), 0);
  });

  it("a category's sort survives opening a product and coming Back, and a reload", async () => {
    const kitchen = [...shop.products.values()].filter((p) => p.category === "kitchen");
    const dearest = kitchen.sort((a, b) => b.priceCents - a.priceCents)[0];
    await page.goto(`${shop.siteUrl}/category/kitchen`);
    await page.getByLabel("Sort by").selectOption("price-desc");
    const firstCard = page.locator(".card-title").first();
    await page.waitForFunction((name) => document.querySelector(".card-title")?.textContent === name, dearest.name);
    await firstCard.getByRole("link").click();
    await page.getByRole("heading", { level: 1, name: dearest.name }).waitFor();
    await page.goBack();
    await page.getByRole("heading", { level: 1, name: "Kitchen" }).waitFor();
    assert.equal(await page.getByLabel("Sort by").inputValue(), "price-desc");
    await page.waitForFunction((name) => document.querySelector(".card-title")?.textContent === name, dearest.name);
    await page.reload();
    await page.waitForFunction((name) => document.querySelector(".card-title")?.textContent === name, dearest.name);
    assert.equal(await page.getByLabel("Sort by").inputValue(), "price-desc");
  });

  it("a product that is not sold (404) gets a heading, a title and a way back, not a 'Try again' that cannot work", async () => {
    await page.goto(`${shop.siteUrl}/product/APP-HOOD-ZIP-GRY`);
    await page.getByRole("heading", { level: 1, name: "Zip Hoodie, Heather Grey" }).waitFor();
    await page.goto(`${shop.siteUrl}/product/NO-SUCH-SKU`);
    await page.getByRole("heading", { level: 1, name: "Product not found" }).waitFor();
    assert.equal(await page.title(), "Product not found · Storefront");
    await page.getByText("We could not find that product. It may no longer be sold.").waitFor();
    assert.equal(await page.getByRole("button", { name: "Try again" }).count(), 0);
    await screenshot(page, "product-not-found-375");
    await page.getByRole("link", { name: "See all products" }).click();
    await page.getByRole("heading", { level: 1, name: "Everyday things, made well" }).waitFor();
  });

  it("a product the API fails to answer (503) still names the page, and offers Try again", async () => {
    await page.route("**/v1/products/APP-HOOD-ZIP-GRY", (route) =>
      route.fulfill({ status: 503, body: "{}", headers: { "Access-Control-Allow-Origin": shop.siteUrl } }),
    );
    await page.goto(`${shop.siteUrl}/product/APP-HOOD-ZIP-GRY`);
    await page.getByRole("heading", { level: 1, name: "Product" }).waitFor();
    assert.equal(await page.title(), "Product · Storefront");
    await page.unroute("**/v1/products/APP-HOOD-ZIP-GRY");
    await page.getByRole("button", { name: "Try again" }).click();
    await page.getByRole("heading", { level: 1, name: "Zip Hoodie, Heather Grey" }).waitFor();
  });

  it("an order that is not the shopper's (404) is not offered a 'Try again'", async () => {
    await page.goto(shop.siteUrl);
    await signIn(page, shop.users.shopper);
    await page.goto(`${shop.siteUrl}/orders/${randomUUID()}`);
    await page.getByText("We could not find that.").waitFor();
    assert.equal(await page.getByRole("button", { name: "Try again" }).count(), 0);
  });
});
