// GET /orders/search: text, status and date range over the `orders` index that the
// SearchIndexer fills from the table's stream. The query is built from typed parts only:
// user text goes into a multi_match (analysed as plain text, no query syntax), never a
// query_string, and a non-admin is always filtered to their own customerId.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { OpenSearchConnectionError, type OpenSearchResponse } from "../lib/opensearch-client";
import { retrying } from "../lib/retry";
import { type Order, type SearchOrdersQuery, searchOrdersQuerySchema } from "../shared/order";
import { orderTextSearchFields, ordersIndex } from "../shared/order-index";
import type { Caller } from "../orders/caller";
import { badRequest, serviceUnavailable, zodDetails } from "../orders/errors";
import { queryParameters } from "../orders/request";
import { jsonResponse } from "../orders/responses";
import type { OrderSearchDependencies } from "./dependencies";

/** Longest wait for one `_search` attempt. */
export const searchAttemptTimeoutMs = 5000;
/** The first attempt and one retry, of a request that got no answer or a 502/503/504. */
export const searchAttempts = 2;
/** Kept back from the invocation's deadline, to answer 503 after a slow search. */
export const searchDeadlineReserveMs = 500;

/**
 * Timeout and retries of one search, so that every attempt ends before the invocation does:
 * a slow domain then gets the 503 below (with its CORS headers), never a Lambda timeout,
 * which API Gateway turns into a bare 502 the storefront cannot even read.
 */
export function searchRequestTimeoutMs(remainingTimeMs: number): number {
  const perAttempt = Math.floor((remainingTimeMs - searchDeadlineReserveMs) / searchAttempts);
  return Math.max(1, Math.min(searchAttemptTimeoutMs, perAttempt));
}

/** Answers of a proxy or node in trouble, worth one immediate retry (another node may answer). */
const retryableStatuses = new Set([502, 503, 504]);

/** The parts of the OpenSearch query DSL built here. */
type QueryClause = Record<string, unknown>;
export type SearchBody = QueryClause & {
  size: number;
  query: { bool: { filter: QueryClause[]; must: QueryClause[] } };
  sort: QueryClause[];
  track_total_hits: boolean;
};
/** The start of an order id, at least the 8 characters the pages show (hex, then hex and dashes). */
export const orderIdStartPattern = /^[0-9a-f]{8}[0-9a-f-]{0,28}$/i;

/** The `_search` body for a validated query and caller. */
export function buildSearchBody(query: SearchOrdersQuery, caller: Caller): SearchBody {
  const filter: QueryClause[] = [];
  if (!caller.isAdmin) filter.push({ term: { customerId: caller.customerId } });
  if (query.status) filter.push({ term: { status: query.status } });
  if (query.from || query.to) {
    filter.push({
      range: { createdAt: { ...(query.from && { gte: query.from }), ...(query.to && { lte: query.to }) } },
    });
  }
  const text = query.q
    ? { multi_match: { query: query.q, fields: [...orderTextSearchFields], operator: "and" as const, lenient: true } }
    : undefined;
  // The pages name an order by its first 8 characters in upper case (ORDER 1A2B3C4D): that, or
  // any longer start of the id, also finds the order (ids are lower-case hex, so lowered).
  const idStart =
    query.q && orderIdStartPattern.test(query.q)
      ? { prefix: { orderId: { value: query.q.toLowerCase() } } }
      : undefined;
  const must: QueryClause[] = !text
    ? [{ match_all: {} }]
    : idStart
      ? [{ bool: { should: [text, idStart], minimum_should_match: 1 } }]
      : [text];
  return {
    size: query.limit,
    query: { bool: { filter, must } },
    // unmapped_type: an index with no documents yet has no createdAt mapping to sort by.
    sort: [{ createdAt: { order: "desc", unmapped_type: "date" } }],
    track_total_hits: true,
  };
}

interface SearchHits {
  hits?: { total?: { value: number } | number; hits?: { _source?: Order }[] };
}

export function searchOrdersRoute(deps: OrderSearchDependencies) {
  return async (event: APIGatewayProxyEvent, caller: Caller, context: Context): Promise<APIGatewayProxyResult> => {
    const parsed = searchOrdersQuerySchema.safeParse(queryParameters(event));
    if (!parsed.success) throw badRequest("invalid search", zodDetails(parsed.error));
    const body = buildSearchBody(parsed.data, caller);
    const timeoutMs = searchRequestTimeoutMs(context.getRemainingTimeInMillis());
    let answer: OpenSearchResponse<SearchHits> | undefined;
    let failure: unknown;
    await retrying({ maxAttempts: searchAttempts, baseDelayMs: 0, maxDelayMs: 0 }, async () => {
      try {
        // ignore_unavailable: before the first order is indexed there is no index; that is an empty result.
        answer = await deps.search.request<SearchHits>({
          method: "POST",
          path: `/${ordersIndex}/_search`,
          query: { ignore_unavailable: true },
          body,
          timeoutMs,
        });
        failure = undefined;
        return retryableStatuses.has(answer.statusCode) ? "retry" : "done";
      } catch (err) {
        if (!(err instanceof OpenSearchConnectionError)) throw err;
        [answer, failure] = [undefined, err];
        return "retry";
      }
    });
    // 429, 5xx, timeouts and connection errors are the backend's trouble: 503, retry. A 4xx
    // means the query itself was refused, which retrying cannot fix: a server error (500).
    const status = answer?.statusCode;
    if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
      throw new Error(`the search backend refused the query with ${status}: ${JSON.stringify(answer!.body)}`);
    }
    if (answer === undefined || status! >= 300) {
      deps.logger.error("order search failed", { error: (failure as Error) ?? new Error(`HTTP ${status}`) });
      throw serviceUnavailable("search is unavailable; retry shortly");
    }
    const response = answer.body;
    const hits = response.hits?.hits ?? [];
    // The filter already restricts a customer to their orders; this keeps it so even if the index misbehaves.
    const orders = hits
      .map((hit) => hit._source)
      .filter((order): order is Order => !!order && (caller.isAdmin || order.customerId === caller.customerId));
    const total = response.hits?.total;
    return jsonResponse(
      200,
      { orders, total: typeof total === "number" ? total : (total?.value ?? orders.length) },
      { allowedOrigin: deps.allowedOrigin },
    );
  };
}
