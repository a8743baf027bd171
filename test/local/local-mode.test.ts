// Local mode end to end, as a client would use it: `startLocal` on free ports, then events into
// the lake (and a bad one into the quarantine), both demo users signed in through the hosted UI,
// an order placed, replayed, listed and found through search, the admin seeing every order and
// the shopper only theirs; then stop, restart on the same state, and the order is still there;
// after the last stop no port is left open.
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { startLocal, type LocalPlatform } from "../../local/platform";
import { claimsOf, signInWithHostedUi, type Tokens } from "../../testing/sign-in-client";

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const portOpen = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

describe("local mode: npm start's platform, end to end", function () {
  this.timeout(240_000);
  let stateDir: string;
  let platform: LocalPlatform | undefined;
  let shopper: Tokens;
  let admin: Tokens;
  const placedOrder: { id?: string } = {};

  before(async () => {
    stateDir = mkdtempSync(join(tmpdir(), "local-mode-"));
    platform = await startLocal({ port: 0, stateDir });
  });
  after(async () => {
    await platform?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const api = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${platform!.urls.api}${path}`, {
      ...init,
      headers: {
        "content-type": "application/json",
        ...(init.token ? { authorization: init.token } : {}),
        ...(init.headers as Record<string, string>),
      },
    });

  it("serves the storefront with a config.json pointing at the local API and sign-in, under a CSP admitting them", async () => {
    const page = await fetch(platform!.urls.storefront);
    assert.equal(page.status, 200);
    const csp = page.headers.get("content-security-policy") ?? "";
    assert.match(csp, new RegExp(`connect-src[^;]*${new URL(platform!.urls.api).origin.replace(/\./g, "\\.")}`));
    // The page only fetches from the sign-in origin (tokens, revocation); it posts no form there.
    assert.match(csp, new RegExp(`connect-src[^;]*${platform!.urls.signIn.replace(/\./g, "\\.")}`));
    const config = (await (await fetch(`${platform!.urls.storefront}/config.json`)).json()) as Record<string, string>;
    assert.equal(config.apiUrl, platform!.urls.api);
    assert.equal(config.hostedUiUrl, platform!.urls.signIn);
    assert.equal(config.userPoolId, platform!.signIn.userPoolId);
    assert.equal(config.userPoolClientId, platform!.signIn.clientId);
  });

  it("takes events through POST /events into the lake (GZIP, dt=/hour= partitions), and a bad one into the quarantine", async () => {
    const sessionId = `s-${Date.now()}`;
    const good = {
      eventId: `e-good-${sessionId}`,
      eventType: "page_view",
      sessionId,
      timestamp: Date.now(),
      page: { url: "https://shop.example.com/" },
    };
    // The API's model admits any short string as a timestamp; the processor's contract does not.
    const bad = {
      eventId: `e-bad-${sessionId}`,
      eventType: "page_view",
      sessionId,
      timestamp: "yesterday at noon",
      page: { url: "https://shop.example.com/" },
    };
    const response = await api("/events", {
      method: "POST",
      body: JSON.stringify({ events: [good, bad] }),
      headers: { origin: platform!.urls.storefront },
    });
    assert.equal(response.status, 200, await response.clone().text());
    const now = new Date();
    const partition = `events/dt=${now.toISOString().slice(0, 10)}/hour=${now.toISOString().slice(11, 13)}/`;
    const delivered = await eventually("the event in the lake", async () => {
      for (const key of await platform!.lake.keys("events/")) {
        const text = gunzipSync(await platform!.lake.read(key)).toString("utf8");
        if (text.includes(good.eventId)) return { key, text };
      }
      return undefined;
    });
    assert.ok(delivered.key.startsWith(partition), `${delivered.key} is under ${partition}`);
    assert.match(delivered.key, /\.gz$/);
    assert.ok(!delivered.text.includes(bad.eventId), "the bad event is not in the lake");
    const quarantined = await eventually("the bad event in the quarantine", async () => {
      for (const key of await platform!.lake.keys("quarantine/")) {
        const text = (await platform!.lake.read(key)).toString("utf8");
        if (text.includes(bad.eventId)) return text;
      }
      return undefined;
    });
    assert.match(quarantined, /timestamp/);
  });

  it("refuses an event batch that breaks the request model with a 400 that says why", async () => {
    const response = await api("/events", { method: "POST", body: JSON.stringify({ events: [] }) });
    assert.equal(response.status, 400);
    assert.match(await response.text(), /Invalid request body/);
  });

  it("signs in both demo users through the hosted UI with PKCE; only the admin is in the admin group", async () => {
    const redirect = platform!.urls.storefront;
    shopper = await signInWithHostedUi(
      platform!.urls.signIn,
      platform!.signIn.clientId,
      redirect,
      platform!.users.shopper.email,
      platform!.users.shopper.password,
    );
    admin = await signInWithHostedUi(
      platform!.urls.signIn,
      platform!.signIn.clientId,
      redirect,
      platform!.users.admin.email,
      platform!.users.admin.password,
    );
    assert.equal(claimsOf(shopper.idToken).email, platform!.users.shopper.email);
    assert.equal(claimsOf(shopper.idToken).iss, platform!.signIn.issuer);
    assert.deepEqual(claimsOf(admin.idToken)["cognito:groups"], ["admin"]);
    assert.equal(claimsOf(shopper.idToken)["cognito:groups"], undefined);
    await assert.rejects(
      signInWithHostedUi(
        platform!.urls.signIn,
        platform!.signIn.clientId,
        redirect,
        platform!.users.shopper.email,
        "wrong-Password-1",
      ),
      /sign-in refused/,
    );
    const signOut = await fetch(
      `${platform!.urls.signIn}/logout?client_id=${platform!.signIn.clientId}&logout_uri=${encodeURIComponent(redirect)}`,
      { redirect: "manual" },
    );
    assert.equal(signOut.status, 302);
    assert.equal(signOut.headers.get("location"), redirect);
  });

  it("places an order once per Idempotency-Key, lists it, and finds it through search once indexed", async () => {
    const key = `order-${Date.now()}`;
    const body = JSON.stringify({ lines: [{ sku: "KIT-MUG-STN-12", quantity: 2 }] });
    // Before any order is indexed, search answers an empty result, not a 503.
    const before = await api("/orders/search", { token: admin.idToken });
    assert.equal(before.status, 200, await before.clone().text());
    const first = await api("/orders", {
      method: "POST",
      body,
      token: shopper.idToken,
      headers: { "idempotency-key": key },
    });
    assert.equal(first.status, 201, await first.clone().text());
    const order = (await first.json()) as any;
    assert.ok(order.orderId);
    placedOrder.id = order.orderId;
    const replay = await api("/orders", {
      method: "POST",
      body,
      token: shopper.idToken,
      headers: { "idempotency-key": key },
    });
    assert.equal(replay.status, 201);
    assert.equal(((await replay.json()) as any).orderId, order.orderId, "the replay answers the same order");
    const withoutKey = await api("/orders", { method: "POST", body, token: shopper.idToken });
    assert.equal(withoutKey.status, 400);
    const noToken = await api("/orders", { method: "POST", body, headers: { "idempotency-key": `${key}-x` } });
    assert.equal(noToken.status, 401);

    const listed = (await (await api("/orders", { token: shopper.idToken })).json()) as any;
    assert.deepEqual(
      listed.orders.map((o: any) => o.orderId),
      [order.orderId],
      "one order, not two",
    );

    const found = await eventually("the order in search", async () => {
      const response = await api(`/orders/search`, { token: shopper.idToken });
      const result = (await response.json()) as any;
      return result.orders?.some((o: any) => o.orderId === order.orderId) ? result : undefined;
    });
    assert.equal(found.orders.length, 1);
  });

  it("lets the admin search every customer's orders and the shopper only their own", async () => {
    const key = `admin-order-${Date.now()}`;
    const placed = await api("/orders", {
      method: "POST",
      body: JSON.stringify({ lines: [{ sku: "KIT-MUG-STN-12", quantity: 1 }] }),
      token: admin.idToken,
      headers: { "idempotency-key": key },
    });
    assert.equal(placed.status, 201, await placed.clone().text());
    const adminsOrder = ((await placed.json()) as any).orderId;
    const all = await eventually("both orders for the admin", async () => {
      const result = (await (await api("/orders/search", { token: admin.idToken })).json()) as any;
      const ids = (result.orders ?? []).map((o: any) => o.orderId);
      return ids.includes(adminsOrder) && ids.includes(placedOrder.id) ? ids : undefined;
    });
    assert.ok(all.length >= 2);
    const mine = (await (await api("/orders/search", { token: shopper.idToken })).json()) as any;
    assert.deepEqual(
      mine.orders.map((o: any) => o.orderId),
      [placedOrder.id],
    );
    const shopperClaims = claimsOf(shopper.idToken);
    assert.ok(mine.orders.every((o: any) => o.customerId === shopperClaims.sub));
  });

  it("recommends what was bought together after a few orders (co-purchase from the orders index), and popular items to a signed-in shopper", async () => {
    // Placed by the admin, so the shopper's own order list (checked after the restart) stays one order.
    const bottle = "OUT-BTL-INS-750";
    const baskets = [
      [bottle, "OUT-PCK-DAY-24L"],
      [bottle, "OUT-PCK-DAY-24L", "OUT-LMP-HD-400"],
    ];
    const ids: string[] = [];
    for (const [i, skus] of baskets.entries()) {
      const placed = await api("/orders", {
        method: "POST",
        body: JSON.stringify({ lines: skus.map((sku) => ({ sku, quantity: 1 })) }),
        token: admin.idToken,
        headers: { "idempotency-key": `basket-${i}-${Date.now()}` },
      });
      assert.equal(placed.status, 201, await placed.clone().text());
      ids.push(((await placed.json()) as any).orderId);
    }
    await eventually("both baskets indexed", async () => {
      const result = (await (await api("/orders/search", { token: admin.idToken })).json()) as any;
      const found = new Set((result.orders ?? []).map((o: any) => o.orderId));
      return ids.every((id) => found.has(id)) ? true : undefined;
    });
    const response = await api(`/recommendations?sku=${bottle}`);
    assert.equal(response.status, 200, await response.clone().text());
    assert.match(response.headers.get("cache-control") ?? "", /^public/);
    const body = (await response.json()) as any;
    assert.equal(body.source, "co-purchase");
    assert.equal(body.basedOn, bottle);
    assert.deepEqual(
      body.items.map((p: any) => p.sku),
      ["OUT-PCK-DAY-24L", "OUT-LMP-HD-400"],
    );

    const mine = await api("/recommendations/me", { token: shopper.idToken });
    assert.equal(mine.status, 200, await mine.clone().text());
    assert.match(mine.headers.get("cache-control") ?? "", /^private/);
    assert.equal(((await mine.json()) as any).source, "popular");
    assert.equal((await api("/recommendations/me")).status, 401, "the shopper's own list needs a token");
  });

  it("keeps orders and users through a restart, and leaves no port open after stopping", async () => {
    const urls = Object.values(platform!.urls);
    await platform!.stop();
    platform = undefined;
    for (const url of urls) assert.equal(await portOpen(url), false, `${url} is closed`);
    platform = await startLocal({ port: 0, stateDir });
    const again = await signInWithHostedUi(
      platform.urls.signIn,
      platform.signIn.clientId,
      platform.urls.storefront,
      platform.users.shopper.email,
      platform.users.shopper.password,
    );
    const order = await api(`/orders/${placedOrder.id}`, { token: again.idToken });
    assert.equal(order.status, 200, await order.clone().text());
    assert.equal(((await order.json()) as any).orderId, placedOrder.id);
    const search = (await (await api("/orders/search", { token: again.idToken })).json()) as any;
    assert.deepEqual(
      search.orders.map((o: any) => o.orderId),
      [placedOrder.id],
      "search still finds it",
    );
    const lake = await platform.lake.keys("events/");
    assert.ok(lake.length > 0, "the lake is still there");
    const restartedUrls = Object.values(platform.urls);
    await platform.stop();
    platform = undefined;
    for (const url of restartedUrls) assert.equal(await portOpen(url), false, `${url} is closed`);
  });
});
