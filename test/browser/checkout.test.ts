// Checkout when things go wrong, and sign-in/out edges: what the shopper is told, and that an
// order is never placed twice.
import { strict as assert } from "node:assert";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { throttledRetryAfterSeconds } from "../../components/api";
import { closeContexts, requireChromium, sharedChromium } from "../../testing/chromium";
import { startFakeShop, type FakeShop } from "../../testing/fake-shop";
import { waitFor } from "../../testing/wait";
import { signIn } from "../../testing/storefront-sign-in";

declare const sessionStorage: any; // in page.evaluate callbacks, which run in the page

describe("storefront in Chromium: checkout and sign-in edges", function () {
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
    context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
  });
  afterEach(async () => {
    await context?.close();
    await shop?.stop();
  });

  async function cartWith(sku: string, quantity: number) {
    await page.goto(`${shop.siteUrl}/product/${sku}`);
    await page.getByLabel("Quantity").fill(String(quantity));
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByRole("link", { name: `Cart (${quantity})` }).waitFor();
  }

  it("checkout asks to sign in first and comes back to checkout with the cart intact", async () => {
    await cartWith("FTW-SLD-RCV-M", 2);
    await page.goto(`${shop.siteUrl}/checkout`);
    await signIn(page, shop.users.shopper, "Sign in to check out");
    await page.getByRole("heading", { level: 1, name: "Review your order" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/checkout");
    assert.equal(new URL(page.url()).search, "", "no code or state left in the address bar");
  });

  it("429 with Retry-After: says when to retry, waits, and the retry reuses the same Idempotency-Key (one order)", async () => {
    await cartWith("FTW-SLD-RCV-M", 1);
    await page.goto(`${shop.siteUrl}/checkout`);
    await signIn(page, shop.users.shopper, "Sign in to check out");
    shop.failNextOrder(429, 2);
    await page.getByRole("button", { name: "Place order" }).click();
    await page.getByText("The shop is very busy right now. Please try again in 2 seconds").waitFor();
    assert.equal(
      await page.getByRole("button", { name: "Place order" }).isDisabled(),
      true,
      "no retry before Retry-After",
    );
    await page.getByRole("button", { name: "Place order" }).click({ timeout: 5000 });
    await page.getByRole("heading", { level: 1, name: "Thank you for your order" }).waitFor();
    assert.equal(shop.orderRequests.length, 2);
    assert.equal(shop.orderRequests[0].idempotencyKey, shop.orderRequests[1].idempotencyKey);
    assert.match(shop.orderRequests[0].idempotencyKey, /^[0-9a-f-]{36}$/);
    assert.equal(shop.orders.size, 1);
  });

  it("API Gateway's own 429 (THROTTLED, as the deployed document defines it): the site reads its Retry-After across origins and waits that long", async () => {
    await cartWith("FTW-SLD-RCV-M", 1);
    await page.goto(`${shop.siteUrl}/checkout`);
    await signIn(page, shop.users.shopper, "Sign in to check out");
    shop.refuseNextOrderAtGateway("THROTTLED");
    const refused = page.waitForResponse((r) => r.url().endsWith("/v1/orders") && r.request().method() === "POST");
    await page.getByRole("button", { name: "Place order" }).click();
    assert.equal((await refused).status(), 429);
    // The site's own fallback is 5 s: this message is only there when the header was readable.
    await page
      .getByText(`The shop is very busy right now. Please try again in ${throttledRetryAfterSeconds} second;`)
      .waitFor();
    await page.getByRole("button", { name: "Place order" }).click({ timeout: 5000 });
    await page.getByRole("heading", { level: 1, name: "Thank you for your order" }).waitFor();
    assert.equal(shop.orderRequests.length, 2);
    assert.equal(shop.orderRequests[0].idempotencyKey, shop.orderRequests[1].idempotencyKey);
    assert.equal(shop.orders.size, 1);
  });

  it("a lost answer (network failure) is retried with the same key; the next order gets a new one", async () => {
    await cartWith("FTW-SLD-RCV-M", 1);
    await page.goto(`${shop.siteUrl}/checkout`);
    await signIn(page, shop.users.shopper, "Sign in to check out");
    // The request reaches the API and the order is stored, but the answer never arrives.
    await page.route("**/v1/orders", async (route) => {
      await route.fetch();
      await route.abort("connectionreset");
    });
    await page.getByRole("button", { name: "Place order" }).click();
    await page.getByText("We could not reach the shop").waitFor();
    await page.unroute("**/v1/orders");
    await page.getByRole("button", { name: "Place order" }).click();
    await page.getByRole("heading", { level: 1, name: "Thank you for your order" }).waitFor();
    assert.equal(shop.orders.size, 1, "stored once");
    assert.equal(shop.orderRequests[0].idempotencyKey, shop.orderRequests[1].idempotencyKey);

    await cartWith("FTW-SLD-RCV-M", 1);
    await page.goto(`${shop.siteUrl}/checkout`);
    await page.getByRole("button", { name: "Place order" }).click();
    await page.getByRole("heading", { level: 1, name: "Thank you for your order" }).waitFor();
    assert.notEqual(shop.orderRequests[2].idempotencyKey, shop.orderRequests[0].idempotencyKey);
    assert.equal(shop.orders.size, 2);
  });

  it("409 out of stock names the product and what is left, and offers to take what is in stock", async () => {
    await cartWith("FTW-SLD-RCV-M", 3);
    shop.products.get("FTW-SLD-RCV-M")!.stock = 2; // someone else bought in the meantime
    await page.goto(`${shop.siteUrl}/checkout`);
    await signIn(page, shop.users.shopper, "Sign in to check out");
    await page.getByRole("button", { name: "Place order" }).click();
    await page.getByText("Sorry, we don't have enough in stock: only 2 left of Recovery Slide, Medium.").waitFor();
    await page.getByRole("button", { name: "Use the quantities in stock" }).click();
    await page.getByRole("link", { name: "Cart (2)" }).waitFor();
    await page.getByRole("button", { name: "Place order" }).click();
    await page.getByRole("heading", { level: 1, name: "Thank you for your order" }).waitFor();
    assert.equal(shop.products.get("FTW-SLD-RCV-M")!.stock, 0);
  });

  it("prices shown are the catalog's at checkout, not the ones seen earlier", async () => {
    await cartWith("FTW-SLD-RCV-M", 1);
    await page.getByText("$35.00").first().waitFor();
    shop.products.get("FTW-SLD-RCV-M")!.priceCents = 3100;
    await page.getByRole("link", { name: /^Cart/ }).click();
    await signIn(page, shop.users.shopper);
    await page.getByRole("button", { name: "Checkout" }).click();
    await page.getByText("Total: $31.00").waitFor();
  });

  it("checkout reads the stock again, not the browser's copy of the cart's: someone else bought in between", async () => {
    await cartWith("FTW-SLD-RCV-M", 3);
    await page.getByRole("link", { name: "Cart (3)" }).click();
    await signIn(page, shop.users.shopper);
    await page.getByRole("button", { name: "Checkout" }).waitFor();
    shop.products.get("FTW-SLD-RCV-M")!.stock = 2;
    await page.getByRole("button", { name: "Checkout" }).click();
    await page.getByRole("button", { name: "Place order" }).waitFor();
    await page.getByRole("table", { name: "Order summary" }).getByText("Only 2 left").waitFor({ timeout: 5_000 });
  });

  it("after the shopper's own order, the product page says what is left (also after a reload), not the stock seen before", async () => {
    const tent = shop.products.get("OUT-TNT-2P-ULT")!;
    tent.stock = 8;
    await cartWith(tent.sku, 4);
    await page.getByText("In stock", { exact: true }).waitFor();
    await page.goto(`${shop.siteUrl}/checkout`);
    await signIn(page, shop.users.shopper, "Sign in to check out");
    await page.getByRole("button", { name: "Place order" }).click();
    await page.getByRole("heading", { level: 1, name: "Thank you for your order" }).waitFor();
    assert.equal(tent.stock, 4);
    await page.getByRole("link", { name: tent.name }).click();
    await page.getByRole("heading", { level: 1, name: tent.name }).waitFor();
    await page.getByText("Only 4 left").waitFor({ timeout: 5_000 });
    await page.reload();
    await page.getByRole("heading", { level: 1, name: tent.name }).waitFor();
    await page.getByText("Only 4 left").waitFor({ timeout: 5_000 });
  });

  it("the hosted UI's ?error= and a stale state each get a message and a way to sign in again", async () => {
    await page.goto(`${shop.siteUrl}/?error=access_denied&error_description=User+cancelled&state=abc`);
    await page.getByRole("alert").getByText("Sign-in did not complete (User cancelled). You can try again.").waitFor();
    assert.equal(new URL(page.url()).search, "");
    await page.goto(`${shop.siteUrl}/?code=old-code&state=0123456789abcdef`);
    await page
      .getByRole("alert")
      .getByText("That sign-in has expired or was started elsewhere. Please sign in again.")
      .waitFor();
    await page.getByRole("button", { name: "Try signing in again" }).click();
    await page.getByLabel("Username").fill(shop.users.shopper.email);
    await page.getByLabel("Password").fill(shop.users.shopper.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByText(`Signed in as ${shop.users.shopper.email}`).waitFor();
  });

  it("silent refresh: a token about to expire is renewed with the refresh token, and the shopper stays signed in", async () => {
    // oidc-client-ts renews 60 s before expiry: a 62 s token is renewed about 2 s after sign-in.
    shop.setTokenLifetime(62);
    const failures: string[] = [];
    page.on("console", (m) => {
      if (m.text().startsWith("token renewal failed")) failures.push(m.text());
    });
    await page.goto(shop.siteUrl);
    await signIn(page, shop.users.shopper);
    const expiresAt = () =>
      page.evaluate(
        () =>
          Object.keys(sessionStorage)
            .filter((k) => k.startsWith("oidc.user:"))
            .map((k) => JSON.parse(sessionStorage.getItem(k)!).expires_at as number)[0],
      );
    const first = await expiresAt();
    await waitFor(() => shop.tokenGrants.includes("refresh_token"), 15_000, "a refresh-token grant");
    await waitFor(async () => (await expiresAt()) > first, 15_000, "the renewed token stored");
    assert.deepEqual(failures, []);
    assert.deepEqual(shop.tokenGrants.slice(0, 2), ["authorization_code", "refresh_token"]);
    await page.getByRole("link", { name: "Orders", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Your orders" }).waitFor();
    await page.getByText(`Signed in as ${shop.users.shopper.email}`).waitFor();
  });

  it("sign-out revokes the refresh token and ends the session; a reload stays signed out", async () => {
    await page.goto(shop.siteUrl);
    await signIn(page, shop.users.shopper);
    await page.reload();
    await page.getByText(`Signed in as ${shop.users.shopper.email}`).waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    await waitFor(() => shop.revokedTokens.length === 1);
    assert.match(shop.revokedTokens[0], /^[0-9a-f-]{36}$/, "the refresh token was revoked");
    await page.reload();
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
  });
});
