// What the orders index says about products, as terms aggregations on the line items' sku
// (`lines.sku`, a keyword field of the orders mapping; `lines` is a plain object array, so a
// terms aggregation counts each order once per sku it holds). Cancelled orders do not count.
import { ordersIndex } from "../shared/order-index";

/** How far back "popular" looks. */
export const popularWindowDays = 90;

const notCancelled = { must_not: [{ term: { status: "CANCELLED" } }] };

/** Orders holding `sku` → the other skus in them, by how many of those orders hold each. */
export function coPurchaseSearch(sku: string, size: number) {
  return {
    index: ordersIndex,
    body: {
      size: 0,
      track_total_hits: false,
      query: { bool: { filter: [{ term: { "lines.sku": sku } }], ...notCancelled } },
      aggs: { also_bought: { terms: { field: "lines.sku", size, exclude: [sku] } } },
    },
  };
}

/** The skus in the most orders of the last `popularWindowDays` days. */
export function popularSearch(size: number, now: Date) {
  const since = new Date(now.getTime() - popularWindowDays * 86_400_000).toISOString();
  return {
    index: ordersIndex,
    body: {
      size: 0,
      track_total_hits: false,
      query: { bool: notCancelled },
      aggs: {
        recent: {
          filter: { range: { createdAt: { gte: since } } },
          aggs: { popular: { terms: { field: "lines.sku", size } } },
        },
      },
    },
  };
}

interface TermsAggregate {
  buckets?: { key: unknown; doc_count: number }[];
}

function bucketKeys(aggregate: TermsAggregate | undefined): string[] {
  return (aggregate?.buckets ?? []).map((b) => String(b.key));
}

/**
 * The skus of a co-purchase answer, most co-purchased first. No `aggregations` (no index yet,
 * skipped with ignore_unavailable) is no recommendation.
 */
export function coPurchasedSkus(body: unknown): string[] {
  const aggregations = (body as { aggregations?: { also_bought?: TermsAggregate } }).aggregations;
  return bucketKeys(aggregations?.also_bought);
}

export function popularSkus(body: unknown): string[] {
  const aggregations = (body as { aggregations?: { recent?: { popular?: TermsAggregate } } }).aggregations;
  return bucketKeys(aggregations?.recent?.popular);
}
