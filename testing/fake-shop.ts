// A stand-in for the platform behind the storefront, for the browser tests that need answers
// local mode cannot be made to give on demand (a 429 with Retry-After, a 409 out of stock, a
// sign-in that comes back with ?error=). It keeps the documented contracts: the catalog API,
// POST /orders with Idempotency-Key, the clickstream collector's { accepted, failed,
// failedIndexes }, and the hosted UI's authorize / token / revoke / logout endpoints (tokens
// are unsigned JWTs: the site never verifies signatures, the API does). Serves the real build.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildSite, type BuiltSiteFile } from "../components/site-build";
import { gatewayResponses } from "../components/api";
import { contentSecurityPolicy } from "../components/storefront";
import { GatewayResponses } from "../local/gateway/gateway-responses";
import { IncomingApiRequest } from "../local/gateway/request";
import { orderTotals, priceLines } from "../handlers/orders/pricing";
import { catalogCacheControl } from "../handlers/catalog/contract";
import { defaultPageSize } from "../handlers/shared/order";
import type { Product } from "../handlers/shared/product";

/** A product as the catalog API answers it (the shared contract). */
export type FakeProduct = Product;

export interface RecordedEvent {
  route: "/events" | "/events/me";
  userId?: string;
  event: Record<string, any>;
}

export interface FakeShop {
  siteUrl: string;
  apiUrl: string;
  hostedUiUrl: string;
  products: Map<string, FakeProduct>;
  events: RecordedEvent[];
  orders: Map<string, any>;
  /** Each POST /orders as received: its Idempotency-Key and lines. */
  orderRequests: { idempotencyKey: string; body: any }[];
  revokedTokens: string[];
  /** grant_type of every token request, in order. */
  tokenGrants: string[];
  /** Lifetime of the tokens issued from now on (default 3600 s). */
  setTokenLifetime(seconds: number): void;
  /** Answer the next POST /orders with this status instead (429 gets Retry-After). */
  failNextOrder(status: 429 | 503, retryAfterSeconds?: number): void;
  /** Answer the next POST /orders with API Gateway's own response of this type, as the program's document defines it (headers and body). */
  refuseNextOrderAtGateway(type: "THROTTLED" | "QUOTA_EXCEEDED"): void;
  /** The collector reports these indexes of the next batch as failed (as Kinesis throttling does). */
  failNextEventIndexes(indexes: number[]): void;
  users: Record<"shopper" | "admin", { email: string; password: string; sub: string; groups: string[] }>;
  stop(): Promise<void>;
}

const catalogFile = path.join(__dirname, "..", "catalog", "products.json");

function loadCatalog(): Map<string, FakeProduct> {
  const raw = JSON.parse(fs.readFileSync(catalogFile, "utf8")) as any[];
  return new Map(
    raw.map((p) => [
      p.sku,
      {
        sku: p.sku,
        name: p.name,
        description: p.description ?? `${p.name}: a favourite in ${p.category}.`,
        category: p.category,
        priceCents: p.priceCents,
        currency: "USD" as const,
        image: `/images/${p.sku}.svg`,
        stock: p.stock ?? 25,
      },
    ]),
  );
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString());

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

export async function startFakeShop(
  options: {
    products?: (p: Map<string, FakeProduct>) => void;
    /** Answer GET /recommendations?sku= ("customers also bought") with these skus; without it, 404 as before. */
    relatedSkus?: (sku: string) => string[];
  } = {},
): Promise<FakeShop> {
  const site = new Map((await buildSite()).map((f: BuiltSiteFile) => [`/${f.key}`, f]));
  const products = loadCatalog();
  options.products?.(products);
  const events: RecordedEvent[] = [];
  const orders = new Map<string, any>();
  const byIdempotencyKey = new Map<string, any>();
  const orderRequests: FakeShop["orderRequests"] = [];
  const revokedTokens: string[] = [];
  const tokenGrants: string[] = [];
  let tokenLifetime = 3600;
  const codes = new Map<string, { user: keyof FakeShop["users"]; challenge: string }>();
  const refreshTokens = new Map<string, { user: keyof FakeShop["users"]; authTime: number }>();
  let nextOrderFailure: { status: number; retryAfter?: number } | undefined;
  let nextGatewayRefusal: "THROTTLED" | "QUOTA_EXCEEDED" | undefined;
  let nextEventFailures: number[] = [];
  const users: FakeShop["users"] = {
    shopper: {
      email: "shopper@example.com",
      password: "Shopper-Passw0rd!",
      sub: "11111111-aaaa-4bbb-8ccc-000000000001",
      groups: [],
    },
    admin: {
      email: "admin@example.com",
      password: "Admin-Passw0rd!",
      sub: "11111111-aaaa-4bbb-8ccc-000000000002",
      groups: ["admin"],
    },
  };

  const siteServer = http.createServer();
  const apiServer = http.createServer();
  const authServer = http.createServer();
  const [siteUrl, apiBase, hostedUiUrl] = await Promise.all([
    listen(siteServer),
    listen(apiServer),
    listen(authServer),
  ]);
  const apiUrl = `${apiBase}/v1`;
  const issuer = `${hostedUiUrl}/pool`;

  // auth_time stays the sign-in's on refreshed tokens, as Cognito's do (clients compare it).
  const idToken = (name: keyof FakeShop["users"], authTime: number) => {
    const u = users[name];
    const now = Math.floor(Date.now() / 1000);
    return `${b64url({ alg: "RS256", typ: "JWT" })}.${b64url({ sub: u.sub, email: u.email, "cognito:groups": u.groups, iss: issuer, aud: "fake-client", token_use: "id", iat: now, exp: now + tokenLifetime, auth_time: authTime })}.c2ln`;
  };

  siteServer.on("request", (req, res) => {
    const url = new URL(req.url ?? "/", siteUrl);
    if (url.pathname === "/config.json") {
      res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache" });
      res.end(
        JSON.stringify({
          apiUrl,
          region: "eu-west-1",
          userPoolId: "pool",
          userPoolClientId: "fake-client",
          hostedUiUrl,
          issuer,
        }),
      );
      return;
    }
    // Missing keys are client-side routes: the app shell answers (as CloudFront's SPA fallback does).
    const file = site.get(url.pathname) ?? (url.pathname.startsWith("/images/") ? undefined : site.get("/index.html"));
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    // The production policy, with this stand-in's API and sign-in origins in place of AWS's.
    const csp = contentSecurityPolicy({ apiOrigins: [apiBase], signInOrigin: hostedUiUrl });
    res.writeHead(200, {
      "Content-Type": file.contentType,
      "Cache-Control": file.cacheControl,
      "Content-Security-Policy": csp,
    });
    res.end(file.body);
  });

  const cors = { "Access-Control-Allow-Origin": siteUrl, "Access-Control-Expose-Headers": "Retry-After" };
  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "Content-Type": "application/json", ...cors, ...headers });
    res.end(JSON.stringify(body));
  };
  const caller = (req: http.IncomingMessage) => {
    const token = req.headers.authorization;
    if (!token) return undefined;
    try {
      const claims = decode(token);
      return claims.exp * 1000 > Date.now()
        ? { sub: claims.sub as string, admin: (claims["cognito:groups"] ?? []).includes("admin") }
        : undefined;
    } catch {
      return undefined;
    }
  };

  apiServer.on("request", async (req, res) => {
    const url = new URL(req.url ?? "/", apiBase);
    const route = url.pathname.replace(/^\/v1/, "");
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        ...cors,
        "Access-Control-Allow-Methods": "GET,POST,PATCH,OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type,Authorization,Idempotency-Key",
      });
      res.end();
      return;
    }
    const body = req.method === "GET" ? undefined : JSON.parse((await readBody(req)) || "{}");
    if (req.method === "GET" && route === "/products") {
      let items = [...products.values()];
      const category = url.searchParams.get("category");
      if (category) items = items.filter((p) => p.category === category);
      const sort = url.searchParams.get("sort") ?? "name";
      const dir = url.searchParams.get("order") === "desc" ? -1 : 1;
      items.sort(
        (a, b) =>
          dir *
          (sort === "price" ? a.priceCents - b.priceCents || a.sku.localeCompare(b.sku) : a.name.localeCompare(b.name)),
      );
      const limit = Number(url.searchParams.get("limit") ?? 24);
      const start = Number(url.searchParams.get("cursor") ?? 0);
      const page = items.slice(start, start + limit);
      return json(
        res,
        200,
        start + limit < items.length ? { items: page, nextCursor: String(start + limit) } : { items: page },
        { "Cache-Control": catalogCacheControl },
      );
    }
    const productMatch = /^\/products\/([^/]+)$/.exec(route);
    if (req.method === "GET" && productMatch) {
      const product = products.get(decodeURIComponent(productMatch[1]));
      // What the catalog API sends: a browser may keep a product's answer (its stock) for minutes.
      return product
        ? json(res, 200, product, { "Cache-Control": catalogCacheControl })
        : json(res, 404, { error: "no such product" });
    }
    if (req.method === "GET" && route === "/recommendations" && options.relatedSkus && url.searchParams.get("sku")) {
      const sku = url.searchParams.get("sku")!;
      const items = options
        .relatedSkus(sku)
        .map((s) => products.get(s))
        .filter((p): p is FakeProduct => p !== undefined);
      return json(res, 200, { source: "co-purchase", basedOn: sku, items });
    }
    if (route === "/events" || route === "/events/me") {
      const who = route === "/events/me" ? caller(req) : undefined;
      if (route === "/events/me" && !who) return json(res, 401, { message: "Unauthorized" });
      const failing = new Set(nextEventFailures);
      nextEventFailures = [];
      const batch: any[] = body.events ?? [];
      batch.forEach((event, i) => {
        if (!failing.has(i))
          events.push({ route, userId: who?.sub, event: who ? { ...event, userId: who.sub } : event });
      });
      const failedIndexes = batch.map((_, i) => i).filter((i) => failing.has(i));
      return json(res, 200, {
        accepted: batch.length - failedIndexes.length,
        failed: failedIndexes.length,
        failedIndexes,
      });
    }
    const who = caller(req);
    if (route.startsWith("/orders") && !who) return json(res, 401, { message: "Unauthorized" });
    if (req.method === "POST" && route === "/orders") {
      const key = String(req.headers["idempotency-key"] ?? "");
      orderRequests.push({ idempotencyKey: key, body });
      if (nextGatewayRefusal) {
        // Exactly what the deployed API's gateway response sends: no headers of this stand-in's own.
        const type = nextGatewayRefusal;
        nextGatewayRefusal = undefined;
        const request = new IncomingApiRequest(
          "POST",
          "/orders",
          "/v1/orders",
          req.rawHeaders,
          "",
          Buffer.alloc(0),
          "127.0.0.1",
        );
        const refusal = new GatewayResponses(gatewayResponses(siteUrl)).render(
          { type, message: "Too Many Requests" },
          request,
          { requestId: randomUUID() },
          {},
        );
        res.writeHead(
          refusal.statusCode,
          Object.fromEntries(Object.entries(refusal.headers).map(([name, values]) => [name, values.join(", ")])),
        );
        res.end(refusal.body);
        return;
      }
      if (nextOrderFailure) {
        const failure = nextOrderFailure;
        nextOrderFailure = undefined;
        return json(
          res,
          failure.status,
          { error: failure.status === 429 ? "Too Many Requests" : "Service Unavailable" },
          failure.retryAfter ? { "Retry-After": String(failure.retryAfter) } : {},
        );
      }
      const replay = byIdempotencyKey.get(key);
      if (replay) return json(res, 201, replay);
      const shortages = (body.lines as any[])
        .map((line, i) => ({ line, i, product: products.get(line.sku)! }))
        .filter(({ line, product }) => product.stock < line.quantity)
        .map(({ line, i, product }) => ({
          path: `lines[${i}].sku`,
          message: `${line.sku}: only ${product.stock} left`,
          sku: line.sku,
          available: product.stock,
        }));
      if (shortages.length > 0) return json(res, 409, { error: "not enough stock", details: shortages });
      const now = new Date().toISOString();
      // Priced as the order handler prices (catalog prices, never the client's).
      const lines = priceLines({ lines: body.lines }, products);
      for (const line of lines) products.get(line.sku)!.stock -= line.quantity;
      const order = {
        orderId: randomUUID(),
        customerId: who!.sub,
        status: "PLACED",
        createdAt: now,
        updatedAt: now,
        currency: "USD",
        lines,
        ...orderTotals(lines),
        version: 1,
      };
      orders.set(order.orderId, order);
      byIdempotencyKey.set(key, order);
      return json(res, 201, order);
    }
    if (req.method === "GET" && route === "/orders") {
      // Newest first, in pages of `limit` (the orders API's default size): the cursor is opaque to the site.
      const mine = [...orders.values()].filter((o) => o.customerId === who!.sub).reverse();
      const limit = Number(url.searchParams.get("limit") ?? defaultPageSize);
      const start = Number(url.searchParams.get("cursor") ?? 0);
      return json(res, 200, {
        orders: mine.slice(start, start + limit),
        nextCursor: start + limit < mine.length ? String(start + limit) : null,
      });
    }
    if (req.method === "GET" && route === "/orders/search") {
      if (!who!.admin) return json(res, 403, { error: "admin only" });
      // As the search handler answers: newest first, at most `limit`, with the total of all that match.
      const q = url.searchParams.get("q")?.toLowerCase();
      const status = url.searchParams.get("status");
      const found = [...orders.values()]
        .filter((o) => (!q || JSON.stringify(o).toLowerCase().includes(q)) && (!status || o.status === status))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      const limit = Number(url.searchParams.get("limit") ?? defaultPageSize);
      return json(res, 200, { orders: found.slice(0, limit), total: found.length });
    }
    const orderMatch = /^\/orders\/([^/]+)$/.exec(route);
    if (orderMatch) {
      const order = orders.get(decodeURIComponent(orderMatch[1]));
      if (!order || (!who!.admin && order.customerId !== who!.sub)) return json(res, 404, { error: "no such order" });
      if (req.method === "GET") return json(res, 200, order);
      if (req.method === "PATCH") {
        if (!who!.admin) return json(res, 403, { error: "admin only" });
        const allowed: Record<string, string[]> = { PLACED: ["PAID", "CANCELLED"], PAID: ["SHIPPED", "CANCELLED"] };
        if (!(allowed[order.status] ?? []).includes(body.status))
          return json(res, 409, { error: `cannot move an order from ${order.status} to ${body.status}` });
        Object.assign(order, { status: body.status, updatedAt: new Date().toISOString(), version: order.version + 1 });
        return json(res, 200, order);
      }
    }
    return json(res, 404, { message: "Missing Authentication Token" });
  });

  authServer.on("request", async (req, res) => {
    const url = new URL(req.url ?? "/", hostedUiUrl);
    const authCors = { "Access-Control-Allow-Origin": "*" };
    if (req.method === "GET" && url.pathname === "/oauth2/authorize") {
      const p = url.searchParams;
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(`<!doctype html><html lang="en"><title>Sign in</title><form method="POST" action="/oauth2/authorize">
        ${["redirect_uri", "state", "code_challenge"].map((k) => `<input type="hidden" name="${k}" value="${p.get(k) ?? ""}">`).join("")}
        <label>Username <input name="username"></label><label>Password <input name="password" type="password"></label><button type="submit">Sign in</button></form></html>`);
      return;
    }
    if (req.method === "POST" && url.pathname === "/oauth2/authorize") {
      const form = new URLSearchParams(await readBody(req));
      const user = (Object.keys(users) as (keyof FakeShop["users"])[]).find(
        (k) => users[k].email === form.get("username") && users[k].password === form.get("password"),
      );
      if (!user) {
        res.writeHead(200, { "Content-Type": "text/html" }).end("<p>Incorrect username or password.</p>");
        return;
      }
      const code = randomUUID();
      codes.set(code, { user, challenge: form.get("code_challenge") ?? "" });
      const back = new URL(form.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", form.get("state") ?? "");
      res.writeHead(302, { Location: back.toString() }).end();
      return;
    }
    if (req.method === "OPTIONS") {
      res.writeHead(204, { ...authCors, "Access-Control-Allow-Headers": "Content-Type,Authorization" }).end();
      return;
    }
    if (req.method === "POST" && url.pathname === "/oauth2/token") {
      const form = new URLSearchParams(await readBody(req));
      tokenGrants.push(form.get("grant_type") ?? "");
      let user: keyof FakeShop["users"] | undefined;
      let refresh: string | undefined;
      let authTime = Math.floor(Date.now() / 1000);
      if (form.get("grant_type") === "authorization_code") {
        const stored = codes.get(form.get("code") ?? "");
        codes.delete(form.get("code") ?? "");
        const { createHash } = await import("node:crypto");
        if (
          stored &&
          createHash("sha256")
            .update(form.get("code_verifier") ?? "")
            .digest("base64url") === stored.challenge
        ) {
          user = stored.user;
          refresh = randomUUID();
          refreshTokens.set(refresh, { user, authTime });
        }
      } else if (form.get("grant_type") === "refresh_token") {
        const session = refreshTokens.get(form.get("refresh_token") ?? "");
        user = session?.user;
        if (session) authTime = session.authTime;
      }
      res.writeHead(user ? 200 : 400, { "Content-Type": "application/json", ...authCors });
      res.end(
        JSON.stringify(
          user
            ? {
                id_token: idToken(user, authTime),
                access_token: idToken(user, authTime),
                refresh_token: refresh,
                token_type: "Bearer",
                expires_in: tokenLifetime,
              }
            : { error: "invalid_grant" },
        ),
      );
      return;
    }
    if (req.method === "POST" && url.pathname === "/oauth2/revoke") {
      const form = new URLSearchParams(await readBody(req));
      revokedTokens.push(form.get("token") ?? "");
      refreshTokens.delete(form.get("token") ?? "");
      res.writeHead(200, authCors).end();
      return;
    }
    if (url.pathname === "/logout") {
      res.writeHead(302, { Location: url.searchParams.get("logout_uri") ?? siteUrl }).end();
      return;
    }
    res.writeHead(404).end();
  });

  return {
    siteUrl,
    apiUrl,
    hostedUiUrl,
    products,
    events,
    orders,
    orderRequests,
    revokedTokens,
    tokenGrants,
    setTokenLifetime(seconds) {
      tokenLifetime = seconds;
    },
    users,
    refuseNextOrderAtGateway(type) {
      nextGatewayRefusal = type;
    },
    failNextOrder(status, retryAfterSeconds) {
      nextOrderFailure = { status, retryAfter: retryAfterSeconds };
    },
    failNextEventIndexes(indexes) {
      nextEventFailures = indexes;
    },
    async stop() {
      for (const server of [siteServer, apiServer, authServer]) server.closeAllConnections();
      await Promise.all([siteServer, apiServer, authServer].map((s) => new Promise((r) => s.close(r))));
    },
  };
}
