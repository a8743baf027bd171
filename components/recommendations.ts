// Recommendations back to the shop: GET /recommendations (public: "customers also bought" with
// ?sku=, popular items without) and GET /recommendations/me (Cognito: "recommended for you").
// From Amazon Personalize when a campaign or recommender is configured, otherwise from the
// orders index (terms aggregations), never out of stock (the inventory table).
//
//   API Gateway ─► Recommendations (VPC) ─► Personalize runtime (interface endpoint, when configured)
//                                        ├─► OpenSearch `orders` _search (orders_reader FGAC role)
//                                        └─► products / inventory (gateway endpoint)
//
// In the order path's VPC, because the search domain is reachable only there. The Orders
// component builds it, as it admits the role to the domain and maps it in fine-grained access
// control in the same deployment step as its own readers.
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  answerFreshSeconds,
  recommendationsContract,
  recommendationsRoutes,
} from "../handlers/recommendations/contract";
import { ordersIndex } from "../handlers/shared/order-index";
import { type ApiRoute, lambdaProxy } from "./api";
import type { PlatformConfig } from "./config";
import { environmentFor } from "./lib/environment";
import { BundledFunction, type BundledFunctionArgs } from "./lib/function";
import { type PolicyStatement, searchHttpStatements, type SearchRequests } from "./lib/iam";
import type { MonitoringTargets } from "./lib/monitoring-targets";

export type RecommendationsConfig = Pick<
  PlatformConfig,
  | "region"
  | "logRetentionDays"
  | "apiCacheSeconds"
  | "recommendationsRelatedItemsArn"
  | "recommendationsUserArn"
  | "recommendationsMemoryMb"
>;

export interface RecommendationsArgs {
  config: RecommendationsConfig;
  products: aws.dynamodb.Table;
  inventory: aws.dynamodb.Table;
  search: { endpoint: pulumi.Input<string>; domainArn: pulumi.Input<string> };
  vpc: NonNullable<BundledFunctionArgs["vpc"]>;
  /** The storefront origin, answered in Access-Control-Allow-Origin. */
  allowedOrigin: pulumi.Input<string>;
}

export const recommendationsHandlerEntry = "handlers/recommendations/index.ts";
/** The sources' budgets add up to about 1.2 s, then DynamoDB; 10 s leaves room for a cold start in the VPC. */
export const recommendationsTimeoutSeconds = 10;

/** What the handler sends to the search domain: one `_search` (size 0, aggregations) per answer. */
export const recommendationsSearchRequests: SearchRequests = { POST: [`/${ordersIndex}/_search`] };

/** Exactly what the handler calls on the tables: BatchGetItem on both, Scan of the inventory (the catalog fallback). */
export function recommendationsTableStatements(
  products: aws.dynamodb.Table,
  inventory: aws.dynamodb.Table,
): PolicyStatement[] {
  return [
    { Sid: "ReadRecommendedProducts", Action: "dynamodb:BatchGetItem", Resource: products.arn },
    { Sid: "ReadStockOfRecommended", Action: ["dynamodb:BatchGetItem", "dynamodb:Scan"], Resource: inventory.arn },
  ];
}

/** The configured Personalize campaigns or recommenders (none: the orders index answers). */
export function personalizeArns(
  c: Pick<RecommendationsConfig, "recommendationsRelatedItemsArn" | "recommendationsUserArn">,
): string[] {
  return [...new Set([c.recommendationsRelatedItemsArn, c.recommendationsUserArn].filter((arn) => arn !== ""))];
}

export class Recommendations extends pulumi.ComponentResource {
  public readonly function: BundledFunction;
  /** GET /recommendations (public, stage-cacheable) and GET /recommendations/me (Cognito). */
  public readonly routes: ApiRoute[];
  public readonly monitoring: MonitoringTargets;

  constructor(name: string, args: RecommendationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:recommendations:Recommendations", name, {}, opts);
    const c = args.config;
    const arns = personalizeArns(c);

    this.function = new BundledFunction(
      `${name}-api`,
      {
        entry: recommendationsHandlerEntry,
        description:
          "Recommendations API: customers also bought, recommended for you, popular (Personalize, else the orders index), in stock only",
        memoryMb: c.recommendationsMemoryMb,
        timeoutSeconds: recommendationsTimeoutSeconds,
        logRetentionDays: c.logRetentionDays,
        environment: environmentFor(recommendationsContract, {
          OPENSEARCH_ENDPOINT: args.search.endpoint,
          PRODUCTS_TABLE: args.products.name,
          INVENTORY_TABLE: args.inventory.name,
          ALLOWED_ORIGIN: args.allowedOrigin,
          RELATED_ITEMS_ARN: c.recommendationsRelatedItemsArn || undefined,
          USER_RECOMMENDATIONS_ARN: c.recommendationsUserArn || undefined,
        }),
        policyStatements: [
          ...recommendationsTableStatements(args.products, args.inventory),
          ...searchHttpStatements("AggregateOrders", args.search.domainArn, recommendationsSearchRequests),
          // GetRecommendations is authorized on the campaign or recommender it names.
          ...(arns.length
            ? [{ Sid: "GetRecommendations", Action: "personalize:GetRecommendations", Resource: arns }]
            : []),
        ],
        vpc: args.vpc,
      },
      { parent: this },
    );

    const integration = lambdaProxy(this.function, c.region);
    this.routes = recommendationsRoutes.map((route) => ({
      path: route.path,
      method: route.method,
      authorization: route.authorization,
      integration,
      invokes: this.function,
      optionalQuery: [...route.optionalQuery],
      // Only the public answer is the same for every caller; the shopper's own is never stage-cached.
      // The stage keeps it no longer than a container would, so new co-purchases show within a minute.
      ...(route.authorization === "none" ? { cacheTtlSeconds: Math.min(c.apiCacheSeconds, answerFreshSeconds) } : {}),
    }));

    this.monitoring = { functions: [this.function] };
    this.registerOutputs({ functionName: this.function.name });
  }
}
