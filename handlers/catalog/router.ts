// GET /products and GET /products/{sku} from API Gateway REST proxy events: public answers
// with Cache-Control, so browsers and the stage cache serve most of them.
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { answeringErrors, cacheableJson, lastValueQuery, noSuchRoute, requireGet } from "../lib/public-http";
import { badRequest, zodDetails } from "../orders/errors";
import { listProductsQuerySchema, skuSchema } from "../shared/product";
import { catalogCacheControl, catalogRoutes, notFoundCacheControl } from "./contract";
import { keptRead } from "./kept-catalog";
import { listProducts } from "./listing";
import { allProducts, type CatalogTables, oneProduct } from "./store";

export interface CatalogDependencies extends CatalogTables {
  /** Value of Access-Control-Allow-Origin on every response. */
  allowedOrigin: string;
  logger: Logger;
  metrics: Metrics;
  /** How long a container lists from the catalog it last read (default 5 s; 0: read every time). */
  catalogKeptMs?: number;
  /** The kept catalog's clock (tests). */
  clock?: () => number;
}

/**
 * Listings may show stock up to this much older than the tables (and browsers keep them 60 s
 * anyway); one product's page and every order read the live stock.
 */
export const defaultCatalogKeptMs = 5_000;

export function createCatalogApi(deps: CatalogDependencies) {
  const cached = { allowedOrigin: deps.allowedOrigin };
  const keptCatalog = keptRead(
    () => allProducts(deps),
    deps.catalogKeptMs ?? defaultCatalogKeptMs,
    deps.clock ?? Date.now,
  );
  async function route(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    requireGet(event);
    if (event.resource === catalogRoutes.listProducts.path) {
      const parsed = listProductsQuerySchema.safeParse(lastValueQuery(event));
      if (!parsed.success) throw badRequest("invalid product query", zodDetails(parsed.error));
      const page = listProducts(await keptCatalog(), parsed.data);
      return cacheableJson(200, page, { ...cached, cacheControl: catalogCacheControl });
    }
    if (event.resource === catalogRoutes.getProduct.path) {
      const sku = skuSchema.safeParse(event.pathParameters?.sku ?? "");
      if (!sku.success) throw badRequest("sku is malformed", zodDetails(sku.error, "sku"));
      const product = await oneProduct(deps, sku.data);
      if (!product)
        return cacheableJson(
          404,
          { error: "product not found", details: [{ path: "sku", message: `no product ${sku.data}` }] },
          { ...cached, cacheControl: notFoundCacheControl },
        );
      return cacheableJson(200, product, { ...cached, cacheControl: catalogCacheControl });
    }
    throw noSuchRoute(event);
  }

  return answeringErrors(route, {
    ...cached,
    logger: deps.logger,
    metrics: deps.metrics,
    // Deterministic for its URL, so as cacheable as the answer it replaces.
    refusalCacheControl: notFoundCacheControl,
    failed: (context) =>
      cacheableJson(
        500,
        { error: "internal error", details: [{ path: "", message: `request id ${context.awsRequestId}` }] },
        { ...cached, cacheControl: "no-store" },
      ),
  });
}
