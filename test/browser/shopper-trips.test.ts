// What a shopper trips over between the happy paths: a page kept from the product before, a
// search box that disagrees with its results after Back, a sort lost on the way back from a
// product, a product that is not there, cart quantities the shop cannot sell, and an order
// history longer than one page.
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page, Route } from "playwright-core";
import { closeContexts, requireChromium, sharedChromium, screenshot } from "../../testing/chromium";
import { startFakeShop, type FakeShop } from "../../testing/fake-shop";
import { TrackerTraffic } from "../../testing/tracker-traffic";
import { waitFor } from "../../testing/wait";
import { signIn } from "../../testing/storefront-sign-in";

declare const document: any, getComputedStyle: any; // in page.evaluate / waitForFunction callbacks, which run in the page

/** `count` orders of one mug each, an hour apart, oldest first, as the orders API stores them. */
function seedOrders(shop: FakeShop, customerId: string, count: number) {
  const base = Date.parse("2026-11-01T10:00:00Z");
  for (let i = 0; i < count; i++) {
    const at = new Date(base + i * 3_600_000).toISOString();
    const orderId = randomUUID();
    shop.orders.set(orderId, {
      orderId,
      customerId,
      status: "PLACED",
      createdAt: at,
      updatedAt: at,
      currency: "USD",
      lines: [
        {
          sku: "KIT-MUG-STN-12",
          name: "Stoneware Mug, 12 oz",
          quantity: 1,
          unitPriceCents: 1450,
          lineTotalCents: 1450,
        },
      ],
      itemCount: 1,
      totalCents: 1450,
      version: 1,
    });
  }
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
  /** Signs the demo admin in from the home page and opens the orders admin through its link. */
  async function openAdminOrders() {
    await page.goto(shop.siteUrl);
    await signIn(page, shop.users.admin);
    await page.getByRole("link", { name: "Admin" }).click();
  }

  it("a product opened from another product's recommendations starts afresh: quantity 1, no 'Added' message of the one before", async () => {
    await page.goto(`${shop.siteUrl}/product/APP-HOOD-ZIP-GRY`);
    await page.getByLabel("Quantity").fill("3");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByText("Added 3 × Zip Hoodie, Heather Grey to your cart (3 in your cart).").waitFor();
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

  it("a long unbroken search (a pasted link, a run-on word) or category name wraps at 320 px instead of scrolling sideways", async () => {
    await page.setViewportSize({ width: 320, height: 640 });
    const long = "supercalifragilisticexpialidocious".repeat(3);
    for (const path of [`/search?q=${long}`, `/category/${long}`]) {
      await page.goto(`${shop.siteUrl}${path}`);
      await page.getByRole("heading", { level: 1, name: new RegExp(long, "i") }).waitFor();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow} px at 320 px`);
    }
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

  it("orders the API refuses as signed out (401: a session it no longer takes) offer to sign in again, not 'Try again'", async () => {
    await page.goto(shop.siteUrl);
    await signIn(page, shop.users.shopper);
    // API Gateway's Cognito authorizer refusing the token: 401 {"message":"Unauthorized"}.
    const unauthorized = (route: Route) =>
      route.fulfill({
        status: 401,
        contentType: "application/json",
        body: JSON.stringify({ message: "Unauthorized" }),
        headers: { "Access-Control-Allow-Origin": shop.siteUrl },
      });
    await page.route(`${shop.apiUrl}/orders`, unauthorized);
    await page.route(`${shop.apiUrl}/orders?*`, unauthorized);
    await page.getByRole("link", { name: "Orders", exact: true }).click();
    await page.getByText("Please sign in to continue.").waitFor();
    assert.equal(await page.getByRole("button", { name: "Try again" }).count(), 0);
    await page.unrouteAll();
    // The button starts the hosted UI's sign-in, and the shopper comes back to their orders.
    await signIn(page, shop.users.shopper, "Sign in again");
    await page.getByRole("heading", { level: 1, name: /orders/i }).waitFor();
    assert.match(new URL(page.url()).pathname, /^\/orders$/);
  });

  it("a sign-in that did not complete is said on the page it returned to, and not on every page after it", async () => {
    await page.goto(`${shop.siteUrl}/?error=access_denied&error_description=User+cancelled&state=abc`);
    const notice = page.getByRole("alert").getByText("Sign-in did not complete (User cancelled). You can try again.");
    await notice.waitFor();
    await page.getByRole("link", { name: "Footwear" }).click();
    await page.getByRole("heading", { level: 1, name: "Footwear" }).waitFor();
    assert.equal(await notice.count(), 0, "the notice followed the shopper to the category");
    await page.goBack();
    await page.getByRole("link", { name: "Classic Crew Tee, Black" }).waitFor();
    assert.equal(await notice.count(), 0, "the notice came back with Back");
  });

  it("an order that is not the shopper's (404) is not offered a 'Try again'", async () => {
    await page.goto(shop.siteUrl);
    await signIn(page, shop.users.shopper);
    await page.goto(`${shop.siteUrl}/orders/${randomUUID()}`);
    await page.getByText("We could not find that.").waitFor();
    assert.equal(await page.getByRole("button", { name: "Try again" }).count(), 0);
  });

  it("cart quantities: above what is in stock becomes what is in stock (and says so); 0 removes the line (and says so)", async () => {
    shop.products.get("APP-HOOD-ZIP-GRY")!.stock = 3;
    const traffic = new TrackerTraffic(page);
    for (const sku of ["APP-HOOD-ZIP-GRY", "KIT-MUG-STN-12"]) {
      await page.goto(`${shop.siteUrl}/product/${sku}`);
      await page.getByRole("button", { name: "Add to cart" }).click();
    }
    await page.getByRole("link", { name: "Cart (2)" }).click();
    const hoodie = page.getByLabel("Quantity of Zip Hoodie, Heather Grey");
    await hoodie.fill("10");
    await hoodie.press("Tab");
    await page.getByText("Only 3 of Zip Hoodie, Heather Grey in stock: the quantity is now 3.").waitFor();
    assert.equal(await hoodie.inputValue(), "3");
    await page.getByRole("link", { name: "Cart (4)" }).waitFor();
    // Typed again, the same too-large number: the box still shows what the cart holds.
    await hoodie.fill("10");
    await hoodie.press("Tab");
    assert.equal(await hoodie.inputValue(), "3");
    await screenshot(page, "cart-quantity-capped-375");

    const mug = page.getByLabel("Quantity of Stoneware Mug, 12 oz");
    await mug.fill("0");
    await mug.press("Tab");
    await page.getByRole("status").getByText("Removed Stoneware Mug, 12 oz from your cart.").waitFor();
    await page.getByRole("link", { name: "Cart (3)" }).waitFor();
    // A box left empty changes nothing.
    await hoodie.fill("");
    await hoodie.press("Tab");
    assert.equal(await hoodie.inputValue(), "3");
    await page.getByRole("link", { name: "Cart (3)" }).waitFor();
    await traffic.leave();
    assert.ok(
      traffic.sent.some((s) => s.event.eventType === "remove_from_cart" && s.event.itemId === "KIT-MUG-STN-12"),
      "setting 0 is a remove_from_cart in the clickstream",
    );
  });

  it("a line added before the stock ran low says how many are left, in the cart, before checkout", async () => {
    await page.goto(`${shop.siteUrl}/product/APP-HOOD-ZIP-GRY`);
    await page.getByLabel("Quantity").fill("5");
    await page.getByRole("button", { name: "Add to cart" }).click();
    shop.products.get("APP-HOOD-ZIP-GRY")!.stock = 2;
    await page.getByRole("link", { name: "Cart (5)" }).click();
    await page.getByText("Only 2 left").waitFor();
  });

  it("checkout's summary says so too, before the shopper places an order the shop would refuse", async () => {
    await page.goto(`${shop.siteUrl}/product/APP-HOOD-ZIP-GRY`);
    await page.getByLabel("Quantity").fill("5");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await signIn(page, shop.users.shopper);
    shop.products.get("APP-HOOD-ZIP-GRY")!.stock = 2;
    await page.getByRole("link", { name: "Cart (5)" }).click();
    await page.getByRole("button", { name: "Checkout" }).click();
    await page.getByRole("button", { name: "Place order" }).waitFor();
    await page.getByRole("table", { name: "Order summary" }).getByText("Only 2 left").waitFor();
  });

  it("order history beyond one page: older orders are a click away", async () => {
    seedOrders(shop, shop.users.shopper.sub, 25);
    const oldest = [...shop.orders.keys()][0].slice(0, 8).toUpperCase();
    await page.goto(shop.siteUrl);
    await signIn(page, shop.users.shopper);
    await page.getByRole("link", { name: "Orders", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Your orders" }).waitFor();
    await page
      .getByRole("link", { name: /^Order / })
      .first()
      .waitFor();
    assert.equal(await page.getByRole("link", { name: /^Order / }).count(), 20);
    // By keyboard: the focus lands on the first of the older orders (the button is gone now).
    const firstOlder = [...shop.orders.keys()][4].slice(0, 8).toUpperCase();
    await page.getByRole("button", { name: "Show older orders" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("link", { name: `Order ${oldest}` }).waitFor();
    await waitFor(
      async () => (await page.evaluate(() => document.activeElement?.textContent)) === `Order ${firstOlder}`,
      5_000,
      "the focus on the first older order",
    );
    assert.equal(await page.getByRole("link", { name: /^Order / }).count(), 25);
    assert.equal(await page.getByRole("button", { name: "Show older orders" }).count(), 0);
  });

  it("admin: a search matching more orders than one answer holds says so, and how to find the others", async () => {
    seedOrders(shop, shop.users.shopper.sub, 25);
    await openAdminOrders();
    await page.getByRole("table", { name: "The 20 newest of 25 orders" }).waitFor();
    assert.equal(await page.getByRole("button", { name: /^Mark paid: order / }).count(), 20);
    await page.getByText("Narrow the search to find the others").waitFor();
    await screenshot(page, "admin-orders-more-than-shown-375");
  });

  it("admin on a phone: a row's labels stay whole words next to a long customer id ('Customer', not 'Custo' over 'mer')", async () => {
    seedOrders(shop, shop.users.shopper.sub, 1);
    await openAdminOrders();
    await page.getByRole("table", { name: "1 order" }).waitFor();
    // Each label (the cell's ::before, drawn from data-label) against the width its text needs on one line.
    const squeezed = await page.evaluate(() =>
      [...document.querySelectorAll("table.admin td[data-label]")]
        .map((td: any) => {
          const label = getComputedStyle(td, "::before");
          const probe = document.createElement("span");
          probe.textContent = td.dataset.label;
          probe.style.font = label.font;
          probe.style.whiteSpace = "nowrap";
          probe.style.position = "absolute";
          document.body.append(probe);
          const needed = probe.getBoundingClientRect().width;
          probe.remove();
          return { label: td.dataset.label, width: Number.parseFloat(label.width), needed };
        })
        .filter((l) => l.width + 0.5 < l.needed),
    );
    await screenshot(page, "admin-orders-labels-375");
    assert.deepEqual(squeezed, [], "labels narrower than their one word");
  });

  it("Store reports on a phone: every figure in the report tables is named by its column (the header row is hidden there)", async () => {
    // Shaped as the reports API answers GET /analytics/{query} (CORS for the storefront).
    const headers = { "Content-Type": "application/json", "Access-Control-Allow-Origin": shop.siteUrl };
    const ready = { since: "2026-11-02", state: "ready", computedAt: "2026-12-01T18:00:00.000Z", refreshing: false };
    await page.route(`${shop.apiUrl}/analytics/funnel`, (route) =>
      route.fulfill({
        status: 200,
        headers,
        body: JSON.stringify({
          ...ready,
          query: "funnel",
          columns: ["step", "event_type", "sessions", "rate_from_previous", "rate_from_first"],
          rows: [
            { step: 1, event_type: "product_view", sessions: 1240, rate_from_previous: null, rate_from_first: 1 },
            { step: 2, event_type: "add_to_cart", sessions: 410, rate_from_previous: 0.3306, rate_from_first: 0.3306 },
          ],
        }),
      }),
    );
    await page.route(`${shop.apiUrl}/analytics/top-products`, (route) =>
      route.fulfill({
        status: 200,
        headers,
        body: JSON.stringify({
          ...ready,
          query: "top-products",
          columns: ["item_id", "views", "adds", "purchases"],
          rows: [{ item_id: "APP-HOOD-ZIP-GRY", views: 300, adds: 80, purchases: 30 }],
        }),
      }),
    );
    await page.goto(shop.siteUrl);
    await signIn(page, shop.users.admin);
    await page.goto(`${shop.siteUrl}/admin/reports`);
    await page.getByRole("link", { name: "Zip Hoodie, Heather Grey" }).waitFor();
    // What a sighted shopper reads beside each figure: the cell's generated label.
    const labelsBeside = (table: string) =>
      page.evaluate(
        (caption) =>
          Array.from(document.querySelectorAll("table"))
            .filter((t: any) => t.caption?.textContent.startsWith(caption))
            .flatMap((t: any) => Array.from(t.querySelectorAll("tbody tr:first-child td")))
            .map((td: any) => getComputedStyle(td, "::before").content),
        table,
      );
    assert.deepEqual(await labelsBeside("Sessions reaching each step"), [
      '"Sessions"',
      '"Of previous step"',
      '"Of first step"',
    ]);
    assert.deepEqual(await labelsBeside("Most purchased first"), ['"Views"', '"Added to cart"', '"Purchases"']);
    // The funnel's drawing names its steps in text a phone can read (an SVG scaled down to 375 px drew it 7 px high).
    const chart = page.getByRole("img", { name: /Viewed a product: 1240 sessions; Added to cart: 410 sessions/ });
    const stepHeights = await chart.evaluate((el: any) =>
      Array.from(el.querySelectorAll("*"))
        .filter((e: any) => e.textContent === "Viewed a product" && e.children.length === 0)
        .map((e: any) => e.getBoundingClientRect().height),
    );
    assert.equal(stepHeights.length, 1);
    assert.ok(stepHeights[0] >= 14, `the step's name is ${stepHeights[0]} px high`);
    await screenshot(page, "reports-375");
  });

  it("admin: 'Find orders' again with the same criteria asks again, and shows the orders placed since", async () => {
    seedOrders(shop, shop.users.shopper.sub, 1);
    await openAdminOrders();
    await page.getByRole("table", { name: "1 order" }).waitFor();
    seedOrders(shop, shop.users.shopper.sub, 1);
    await page.getByRole("button", { name: "Find orders" }).click();
    await page.getByRole("table", { name: "2 orders" }).waitFor();
  });

  it("admin by keyboard: after 'Mark paid' the focus moves to the order's next action, not back to the top of the page", async () => {
    seedOrders(shop, shop.users.shopper.sub, 2);
    const [first] = [...shop.orders.keys()];
    const short = first.slice(0, 8).toUpperCase();
    await openAdminOrders();
    await page.getByRole("button", { name: `Mark paid: order ${short}` }).focus();
    await page.keyboard.press("Enter");
    await page.getByText(`Order ${short} is now paid.`).waitFor();
    // The focus moves once the row has been drawn again (an effect after the render).
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("aria-label"));
    await waitFor(
      async () => (await focused()) === `Mark shipped: order ${short}`,
      5_000,
      "the focus on 'Mark shipped'",
    );
    await page.keyboard.press("Enter");
    await page.getByText(`Order ${short} is now shipped.`).waitFor();
    // Shipped: nothing more to do with it; the focus stays in its row rather than on the page.
    await waitFor(
      () => page.evaluate(() => document.activeElement?.closest("tr")?.textContent?.includes("Shipped") === true),
      5_000,
      "the focus in the shipped order's row",
    );
  });

  it("a category longer than one page: 'Show more' by keyboard puts the focus on the first product it added", async () => {
    const mug = shop.products.get("KIT-MUG-STN-12")!;
    for (let i = 10; i < 40; i++)
      shop.products.set(`KIT-MUG-EXTRA-${i}`, { ...mug, sku: `KIT-MUG-EXTRA-${i}`, name: `Extra Mug ${i}` });
    await page.goto(`${shop.siteUrl}/category/kitchen`);
    await page.getByRole("button", { name: "Show more" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("link", { name: "Stoneware Mug, 12 oz" }).waitFor();
    const names = await page.locator(".card-title").allTextContents();
    await waitFor(
      async () => (await page.evaluate(() => document.activeElement?.textContent)) === names[24],
      5_000,
      "the focus on the 25th product, the first one 'Show more' added",
    );
  });

  it("cart by keyboard: Remove moves the focus to the line now in its place, and to the heading once the cart is empty", async () => {
    for (const sku of ["APP-HOOD-ZIP-GRY", "KIT-MUG-STN-12"]) {
      await page.goto(`${shop.siteUrl}/product/${sku}`);
      await page.getByRole("button", { name: "Add to cart" }).click();
    }
    await page.getByRole("link", { name: "Cart (2)" }).click();
    const focused = () =>
      page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent);
    await page.getByRole("button", { name: "Remove Zip Hoodie, Heather Grey" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("link", { name: "Cart (1)" }).waitFor();
    await waitFor(async () => (await focused()) === "Remove Stoneware Mug, 12 oz", 5_000, "the focus on the next line");
    await page.keyboard.press("Enter");
    await page.getByText("Your cart is empty.").waitFor();
    await waitFor(async () => (await focused()) === "Your cart", 5_000, "the focus on the heading");
  });

  it("adding the same product again never takes the cart past what is in stock, and says how many the cart holds", async () => {
    shop.products.get("APP-HOOD-ZIP-GRY")!.stock = 3;
    await page.goto(`${shop.siteUrl}/product/APP-HOOD-ZIP-GRY`);
    await page.getByLabel("Quantity").fill("2");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByText("Added 2 × Zip Hoodie, Heather Grey to your cart (2 in your cart).").waitFor();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page
      .getByText("Added 1 × Zip Hoodie, Heather Grey to your cart (3 in your cart, all we can sell you now).")
      .waitFor();
    await page.getByRole("link", { name: "Cart (3)" }).waitFor();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByText("Your cart already holds 3 × Zip Hoodie, Heather Grey: all we can sell you now.").waitFor();
    await page.getByRole("link", { name: "Cart (3)" }).waitFor();
  });
});
