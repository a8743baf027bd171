// The shop's calls to its API (catalog, orders). Errors keep what the shopper needs to hear:
// the status, the API's message and details, and how long to wait before a retry.
// The shared contracts (types only: nothing of them lands in the bundle).
import type { OrderStatus } from "../../handlers/shared/order";
import { catalogBrowserKeepsMs } from "../../handlers/shared/catalog-caching";
import type { Product } from "../../handlers/shared/product";
import type { RecommendationSource, RecommendationsResponse } from "../../handlers/recommendations/contract";

export type { OrderStatus, Product, RecommendationSource, RecommendationsResponse };

export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
}

export interface Order {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  createdAt: string;
  updatedAt: string;
  currency: "USD";
  lines: OrderLine[];
  itemCount: number;
  totalCents: number;
}

export interface ErrorDetail {
  path: string;
  message: string;
  sku?: string;
  available?: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** From Retry-After (seconds or an HTTP date), when the API sent one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The network failed before any answer (offline, DNS, CORS refusal). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "NetworkError";
  }
}

export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * A store report (GET /analytics/{query}): the latest answer of a named query, or "being
 * prepared" with when to ask again (the 202's Retry-After, when the API sent one).
 */
export type Report =
  | { query: string; since: string; state: "running"; retryAfterSeconds?: number }
  | {
      query: string;
      since: string;
      state: "ready";
      computedAt: string;
      refreshing: boolean;
      columns: string[];
      rows: Record<string, string | number | boolean | null>[];
    };

export type TokenSource = () => Promise<string | undefined>;

export interface ProductQuery {
  category?: string;
  sort?: "name" | "price";
  order?: "asc" | "desc";
  limit?: number;
  cursor?: string;
}

/** When the shop last re-read the catalog for stock (checkout, an order placed): kept across reloads of the tab. */
const catalogReadKey = "shop.catalog.readAt";

export class ShopApi {
  private catalog?: Promise<Product[]>;
  private catalogReadAt = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly idToken: TokenSource,
  ) {}

  listProducts(query: ProductQuery = {}): Promise<{ items: Product[]; nextCursor?: string }> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query))
      if (value !== undefined && value !== "") params.set(key, String(value));
    const search = params.toString();
    return this.call("GET", `/products${search ? `?${search}` : ""}`, undefined, { cache: this.catalogCache() });
  }

  /** The whole catalog (every page), fetched once per page load: home, search and cart prices use it. */
  allProducts(): Promise<Product[]> {
    this.catalog ??= (async () => {
      const items: Product[] = [];
      let cursor: string | undefined;
      do {
        const page = await this.listProducts({ sort: "name", limit: 100, cursor });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return items;
    })().catch((error) => {
      this.catalog = undefined;
      throw error;
    });
    return this.catalog;
  }

  /**
   * Forget the cached catalog (stock and prices change; checkout re-reads them). The browser's
   * HTTP cache may hold answers from before for minutes: until those are out of it, catalog
   * reads ask the API again (also after a reload), so an order's stock shows on the next page.
   */
  refreshCatalog(): void {
    this.catalog = undefined;
    try {
      sessionStorage.setItem(catalogReadKey, String(Date.now()));
    } catch {
      // storage unavailable: this page's reads still revalidate
    }
    this.catalogReadAt = Date.now();
  }

  private catalogCache(): RequestCache {
    let readAt = this.catalogReadAt;
    try {
      readAt = Math.max(readAt, Number(sessionStorage.getItem(catalogReadKey) ?? 0) || 0);
    } catch {
      // storage unavailable: what this page knows
    }
    // Within the browser's keeping of an answer from before the re-read, ask the API again
    // rather than take the stock from before out of the browser's cache.
    return Date.now() - readAt < catalogBrowserKeepsMs ? "no-cache" : "default";
  }

  product(sku: string): Promise<Product> {
    return this.call("GET", `/products/${encodeURIComponent(sku)}`, undefined, { cache: this.catalogCache() });
  }

  /** "Customers also bought" for a product, or the shop's popular items: public, the same for everyone. */
  recommendations(sku?: string, limit = 4): Promise<RecommendationsResponse> {
    const params = new URLSearchParams({ ...(sku ? { sku } : {}), limit: String(limit) });
    return this.call("GET", `/recommendations?${params}`);
  }

  /** "Recommended for you": the signed-in shopper's own list. */
  myRecommendations(limit = 4): Promise<RecommendationsResponse> {
    return this.call("GET", `/recommendations/me?limit=${limit}`, undefined, { auth: true });
  }

  createOrder(lines: { sku: string; quantity: number }[], idempotencyKey: string): Promise<Order> {
    return this.call("POST", "/orders", { lines }, { auth: true, headers: { "Idempotency-Key": idempotencyKey } });
  }

  myOrders(cursor?: string): Promise<{ orders: Order[]; nextCursor: string | null }> {
    return this.call("GET", `/orders${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`, undefined, {
      auth: true,
    });
  }

  order(orderId: string): Promise<Order> {
    return this.call("GET", `/orders/${encodeURIComponent(orderId)}`, undefined, { auth: true });
  }

  searchOrders(query: { q?: string; status?: OrderStatus }): Promise<{ orders: Order[]; total: number }> {
    const params = new URLSearchParams();
    if (query.q?.trim()) params.set("q", query.q.trim());
    if (query.status) params.set("status", query.status);
    const search = params.toString();
    return this.call("GET", `/orders/search${search ? `?${search}` : ""}`, undefined, { auth: true });
  }

  /** Admin only: one of the store's reports ("funnel", "top-products"). */
  async report(name: string): Promise<Report> {
    const { body, response } = await this.send<Report>("GET", `/analytics/${encodeURIComponent(name)}`, undefined, {
      auth: true,
    });
    if (body.state !== "running") return body;
    return { ...body, retryAfterSeconds: parseRetryAfter(response.headers.get("Retry-After")) };
  }

  updateOrderStatus(orderId: string, status: OrderStatus): Promise<Order> {
    return this.call("PATCH", `/orders/${encodeURIComponent(orderId)}`, { status }, { auth: true });
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    options: { auth?: boolean; headers?: Record<string, string>; cache?: RequestCache } = {},
  ): Promise<T> {
    return (await this.send<T>(method, path, body, options)).body;
  }

  /** A call whose answer's headers matter too. */
  private async send<T>(
    method: string,
    path: string,
    body?: unknown,
    options: { auth?: boolean; headers?: Record<string, string>; cache?: RequestCache } = {},
  ): Promise<{ body: T; response: Response }> {
    const headers: Record<string, string> = { ...options.headers };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (options.auth) {
      const token = await this.idToken();
      if (!token) throw new ApiError(401, "Please sign in first.");
      headers.Authorization = token;
    }
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        ...(options.cache ? { cache: options.cache } : {}),
      });
    } catch (error) {
      throw new NetworkError(error);
    }
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: any JSON the API returned; `T` is the caller's contract for a success body
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const message =
        typeof json?.error === "string"
          ? json.error
          : typeof json?.message === "string"
            ? json.message
            : `HTTP ${response.status}`;
      throw new ApiError(
        response.status,
        message,
        Array.isArray(json?.details) ? json.details : [],
        parseRetryAfter(response.headers.get("Retry-After")),
      );
    }
    return { body: json as T, response };
  }
}
