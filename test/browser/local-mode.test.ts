// The storefront against local mode (`npm start`'s platform, started here on free ports): the
// build local mode serves, sign-in through cognito-local's hosted UI with the real app client,
// and the tracker's events landing in the local data lake through the real gateway, stream and
// processor — anonymous before sign-in.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { startLocal, type LocalPlatform } from "../../local/platform";
import { noBatchingWindows } from "../../testing/local-config";
import { closeContexts, requireChromium, sharedChromium } from "../../testing/chromium";
import { LakeEvents } from "../../testing/lake-events";
import { type EventRoute, TrackerTraffic } from "../../testing/tracker-traffic";
import { shownWithin, waitFor } from "../../testing/wait";
import { signIn } from "../../testing/storefront-sign-in";

declare const sessionStorage: any; // in page.evaluate callbacks, which run in the page

/** The signed-in user's Cognito sub, from the ID token's claims oidc-client-ts keeps for the session. */
function signedInSub(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      Object.keys(sessionStorage)
        .filter((k) => k.startsWith("oidc.user:"))
        .map((k) => JSON.parse(sessionStorage.getItem(k)!).profile.sub as string)[0],
  );
}

async function stockOf(local: LocalPlatform, sku: string): Promise<number> {
  const res = await fetch(`${local.urls.api}/products/${sku}`);
  assert.equal(res.status, 200, `GET /products/${sku}`);
  return ((await res.json()) as { stock: number }).stock;
}

describe("storefront in Chromium against local mode", function () {
  requireChromium(this);
  let browser: Browser;
  let local: LocalPlatform;
  let lake: LakeEvents;
  let stateDir: string;

  before(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "storefront-local-"));
    [browser, local] = await Promise.all([
      sharedChromium(),
      startLocal({ port: 0, stateDir, reset: true, config: noBatchingWindows }),
    ]);
    lake = new LakeEvents(local.lake);
  });
  /** The skus of the shopper's order: each is co-purchased with the other from then on. */
  const boughtTogether: string[] = [];
  after(async () => {
    await closeContexts(browser);
    await local?.stop();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it("serves the build, signs the demo shopper in through cognito-local, and the visit's events reach the lake without a user id", async () => {
    const page = await browser.newPage();
    // The session continues across sign-in, so what was sent anonymously is told apart by eventId.
    const anonymousEventIds = new Set<string>();
    // Only what went to the anonymous route (sent before sign-in, or on the redirect to it).
    page.on("request", (r) => {
      if (r.url().endsWith("/events") && r.method() === "POST")
        for (const e of JSON.parse(r.postData() ?? "{}").events ?? []) anonymousEventIds.add(e.eventId);
    });
    await page.goto(local.urls.storefront);
    assert.match(await page.content(), /\/assets\/main-[A-Z0-9]{8}\.js/);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByLabel(/Username/).fill(local.users.shopper.email);
    await page.getByLabel(/Password/).fill(local.users.shopper.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByText(`Signed in as ${local.users.shopper.email}`).waitFor();
    assert.equal(new URL(page.url()).search, "", "the code and state are gone from the address bar");
    await waitFor(() => anonymousEventIds.size > 0, 15_000, "the anonymous page view sent");
    let found: any[] = [];
    await waitFor(
      async () => {
        found = (await lake.all()).filter((e) => anonymousEventIds.has(e.eventId));
        return found.some((e) => e.eventType === "page_view");
      },
      60_000,
      "the page view in the lake",
    );
    assert.ok(
      found.every((e) => e.userId === undefined),
      "the events before sign-in have no user id",
    );
    await page.close();
  });

  let placedOrderId = "";

  it("a shopper browses, searches with a typo, buys two items signed in and sees the order; stock goes down; events reach the lake with the verified user only after sign-in", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("pageerror", (e) => console.error("page error:", e.message));
    const traffic = new TrackerTraffic(page);
    const idsSentTo = (route: EventRoute) =>
      new Set(traffic.sent.filter((s) => s.route === route).map((s) => s.event.eventId));
    const stockBefore = { "APP-HOOD-ZIP-GRY": await stockOf(local, "APP-HOOD-ZIP-GRY") };

    await page.goto(local.urls.storefront);
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
    await page.getByRole("heading", { level: 1, name: /Candle/ }).waitFor();
    const candleSku = new URL(page.url()).pathname.split("/").pop()!;
    boughtTogether.push("APP-HOOD-ZIP-GRY", candleSku);
    const candleBefore = await stockOf(local, candleSku);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByRole("link", { name: "Cart (2)" }).waitFor();

    await page.getByRole("link", { name: /^Cart/ }).click();
    await page.getByRole("heading", { level: 1, name: "Your cart" }).waitFor();
    await waitFor(() => idsSentTo("/events").size > 0, 15_000, "the anonymous events sent");
    await signIn(page, local.users.shopper);
    const sub = await signedInSub(page);
    assert.match(sub, /^[0-9a-f-]{36}$/, "the ID token names the Cognito sub");
    await page.getByRole("heading", { level: 1, name: "Your cart" }).waitFor();
    await page.getByRole("button", { name: "Checkout" }).click();
    await page.getByRole("heading", { level: 1, name: "Review your order" }).waitFor();
    const placed = page.waitForResponse(
      (r) => r.request().method() === "POST" && new URL(r.url()).pathname.endsWith("/orders"),
    );
    await page.getByRole("button", { name: "Place order" }).click();
    const order = await (await placed).json();
    assert.equal((await placed).status(), 201, JSON.stringify(order));
    await page.getByRole("heading", { level: 1, name: "Thank you for your order" }).waitFor();
    await page.getByRole("link", { name: "Cart (0)" }).waitFor();
    placedOrderId = order.orderId;
    assert.equal(order.lines.length, 2);

    assert.equal(
      await stockOf(local, "APP-HOOD-ZIP-GRY"),
      stockBefore["APP-HOOD-ZIP-GRY"] - 1,
      "hoodie stock went down",
    );
    assert.equal(await stockOf(local, candleSku), candleBefore - 1, "candle stock went down");

    const short = order.orderId.slice(0, 8).toUpperCase();
    await page.getByRole("link", { name: "Orders", exact: true }).click();
    await page.getByRole("link", { name: `Order ${short}` }).click();
    await page.getByRole("heading", { level: 1, name: `Order ${short}` }).waitFor();
    // The shopper leaves the shop: the tracker sends what it saw last (the order page's view).
    await traffic.leave();
    const anonymousEventIds = idsSentTo("/events");
    const signedInEventIds = idsSentTo("/events/me");

    // Every type the visit produced reaches the lake through the gateway, stream and processor.
    const types = ["page_view", "product_view", "search", "add_to_cart", "checkout_start", "purchase"];
    let visit: any[] = [];
    await waitFor(
      async () => {
        visit = (await lake.all()).filter((e) => anonymousEventIds.has(e.eventId) || signedInEventIds.has(e.eventId));
        return (
          types.every((t) => visit.some((e) => e.eventType === t)) &&
          visit.some((e) => e.eventType === "page_view" && e.page?.url?.includes("/orders/"))
        );
      },
      90_000,
      "each event type of the visit in the lake",
    );
    for (const e of visit) {
      if (signedInEventIds.has(e.eventId))
        assert.equal(e.userId, sub, `${e.eventType} after sign-in carries the verified user`);
      else assert.equal(e.userId, undefined, `${e.eventType} before sign-in has no user id`);
    }
    for (const t of ["checkout_start", "purchase"])
      assert.ok(
        visit.filter((e) => e.eventType === t).every((e) => e.userId === sub),
        `${t} carries the verified user`,
      );
    assert.ok(
      visit.some((e) => e.eventType === "add_to_cart" && e.userId === undefined),
      "the cart was filled anonymously",
    );
    await page.close();
  });

  it("the admin finds the shopper's order, marks it paid then shipped, and the search index follows", async () => {
    assert.ok(placedOrderId, "the order from the shopper's visit");
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("pageerror", (e) => console.error("page error:", e.message));
    const short = placedOrderId.slice(0, 8).toUpperCase();
    await page.goto(local.urls.storefront);
    await signIn(page, local.users.admin);
    await page.getByRole("link", { name: "Admin" }).click();
    await page.getByRole("heading", { level: 1, name: "Orders admin" }).waitFor();
    // The order reaches the index through the table's stream; search until it is there.
    await waitFor(
      async () => {
        await page.getByLabel("Search orders").fill(placedOrderId);
        await page.getByRole("button", { name: "Find orders" }).click();
        const markPaid = page.getByRole("button", { name: `Mark paid: order ${short}` });
        return (await shownWithin(markPaid, 1_000)) && (await markPaid.count()) === 1;
      },
      60_000,
      "the order found on the admin page",
    );
    await page.getByRole("button", { name: `Mark paid: order ${short}` }).click();
    await page.getByText(`Order ${short} is now paid.`).waitFor();
    await page.getByRole("button", { name: `Mark shipped: order ${short}` }).click();
    await page.getByText(`Order ${short} is now shipped.`).waitFor();
    await page
      .getByRole("row", { name: new RegExp(short) })
      .getByText("Shipped")
      .waitFor();

    // A fresh search by status answers from the index: the order is listed as shipped.
    await page.getByLabel("Search orders").fill("");
    await page.getByLabel("Status").selectOption("SHIPPED");
    await waitFor(
      async () => {
        await page.reload();
        await page.getByRole("heading", { level: 1, name: "Orders admin" }).waitFor();
        await page.getByLabel("Status").selectOption("SHIPPED");
        await page.getByRole("button", { name: "Find orders" }).click();
        const row = page.getByRole("row", { name: new RegExp(short) });
        return (await shownWithin(row, 1_000)) && (await row.count()) === 1;
      },
      60_000,
      "the index lists the order as shipped",
    );
    await page
      .getByRole("row", { name: new RegExp(short) })
      .getByText("Shipped")
      .waitFor();
    await page.close();
  });
  it("sign-out revokes the refresh token at the local hosted UI: the token endpoint then refuses it, and a reload stays signed out", async () => {
    const page = await browser.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await page.goto(local.urls.storefront);
    await signIn(page, local.users.shopper);
    const refreshToken: string = await page.evaluate(
      () =>
        Object.keys(sessionStorage)
          .filter((k) => k.startsWith("oidc.user:"))
          .map((k) => JSON.parse(sessionStorage.getItem(k)!).refresh_token as string)[0],
    );
    assert.ok(refreshToken, "the session holds a refresh token");
    const clientId = (
      (await (await fetch(`${local.urls.storefront}/config.json`)).json()) as { userPoolClientId: string }
    ).userPoolClientId;
    const refresh = () =>
      fetch(`${local.urls.signIn}/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: refreshToken,
          client_id: clientId,
        }).toString(),
      });
    assert.equal((await refresh()).status, 200, "the refresh token works while signed in");

    const revocation = page.waitForResponse(
      (r) => r.url() === `${local.urls.signIn}/oauth2/revoke` && r.request().method() === "POST",
    );
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    const revoked = await revocation;
    assert.equal(revoked.status(), 200);
    assert.equal(
      new URLSearchParams(revoked.request().postData() ?? "").get("token"),
      refreshToken,
      "the site revoked its refresh token",
    );
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    const after = await refresh();
    assert.equal(after.status, 400);
    assert.equal(((await after.json()) as { error: string }).error, "invalid_grant");
    await page.reload();
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    await page.close();
  });

  it("after the order, the hoodie's page shows the candle under 'Customers also bought', and a click on it is a product_view carrying the source into the lake", async () => {
    assert.equal(boughtTogether.length, 2, "the skus of the shopper's order");
    const [hoodie, candle] = boughtTogether;
    const candleName = ((await (await fetch(`${local.urls.api}/products/${candle}`)).json()) as { name: string }).name;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("pageerror", (e) => console.error("page error:", e.message));
    const traffic = new TrackerTraffic(page);
    const section = page.getByRole("region", { name: "Customers also bought" });
    // The order reaches the search index through the table's stream; an earlier answer (the
    // cold start, before the order) is kept only briefly: look again until the co-purchase shows.
    await waitFor(
      async () => {
        await page.goto(`${local.urls.storefront}/product/${hoodie}`);
        await page.getByRole("heading", { level: 1, name: "Zip Hoodie, Heather Grey" }).waitFor();
        return section
          .getByRole("link", { name: candleName })
          .waitFor({ timeout: 3_000 })
          .then(
            () => true,
            () => false,
          );
      },
      60_000,
      "the candle under Customers also bought",
    );
    assert.equal(await section.getAttribute("data-source"), "co-purchase");
    await section.getByRole("link", { name: candleName }).click();
    await page.getByRole("heading", { level: 1, name: candleName }).waitFor();
    // The shopper leaves the shop: the tracker sends the click it saw.
    await traffic.leave();
    const click = traffic.sent
      .map((s) => s.event)
      .find(
        (e) =>
          e.eventType === "product_view" &&
          e.itemId === candle &&
          e.properties?.recommendation_source === "co-purchase",
      );
    assert.ok(click, "the recommendation click sent");
    assert.equal(click.properties.recommendation_placement, "product");
    await waitFor(
      async () =>
        (await lake.all()).some(
          (e) => e.eventId === click.eventId && e.properties?.recommendation_source === "co-purchase",
        ),
      90_000,
      "the click in the lake with its source",
    );
    await page.close();
  });
});
