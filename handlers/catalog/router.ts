// GET /products and GET /products/{sku} from API Gateway REST proxy events: public answers
// with Cache-Control, so browsers and the stage cache serve most of them.
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { badRequest, HttpError, zodDetails } from "../orders/errors";
import { listProductsQuerySchema, skuSchema } from "../shared/product";
import { catalogCacheControl, catalogRoutes, notFoundCacheControl } from "./contract";
import { listProducts } from "./listing";
import { allProducts, type CatalogTables, oneProduct } from "./store";

export interface CatalogDependencies extends CatalogTables {
  /** Value of Access-Control-Allow-Origin on every response. */
  allowedOrigin: string;
  logger: Logger;
  metrics: Metrics;
}

function respond(
  statusCode: number,
  body: unknown,
  cacheControl: string,
  allowedOrigin: string,
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: {
      "Content-Type": "application/json",
      "Access-Control-Allow-Origin": allowedOrigin,
      "Cache-Control": cacheControl,
    },
    body: JSON.stringify(body),
  };
}

/**
 * The query string, one value per parameter. A repeated parameter takes its last value, as
 * API Gateway does for the stage cache's key: refusing it would cache that refusal under the
 * key of a valid listing.
 */
function queryOf(event: APIGatewayProxyEvent): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {}))
    if (value !== undefined) query[key] = value;
  return query;
}

export function createCatalogApi(deps: CatalogDependencies) {
  async function route(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    if (event.httpMethod !== "GET")
      throw new HttpError(
        405,
        `method ${event.httpMethod} is not allowed here`,
        [{ path: "method", message: "use GET" }],
        { Allow: "GET, OPTIONS" },
      );
    if (event.resource === catalogRoutes.listProducts.path) {
      const parsed = listProductsQuerySchema.safeParse(queryOf(event));
      if (!parsed.success) throw badRequest("invalid product query", zodDetails(parsed.error));
      const page = listProducts(await allProducts(deps), parsed.data);
      return respond(200, page, catalogCacheControl, deps.allowedOrigin);
    }
    if (event.resource === catalogRoutes.getProduct.path) {
      const sku = skuSchema.safeParse(event.pathParameters?.sku ?? "");
      if (!sku.success) throw badRequest("sku is malformed", zodDetails(sku.error, "sku"));
      const product = await oneProduct(deps, sku.data);
      if (!product)
        return respond(
          404,
          { error: "product not found", details: [{ path: "sku", message: `no product ${sku.data}` }] },
          notFoundCacheControl,
          deps.allowedOrigin,
        );
      return respond(200, product, catalogCacheControl, deps.allowedOrigin);
    }
    throw new HttpError(404, "no such route", [
      { path: "resource", message: `${event.httpMethod} ${event.path} is not a route` },
    ]);
  }

  return async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    try {
      return await route(event);
    } catch (err) {
      if (err instanceof HttpError) {
        deps.metrics.addMetric("ClientError", MetricUnit.Count, 1);
        deps.logger.info("request refused", { statusCode: err.statusCode, error: err.message, details: err.details });
        // Deterministic for its URL, so as cacheable as the answer it replaces.
        const response = respond(
          err.statusCode,
          { error: err.message, details: err.details },
          notFoundCacheControl,
          deps.allowedOrigin,
        );
        return { ...response, headers: { ...response.headers, ...err.headers } };
      }
      deps.metrics.addMetric("ServerError", MetricUnit.Count, 1);
      deps.logger.error("request failed", { error: err as Error });
      return respond(
        500,
        { error: "internal error", details: [{ path: "", message: `request id ${context.awsRequestId}` }] },
        "no-store",
        deps.allowedOrigin,
      );
    }
  };
}
