// The seam between the Catalog component and its handler (no SDK or Pulumi imports): the
// environment the component builds and the handler parses, the telemetry names, and the
// public routes the Api serves and local mode mirrors.
import * as z from "../lib/zod";
import { type HandlerContract, telemetryEnvironment } from "../lib/environment";
import type { RouteContracts } from "../shared/http";

export const title = "Catalog";
export const serviceName = "catalog";
export const metricsNamespace = "Ecommerce/Catalog";

export const environmentSchema = z.object({
  AWS_REGION: z.string().check(z.minLength(1)),
  /** Products table (key sku): name, description, category, price, image. */
  PRODUCTS_TABLE: z.string().check(z.minLength(1)),
  /** Inventory table (key sku): stock. */
  INVENTORY_TABLE: z.string().check(z.minLength(1)),
  /** The storefront origin, sent as Access-Control-Allow-Origin. */
  ALLOWED_ORIGIN: z.string().check(z.minLength(1)),
  ...telemetryEnvironment(serviceName, metricsNamespace),
});
export type CatalogEnvironment = z.infer<typeof environmentSchema>;

export const catalogContract = { title, serviceName, metricsNamespace, environmentSchema } satisfies HandlerContract<
  typeof environmentSchema
>;

/** Query parameters of GET /products: also the stage cache's key for it. */
export const listProductsParameters = ["category", "sort", "order", "limit", "cursor"] as const;

/** The routes, public (no sign-in) and cacheable. */
export const catalogRoutes = {
  listProducts: { method: "GET", path: "/products", authorization: "none", optionalQuery: listProductsParameters },
  getProduct: { method: "GET", path: "/products/{sku}", authorization: "none", optionalQuery: [] },
} as const satisfies RouteContracts;

export { catalogCacheControl } from "../shared/catalog-caching";
/** A missing product: cached briefly (it may be added by the next deployment). */
export const notFoundCacheControl = "public, max-age=60";
