// GET /analytics/{query}: the latest answer of one of the admin pages' named queries, for the
// `admin` group only. No infrastructure detail reaches the page: the query's name, its window,
// when it was computed, and its columns and rows.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { sinceDay } from "../../analytics/window";
import { callerOf } from "../orders/caller";
import { HttpError } from "../orders/errors";
import { errorResponse, jsonResponse } from "../orders/responses";
import { reportQueries, type ReportQuery } from "./contract";
import { latestResults, type LatestResultsOptions } from "./latest-results";

export interface ReportsDependencies {
  athena: LatestResultsOptions["athena"];
  workgroup: string;
  namedQueryIds: Partial<Record<ReportQuery, string>>;
  windowDays: number;
  maxAgeSeconds: number;
  allowedOrigin: string;
  now?: () => Date;
  logger: Pick<import("@aws-lambda-powertools/logger").Logger, "error">;
}

/** The longest the page is told to wait before asking again while a first execution runs. */
export const maxAskAgainSeconds = 5;
/** The page's wait before trying again after a 503 (Athena failing or throttling). */
export const unavailableRetryAfterSeconds = 5;

/**
 * When to ask again while the execution runs: after as long again as it has run so far (1 s,
 * 2 s, 4 s, then every 5 s), so a query over a small lake, which ends within a second or two,
 * is shown about as soon as it is ready. A look at a running execution is one
 * BatchGetQueryExecution (20 calls per second per account, burst 40: Athena's "Per account API
 * call quotas"); an open page asks for its two reports at most once a second each, so five admins
 * opening it at once make at most 10 calls a second, and 2 a second after the first 7 s.
 */
export function askAgainAfterSeconds(runningForMs: number): number {
  return Math.min(maxAskAgainSeconds, Math.max(1, Math.ceil(runningForMs / 1000)));
}

export function reportsHandler(deps: ReportsDependencies) {
  const options = { allowedOrigin: deps.allowedOrigin };
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      if (!callerOf(event).isAdmin) throw new HttpError(403, "the store's reports are for the admin group");
      const query = event.pathParameters?.query ?? "";
      const namedQueryId = (reportQueries as readonly string[]).includes(query)
        ? deps.namedQueryIds[query as ReportQuery]
        : undefined;
      if (!namedQueryId) throw new HttpError(404, `no report "${query}"; the reports are: ${reportQueries.join(", ")}`);
      const now = deps.now?.() ?? new Date();
      const since = sinceDay(`${deps.windowDays}d`, now);
      const latest = await latestResults({
        athena: deps.athena,
        workgroup: deps.workgroup,
        namedQueryId,
        sinceDay: since,
        maxAgeMs: deps.maxAgeSeconds * 1000,
        now,
      });
      if (latest.state === "running") {
        const answeredAt = deps.now?.() ?? new Date();
        const retryAfter = askAgainAfterSeconds(answeredAt.getTime() - latest.submittedAt.getTime());
        return jsonResponse(
          202,
          { query, since, state: "running" },
          { ...options, headers: { "Retry-After": String(retryAfter) } },
        );
      }
      return jsonResponse(200, { query, since, ...latest }, options);
    } catch (error) {
      if (error instanceof HttpError) return errorResponse(error.statusCode, error.message, error.details, options);
      deps.logger.error("report failed", { error: error as Error });
      return errorResponse(503, "the report is unavailable; retry shortly", [], {
        ...options,
        headers: { "Retry-After": String(unavailableRetryAfterSeconds) },
      });
    }
  };
}
