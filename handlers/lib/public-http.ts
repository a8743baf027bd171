// The plumbing of a public, cacheable GET API behind API Gateway's REST proxy integration
// (catalog, recommendations): JSON answers with the CORS origin and a Cache-Control (the
// orders API's answers are these too, with no-store), the query string as the stage cache
// reads it, the refusals every such route gives, and the one place a thrown error becomes an
// answer, a metric and a log line (a 503 with Retry-After when AWS throttled a call).
import type { Logger } from "@aws-lambda-powertools/logger";
import { MetricUnit, type Metrics } from "@aws-lambda-powertools/metrics";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { HttpError } from "../orders/errors";
import { isThrottledByAws, noteThrottled, throttledReply } from "./throttled";

export interface CacheableAnswer {
  /** Value of Access-Control-Allow-Origin. */
  allowedOrigin: string;
  cacheControl: string;
  headers?: Record<string, string>;
}

export function cacheableJson(statusCode: number, body: unknown, answer: CacheableAnswer): APIGatewayProxyResult {
  return {
    statusCode,
    headers: {
      "Content-Type": "application/json",
      "Access-Control-Allow-Origin": answer.allowedOrigin,
      "Cache-Control": answer.cacheControl,
      ...answer.headers,
    },
    body: JSON.stringify(body),
  };
}

/**
 * The query string, one value per parameter. A repeated parameter takes its last value, as
 * API Gateway does for the stage cache's key: refusing it would cache that refusal under the
 * key of a valid listing.
 */
export function lastValueQuery(event: APIGatewayProxyEvent): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {}))
    if (value !== undefined) query[key] = value;
  return query;
}

/** 405 for anything but GET (the resources' ANY method brings every verb here). */
export function requireGet(event: APIGatewayProxyEvent): void {
  if (event.httpMethod !== "GET")
    throw new HttpError(
      405,
      `method ${event.httpMethod} is not allowed here`,
      [{ path: "method", message: "use GET" }],
      { Allow: "GET, OPTIONS" },
    );
}

export function noSuchRoute(event: APIGatewayProxyEvent): HttpError {
  return new HttpError(404, "no such route", [
    { path: "resource", message: `${event.httpMethod} ${event.path} is not a route` },
  ]);
}

export interface ErrorAnswers {
  logger: Logger;
  metrics: Metrics;
  allowedOrigin: string;
  /** Cache-Control of a refusal (an HttpError the route threw): `{ error, details }` with its headers. */
  refusalCacheControl: string;
  /** The answer when the route failed for any other reason. */
  failed(context: Context): APIGatewayProxyResult;
}

/** The route as a handler: refusals counted as ClientError, failures as ServerError and logged. */
export function answeringErrors(
  route: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>,
  answers: ErrorAnswers,
) {
  return async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    try {
      return await route(event);
    } catch (err) {
      if (err instanceof HttpError) {
        answers.metrics.addMetric("ClientError", MetricUnit.Count, 1);
        answers.logger.info("request refused", {
          statusCode: err.statusCode,
          error: err.message,
          details: err.details,
        });
        return cacheableJson(
          err.statusCode,
          { error: err.message, details: err.details },
          { allowedOrigin: answers.allowedOrigin, cacheControl: answers.refusalCacheControl, headers: err.headers },
        );
      }
      answers.metrics.addMetric("ServerError", MetricUnit.Count, 1);
      if (isThrottledByAws(err)) {
        noteThrottled(err, answers.logger, answers.metrics);
        // Never cached: the next look should find the table ready again.
        return cacheableJson(
          throttledReply.statusCode,
          { error: throttledReply.error, details: [] },
          {
            allowedOrigin: answers.allowedOrigin,
            cacheControl: "no-store",
            headers: { ...throttledReply.headers, "Access-Control-Expose-Headers": "Retry-After" },
          },
        );
      }
      answers.logger.error("request failed", { error: err as Error });
      return answers.failed(context);
    }
  };
}
