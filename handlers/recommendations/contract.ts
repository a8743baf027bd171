// The seam between the Recommendations component and its handler (no SDK or Pulumi imports):
// the environment the component builds and the handler parses, the telemetry names, the routes
// the Api serves and local mode mirrors, and the answer the storefront reads.
import * as z from "../lib/zod";
import { type HandlerContract, telemetryEnvironment } from "../lib/environment";
import { limitParameter, productSchema, skuSchema } from "../shared/product";

export const serviceName = "recommendations";
export const metricsNamespace = "Ecommerce/Recommendations";

/** A Personalize campaign or recommender ARN: GetRecommendations takes one or the other. */
export const personalizeArnPattern =
  /^arn:aws[a-z-]*:personalize:[a-z0-9-]+:\d{12}:(campaign|recommender)\/[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const personalizeArn = z
  .string()
  .check(z.regex(personalizeArnPattern, { error: "expected a Personalize campaign or recommender ARN" }));

export const environmentSchema = z.object({
  AWS_REGION: z.string().check(z.minLength(1)),
  /** The OpenSearch domain's endpoint, https only (requests are SigV4-signed for "es"). */
  OPENSEARCH_ENDPOINT: z.url({ protocol: /^https$/, error: "OPENSEARCH_ENDPOINT must be an https:// URL" }),
  /** Products table (key sku): what a recommendation shows. */
  PRODUCTS_TABLE: z.string().check(z.minLength(1)),
  /** Inventory table (key sku): nothing out of stock is recommended. */
  INVENTORY_TABLE: z.string().check(z.minLength(1)),
  /** The storefront origin, sent as Access-Control-Allow-Origin. */
  ALLOWED_ORIGIN: z.string().check(z.minLength(1)),
  /** "Customers also bought" from Personalize (a similar-items / related-items campaign or recommender). Absent: from the orders index. */
  RELATED_ITEMS_ARN: z.optional(personalizeArn),
  /** "Recommended for you" from Personalize (a user-personalization campaign or recommender). Absent: popular items. */
  USER_RECOMMENDATIONS_ARN: z.optional(personalizeArn),
  ...telemetryEnvironment(serviceName, metricsNamespace),
});
export type RecommendationsEnvironment = z.infer<typeof environmentSchema>;
const title = "Recommendations";
export const recommendationsContract = {
  title,
  serviceName,
  metricsNamespace,
  environmentSchema,
} satisfies HandlerContract<typeof environmentSchema>;

/** Where a list of recommendations came from, in the order they are tried. */
export const recommendationSources = ["personalize", "co-purchase", "popular", "catalog"] as const;
export type RecommendationSource = (typeof recommendationSources)[number];

export const defaultRecommendationCount = 4;
export const maxRecommendationCount = 20;

/**
 * GET /recommendations?sku=&limit= (public): with a sku, "customers also bought"; without,
 * the shop's popular items. GET /recommendations/me?limit= (signed in): "recommended for you".
 * Other parameters are ignored, not refused, as for the catalog: the answer is cached by these.
 */
export const recommendationsQuerySchema = z.object({
  sku: z.optional(skuSchema),
  limit: limitParameter(maxRecommendationCount, defaultRecommendationCount),
});
export type RecommendationsQuery = z.infer<typeof recommendationsQuerySchema>;

/** The body of both routes. */
export const recommendationsResponseSchema = z.strictObject({
  source: z.enum(recommendationSources),
  /** The product the list is about ("customers also bought"), when one was asked for. */
  basedOn: z.optional(skuSchema),
  items: z.array(productSchema),
});
export type RecommendationsResponse = z.infer<typeof recommendationsResponseSchema>;

export const recommendationsPath = "/recommendations";
export const myRecommendationsPath = "/recommendations/me";

/**
 * The routes. Two paths, because API Gateway authorizes a method, not a caller: the public one
 * is the same for everyone (cacheable at the stage), the signed-in one needs the token's `sub`.
 */
export const recommendationsRoutes = [
  { method: "GET", path: recommendationsPath, authorization: "none", optionalQuery: ["sku", "limit"] },
  { method: "GET", path: myRecommendationsPath, authorization: "cognito", optionalQuery: ["limit"] },
] as const;

/**
 * How long a container keeps an answer: long enough to spare the sources, short enough that
 * co-purchases show soon after the orders that make them. The API stage cache holds the public
 * answer no longer than this either (it ignores Cache-Control), whatever apiCacheSeconds says.
 */
export const answerFreshSeconds = 60;

/**
 * Public answers: fresh for as long as the container still keeps them (a minute, a provisional
 * one six seconds), then five times that while revalidating (as the catalog: stock shown may be
 * that old; the order checks the live stock). So a browser or a shared cache never holds a
 * cold-start answer longer than the container does. Per-shopper answers: the browser only,
 * never a shared cache.
 */
export const publicCacheControl = (freshSeconds: number) =>
  `public, max-age=${freshSeconds}, stale-while-revalidate=${freshSeconds * 5}`;
export const privateCacheControl = (freshSeconds: number) => `private, max-age=${freshSeconds}`;
