// The store owner's numbers after real browser visits against local mode: four shoppers in
// Chromium (one buys, one leaves a cart, one only looks at a product, one only at the home page),
// the admin finds the order by the short id the shop showed, then `npm run analytics -- funnel`
// on that local state prints exactly the funnel of those visits, and the admin's Store reports
// page (GET /analytics/{query}: the reports function over local mode's Athena stand-in) shows
// the same funnel and the top products, with no accessibility violation; a shopper is refused.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { repoRoot } from "../../components/lib/bundle";
import { startLocal, type LocalPlatform } from "../../local/platform";
import { noBatchingWindows } from "../../testing/local-config";
import { axeViolations, closeContexts, requireChromium, sharedChromium } from "../../testing/chromium";
import { LakeEvents } from "../../testing/lake-events";
import { TrackerTraffic } from "../../testing/tracker-traffic";
import { shownWithin, waitFor } from "../../testing/wait";

declare const sessionStorage: any; // in page.evaluate callbacks, which run in the page

describe("analytics after browser visits against local mode", function () {
  requireChromium(this);
  this.timeout(300_000);
  let browser: Browser;
  let local: LocalPlatform;
  let lake: LakeEvents;
  let stateDir: string;
  /** Every event the pages handed to the API (answered 200, or sent as the shopper left), by id: its type. */
  const sentByPages = new Map<string, string>();
  let orderShortId = "";

  const visit = async (work: (page: Page) => Promise<void>, expectSent: string[]) => {
    // bypassCSP only lets the test inject axe-core; the site itself needs no exception.
    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })
    ).newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    const traffic = new TrackerTraffic(page);
    await page.goto(local.urls.storefront);
    await work(page);
    // The visit ends as a shopper's does: they leave the shop, and the tracker sends what it
    // saw. The context stays open (closed with the browser): the browser finishes those sends.
    await traffic.leave();
    for (const { event } of traffic.sent) sentByPages.set(event.eventId, event.eventType);
    const types = traffic.sent.map((s) => s.event.eventType);
    for (const type of expectSent) assert.ok(types.includes(type), `the visit's ${type} sent`);
  };

  before(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "analytics-browser-"));
    [browser, local] = await Promise.all([
      sharedChromium(),
      startLocal({ port: 0, stateDir, reset: true, config: noBatchingWindows }),
    ]);
    lake = new LakeEvents(local.lake);
  });
  after(async () => {
    await closeContexts(browser);
    await local?.stop();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it("four shoppers visit: one buys the hoodie, one leaves it in the cart, one looks at a candle, one at the home page", async () => {
    await visit(
      async (page) => {
        await page.getByRole("link", { name: "Apparel" }).click();
        await page.getByRole("link", { name: "Zip Hoodie, Heather Grey" }).click();
        await page.getByRole("button", { name: "Add to cart" }).click();
        await page.getByRole("link", { name: "Cart (1)" }).click();
        await page.getByRole("heading", { level: 1, name: "Your cart" }).waitFor();
        await page.getByRole("button", { name: "Sign in", exact: true }).click();
        await page.getByLabel(/Username/).fill(local.users.shopper.email);
        await page.getByLabel(/Password/).fill(local.users.shopper.password);
        await page.getByRole("button", { name: "Sign in", exact: true }).click();
        await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();
        await page.getByRole("button", { name: "Checkout" }).click();
        await page.getByRole("button", { name: "Place order" }).click();
        await page.getByRole("heading", { level: 1, name: "Thank you for your order" }).waitFor();
        // The id the confirmation shows the shopper (Order: 1A2B3C4D).
        orderShortId = ((await page.getByRole("definition").first().textContent()) ?? "").trim();
      },
      ["product_view", "add_to_cart", "checkout_start", "purchase"],
    );

    await visit(
      async (page) => {
        await page.getByRole("link", { name: "Apparel" }).click();
        await page.getByRole("link", { name: "Zip Hoodie, Heather Grey" }).click();
        await page.getByRole("button", { name: "Add to cart" }).click();
        await page.getByRole("link", { name: "Cart (1)" }).click();
        await page.getByRole("heading", { level: 1, name: "Your cart" }).waitFor();
      },
      ["product_view", "add_to_cart"],
    );

    await visit(
      async (page) => {
        await page.getByLabel("Search").fill("candle");
        await page.getByLabel("Search").press("Enter");
        await page
          .getByRole("link", { name: /Candle/ })
          .first()
          .click();
        await page.getByRole("button", { name: "Add to cart" }).waitFor();
      },
      ["search", "product_view"],
    );

    await visit(
      async (page) => {
        await page.getByRole("link", { name: "Apparel" }).waitFor();
      },
      ["page_view"],
    );
  });

  it("the admin finds the order by the short id the shop showed the shopper", async () => {
    assert.match(orderShortId, /^[0-9A-F]{8}$/);
    await visit(
      async (page) => {
        await page.getByRole("button", { name: "Sign in", exact: true }).click();
        await page.getByLabel(/Username/).fill(local.users.admin.email);
        await page.getByLabel(/Password/).fill(local.users.admin.password);
        await page.getByRole("button", { name: "Sign in", exact: true }).click();
        await page.getByRole("link", { name: "Admin" }).click();
        await page.getByRole("heading", { level: 1, name: "Orders admin" }).waitFor();
        // The order reaches the index through the table's stream; search until it is there.
        await waitFor(
          async () => {
            await page.getByLabel("Search orders").fill(orderShortId);
            await page.getByRole("button", { name: "Find orders" }).click();
            const rows = page.getByRole("row", { name: new RegExp(orderShortId) });
            return (await shownWithin(rows, 1_000)) && (await rows.count()) === 1;
          },
          60_000,
          "the order found by its short id",
        );
        await page.getByRole("button", { name: `Mark paid: order ${orderShortId}` }).waitFor();
      },
      ["page_view"],
    );
  });

  it("`npm run analytics -- funnel` on that state prints exactly the funnel of those visits", async () => {
    // Every event the pages sent reaches the lake through the stream, processor and Firehose stand-in.
    await waitFor(
      async () => {
        const inLake = new Set((await lake.all()).map((e) => e.eventId));
        return [...sentByPages.keys()].every((id) => inLake.has(id));
      },
      90_000,
      "every accepted event in the lake",
    );
    const { stdout } = await promisify(execFile)(
      "npm",
      ["run", "--silent", "analytics", "--", "funnel", "--lake", path.join(stateDir, "lake")],
      { cwd: repoRoot },
    );
    const table = stdout
      .trim()
      .split("\n")
      .slice(-7, -1)
      .map((line) => line.trim().split(/\s+/));
    assert.deepEqual(
      table,
      [
        ["step", "event_type", "sessions", "rate_from_previous", "rate_from_first"],
        ["----", "--------------", "--------", "------------------", "---------------"],
        // Three sessions saw a product, two put the hoodie in the cart, one checked out and bought.
        ["1", "product_view", "3", "-", "1"],
        ["2", "add_to_cart", "2", "0.6667", "0.6667"],
        ["3", "checkout_start", "1", "0.5", "0.3333"],
        ["4", "purchase", "1", "1", "0.3333"],
      ],
      stdout,
    );
  });

  it("the admin's Store reports page shows that funnel and the top products, axe clean; a shopper is refused the reports", async () => {
    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })
    ).newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await page.goto(local.urls.storefront);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByLabel(/Username/).fill(local.users.admin.email);
    await page.getByLabel(/Password/).fill(local.users.admin.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("link", { name: "Admin" }).click();
    await page.getByRole("link", { name: "Store reports" }).click();
    await page.getByRole("heading", { level: 1, name: "Store reports" }).waitFor();
    // The first look starts the queries; the page asks again until their answers are there.
    const funnel = page.getByRole("table", { name: /Sessions reaching each step/ });
    await funnel.waitFor({ timeout: 60_000 });
    const cells = async (table: typeof funnel) =>
      (await table.getByRole("row").all())
        .slice(1)
        .map(async (r) =>
          (await r.getByRole("cell").or(r.getByRole("rowheader")).allTextContents()).map((t) => t.trim()),
        );
    assert.deepEqual(await Promise.all(await cells(funnel)), [
      ["Viewed a product", "3", "–", "100%"],
      ["Added to cart", "2", "66.7%", "66.7%"],
      ["Started checkout", "1", "50%", "33.3%"],
      ["Bought", "1", "100%", "33.3%"],
    ]);
    assert.equal(
      await page.getByRole("img", { name: /Viewed a product: 3 sessions; Added to cart: 2 sessions/ }).count(),
      1,
      "the funnel drawn, its numbers in its name",
    );
    const top = page.getByRole("table", { name: /Most purchased first/ });
    await top.waitFor({ timeout: 60_000 });
    const topRows = await Promise.all(await cells(top));
    assert.deepEqual(
      topRows[0],
      ["Zip Hoodie, Heather Grey", "2", "2", "1"],
      "the hoodie: seen and added twice, bought once",
    );
    assert.equal(topRows.length, 2, "the hoodie and the candle");
    assert.deepEqual(topRows[1].slice(1), ["1", "0", "0"]);
    // Nothing of the infrastructure on the page.
    assert.doesNotMatch((await page.locator("main").textContent()) ?? "", /athena|workgroup|arn:|s3:|QueryExecution/i);
    assert.deepEqual(await axeViolations(page), []);

    // The route itself refuses a signed-in shopper.
    const shopperPage = await (await browser.newContext()).newPage();
    await shopperPage.goto(local.urls.storefront);
    await shopperPage.getByRole("button", { name: "Sign in", exact: true }).click();
    await shopperPage.getByLabel(/Username/).fill(local.users.shopper.email);
    await shopperPage.getByLabel(/Password/).fill(local.users.shopper.password);
    await shopperPage.getByRole("button", { name: "Sign in", exact: true }).click();
    await shopperPage.getByRole("button", { name: "Sign out", exact: true }).waitFor();
    await shopperPage.goto(`${local.urls.storefront}/admin/reports`);
    await shopperPage.getByText("This page is for shop staff").waitFor();
    const idToken = await shopperPage.evaluate(
      () =>
        Object.keys(sessionStorage)
          .filter((k) => k.startsWith("oidc.user:"))
          .map((k) => JSON.parse(sessionStorage.getItem(k)!).id_token as string)[0],
    );
    assert.equal(
      (await fetch(`${local.urls.api}/analytics/funnel`, { headers: { authorization: idToken } })).status,
      403,
      "a shopper's token",
    );
    assert.equal((await fetch(`${local.urls.api}/analytics/funnel`)).status, 401, "no token");
    await shopperPage.context().close();
    await page.context().close();
  });
});
