// GET /recommendations (public: "customers also bought" with ?sku=, popular items without) and
// GET /recommendations/me (signed in: "recommended for you"), from API Gateway REST proxy
// events. Answers are cached in the container and carry Cache-Control: public for the public
// route, private for the shopper's own.
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { answeringErrors, cacheableJson, lastValueQuery, noSuchRoute, requireGet } from "../lib/public-http";
import { callerOf } from "../orders/caller";
import { badRequest, zodDetails } from "../orders/errors";
import {
  answerFreshSeconds,
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

interface Answer {
  body: RecommendationsResponse;
  expiresAt: number;
}

export const defaultCacheTtlMs = answerFreshSeconds * 1000;
export const defaultCacheEntries = 2_000;

export function createRecommendationsApi(deps: RecommendationsApiDependencies) {
  const ttlMs = deps.cacheTtlMs ?? defaultCacheTtlMs;
  const clock = deps.clock ?? Date.now;
  const cache = new TtlCache<Answer>(deps.cacheEntries ?? defaultCacheEntries, clock);

  /** The answer and how many more seconds it is fresh: what the container has left of it. */
  async function answer(
    question: Question,
    limit: number,
  ): Promise<{ body: RecommendationsResponse; freshSeconds: number }> {
    const key = `${JSON.stringify(question)}:${limit}`;
    let kept = cache.get(key);
    if (kept) {
      deps.metrics.addMetric("CacheHit", MetricUnit.Count, 1);
    } else {
      const { response, provisional } = await recommend(question, limit, deps);
      const keptMs = provisional ? ttlMs / 10 : ttlMs;
      kept = { body: response, expiresAt: clock() + keptMs };
      cache.set(key, kept, keptMs);
    }
    return { body: kept.body, freshSeconds: Math.max(0, Math.ceil((kept.expiresAt - clock()) / 1000)) };
  }

  async function route(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    requireGet(event);
    const parsed = recommendationsQuerySchema.safeParse(lastValueQuery(event));
    if (!parsed.success) throw badRequest("invalid recommendations query", zodDetails(parsed.error));
    const { sku, limit } = parsed.data;
    if (event.resource === recommendationsPath) {
      const { body, freshSeconds } = await answer(sku ? { kind: "related", sku } : { kind: "popular" }, limit);
      return cacheableJson(200, body, {
        allowedOrigin: deps.allowedOrigin,
        cacheControl: publicCacheControl(freshSeconds),
      });
    }
    if (event.resource === myRecommendationsPath) {
      const { customerId } = callerOf(event);
      const { body, freshSeconds } = await answer({ kind: "user", userId: customerId }, limit);
      // Vary: a browser must not show one shopper's list to the next one signing in on it.
      return cacheableJson(200, body, {
        allowedOrigin: deps.allowedOrigin,
        cacheControl: privateCacheControl(freshSeconds),
        headers: { Vary: "Authorization" },
      });
    }
    throw noSuchRoute(event);
  }

  return answeringErrors(route, {
    allowedOrigin: deps.allowedOrigin,
    logger: deps.logger,
    metrics: deps.metrics,
    refusalCacheControl: "no-store",
    // Every remote source failed and so did the catalog (DynamoDB): retry shortly.
    failed: (context) =>
      cacheableJson(
        503,
        {
          error: "recommendations are unavailable; retry shortly",
          details: [{ path: "", message: `request id ${context.awsRequestId}` }],
        },
        { allowedOrigin: deps.allowedOrigin, cacheControl: "no-store", headers: { "Retry-After": "1" } },
      ),
  });
}
