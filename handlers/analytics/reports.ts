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

/** When the page should ask again while a first execution runs. */
export const retryAfterSeconds = 5;

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
        return jsonResponse(
          202,
          { query, since, state: "running" },
          { ...options, headers: { "Retry-After": String(retryAfterSeconds) } },
        );
      }
      return jsonResponse(200, { query, since, ...latest }, options);
    } catch (error) {
      if (error instanceof HttpError) return errorResponse(error.statusCode, error.message, error.details, options);
      deps.logger.error("report failed", { error: error as Error });
      return errorResponse(503, "the report is unavailable; retry shortly", [], {
        ...options,
        headers: { "Retry-After": String(retryAfterSeconds) },
      });
    }
  };
}
