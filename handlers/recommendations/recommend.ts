// Which products to recommend, trying the sources in order until one gives in-stock products:
//   about a product:  Personalize (related items, when configured) → co-purchase → popular → catalog
//   for a shopper:    Personalize (user personalization, when configured) → popular → catalog
//   for anyone:       popular → catalog
// Each remote source has its own time budget: a slow or failing one is skipped (logged and
// counted), never the shopper's problem. The catalog (the inventory table) is the last resort.
import { MetricUnit, type Metrics } from "@aws-lambda-powertools/metrics";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { PersonalizeRuntimeClient } from "@aws-sdk/client-personalize-runtime";
import { describeResponse, type OpenSearchClient } from "../lib/opensearch-client";
import type { RecommendationSource, RecommendationsResponse } from "./contract";
import { inStockProducts, type ProductTables, wellStockedSkus } from "./in-stock";
import { coPurchasedSkus, coPurchaseSearch, popularSearch, popularSkus } from "./order-aggregations";
import { personalizeRecommendations } from "./personalize";

export type Question = { kind: "related"; sku: string } | { kind: "user"; userId: string } | { kind: "popular" };

/** Time budgets of the remote sources: together well under a second and a half, then the catalog. */
export const defaultTimeouts = { personalizeMs: 400, searchMs: 800 };

export interface RecommendDependencies extends ProductTables {
  search: OpenSearchClient;
  personalize?: Pick<PersonalizeRuntimeClient, "send">;
  /** "Customers also bought" campaign or recommender; absent: from the orders index. */
  relatedItemsArn?: string;
  /** "Recommended for you" campaign or recommender; absent: popular items. */
  userRecommendationsArn?: string;
  logger: Logger;
  metrics: Metrics;
  timeouts?: { personalizeMs: number; searchMs: number };
  now?: () => Date;
}

export interface Recommendation {
  response: RecommendationsResponse;
  /**
   * A source failed or timed out on the way, or the first source had nothing yet (a cold
   * start): the answer is worth caching only briefly, as a better one may come soon.
   */
  provisional: boolean;
}

interface Step {
  source: RecommendationSource;
  /** Candidate skus, best first; the signal aborts when the step's time is up. */
  candidates: (signal: AbortSignal) => Promise<string[]>;
  timeoutMs?: number;
}

class SourceTimeout extends Error {
  constructor(source: string, ms: number) {
    super(`${source} did not answer within ${ms} ms`);
    this.name = "SourceTimeout";
  }
}

async function withinBudget<T>(
  source: string,
  ms: number | undefined,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  if (ms === undefined) return run(controller.signal);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new SourceTimeout(source, ms));
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function steps(question: Question, wanted: number, deps: RecommendDependencies): Step[] {
  const timeouts = deps.timeouts ?? defaultTimeouts;
  const now = deps.now ?? (() => new Date());
  // One attempt within the step's budget: a slow or failing search falls back to the next source.
  const searchBody = async (search: { index: string; body: object }): Promise<unknown> => {
    const response = await deps.search.request({
      method: "POST",
      path: `/${search.index}/_search`,
      query: { ignore_unavailable: true },
      body: search.body,
      timeoutMs: timeouts.searchMs,
    });
    if (response.statusCode >= 300) throw new Error(`orders search failed: ${describeResponse(response)}`);
    return response.body;
  };
  const personalize = (arn: string | undefined, subject: { itemId: string } | { userId: string }): Step[] =>
    arn && deps.personalize
      ? [
          {
            source: "personalize",
            timeoutMs: timeouts.personalizeMs,
            candidates: (signal) => personalizeRecommendations(deps.personalize!, arn, subject, wanted, signal),
          },
        ]
      : [];
  const popular: Step = {
    source: "popular",
    timeoutMs: timeouts.searchMs,
    candidates: async () => popularSkus((await searchBody(popularSearch(wanted, now()))) as never),
  };
  const catalog: Step = { source: "catalog", candidates: () => wellStockedSkus(deps) };
  switch (question.kind) {
    case "related":
      return [
        ...personalize(deps.relatedItemsArn, { itemId: question.sku }),
        {
          source: "co-purchase",
          timeoutMs: timeouts.searchMs,
          candidates: async () => coPurchasedSkus((await searchBody(coPurchaseSearch(question.sku, wanted))) as never),
        },
        popular,
        catalog,
      ];
    case "user":
      return [...personalize(deps.userRecommendationsArn, { userId: question.userId }), popular, catalog];
    case "popular":
      return [popular, catalog];
  }
}

/**
 * At most `limit` in-stock products for the question, with the source that gave them. Sources
 * are asked for three times as many candidates as needed, as some will be sold out.
 */
export async function recommend(
  question: Question,
  limit: number,
  deps: RecommendDependencies,
): Promise<Recommendation> {
  const basedOn = question.kind === "related" ? question.sku : undefined;
  const wanted = limit * 3 + 1;
  let provisional = false;
  const plan = steps(question, wanted, deps);
  for (const [i, step] of plan.entries()) {
    const last = i === plan.length - 1;
    let skus: string[];
    try {
      skus = await withinBudget(step.source, step.timeoutMs, step.candidates);
    } catch (err) {
      if (last) throw err;
      provisional = true;
      deps.metrics.addMetric("SourceFailed", MetricUnit.Count, 1);
      deps.logger.warn("recommendation source failed; falling back", { source: step.source, error: err as Error });
      continue;
    }
    const items = await inStockProducts(
      deps,
      skus.filter((sku) => sku !== basedOn),
      limit,
    );
    if (items.length > 0 || last) {
      deps.metrics.addMetric(
        `From${step.source.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
        MetricUnit.Count,
        1,
      );
      return { response: { source: step.source, ...(basedOn ? { basedOn } : {}), items }, provisional };
    }
    provisional = true;
  }
  throw new Error("no recommendation source configured");
}
