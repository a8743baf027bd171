// GET /recommendations (public: "customers also bought" with ?sku=, popular items without) and
// GET /recommendations/me (signed in: "recommended for you"), from API Gateway REST proxy
// events. Answers are cached in the container and carry Cache-Control: public for the public
// route, private for the shopper's own.
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { callerOf } from "../orders/caller";
import { badRequest, HttpError, zodDetails } from "../orders/errors";
import {
  myRecommendationsPath,
  privateCacheControl,
  publicCacheControl,
  recommendationsPath,
  recommendationsQuerySchema,
  type RecommendationsResponse,
} from "./contract";
import { type Question, recommend, type RecommendDependencies } from "./recommend";
import { TtlCache } from "./ttl-cache";

export interface RecommendationsApiDependencies extends RecommendDependencies {
  /** Value of Access-Control-Allow-Origin on every response. */
  allowedOrigin: string;
  /** How long a container keeps an answer; a provisional one (a fallback's) a tenth of it. */
  cacheTtlMs?: number;
  cacheEntries?: number;
  /** The cache's clock (tests). */
  clock?: () => number;
}

export const defaultCacheTtlMs = 60_000;
export const defaultCacheEntries = 2_000;

function respond(
  statusCode: number,
  body: unknown,
  cacheControl: string,
  allowedOrigin: string,
  extra: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: {
      "Content-Type": "application/json",
      "Access-Control-Allow-Origin": allowedOrigin,
      "Cache-Control": cacheControl,
      ...extra,
    },
    body: JSON.stringify(body),
  };
}

/** One value per parameter, the last when repeated (as API Gateway keys its stage cache). */
function queryOf(event: APIGatewayProxyEvent): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {}))
    if (value !== undefined) query[key] = value;
  return query;
}

export function createRecommendationsApi(deps: RecommendationsApiDependencies) {
  const ttlMs = deps.cacheTtlMs ?? defaultCacheTtlMs;
  const cache = new TtlCache<RecommendationsResponse>(deps.cacheEntries ?? defaultCacheEntries, deps.clock);

  async function answer(question: Question, limit: number): Promise<RecommendationsResponse> {
    const key = `${JSON.stringify(question)}:${limit}`;
    const cached = cache.get(key);
    if (cached) {
      deps.metrics.addMetric("CacheHit", MetricUnit.Count, 1);
      return cached;
    }
    const { response, provisional } = await recommend(question, limit, deps);
    cache.set(key, response, provisional ? ttlMs / 10 : ttlMs);
    return response;
  }

  async function route(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    if (event.httpMethod !== "GET")
      throw new HttpError(
        405,
        `method ${event.httpMethod} is not allowed here`,
        [{ path: "method", message: "use GET" }],
        { Allow: "GET, OPTIONS" },
      );
    const parsed = recommendationsQuerySchema.safeParse(queryOf(event));
    if (!parsed.success) throw badRequest("invalid recommendations query", zodDetails(parsed.error));
    const { sku, limit } = parsed.data;
    if (event.resource === recommendationsPath) {
      const body = await answer(sku ? { kind: "related", sku } : { kind: "popular" }, limit);
      return respond(200, body, publicCacheControl, deps.allowedOrigin);
    }
    if (event.resource === myRecommendationsPath) {
      const { customerId } = callerOf(event);
      const body = await answer({ kind: "user", userId: customerId }, limit);
      // Vary: a browser must not show one shopper's list to the next one signing in on it.
      return respond(200, body, privateCacheControl, deps.allowedOrigin, { Vary: "Authorization" });
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
        return respond(
          err.statusCode,
          { error: err.message, details: err.details },
          "no-store",
          deps.allowedOrigin,
          err.headers,
        );
      }
      // Every remote source failed and so did the catalog (DynamoDB): retry shortly.
      deps.metrics.addMetric("ServerError", MetricUnit.Count, 1);
      deps.logger.error("request failed", { error: err as Error });
      return respond(
        503,
        {
          error: "recommendations are unavailable; retry shortly",
          details: [{ path: "", message: `request id ${context.awsRequestId}` }],
        },
        "no-store",
        deps.allowedOrigin,
        { "Retry-After": "1" },
      );
    }
  };
}
