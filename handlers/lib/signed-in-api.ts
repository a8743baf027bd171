// The plumbing of an API whose every route is behind the Cognito authorizer (OrderProcessing,
// OrderSearch): dispatch by API Gateway's resource template and method, a CORS preflight
// answered without a caller, 404 and 405 (with Allow) for what the contract does not list, a
// 401 when the verified claims are missing, and the one place a thrown error becomes an
// answer (no-store, per caller), a metric and a log line: a 503 with Retry-After when AWS
// throttled a call, a 500 for anything else.
import type { Logger } from "@aws-lambda-powertools/logger";
import { MetricUnit, type Metrics } from "@aws-lambda-powertools/metrics";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { type Caller, callerOf } from "../orders/caller";
import { HttpError } from "../orders/errors";
import { errorResponse } from "../orders/responses";
import { noSuchRoute } from "./public-http";
import { isThrottledByAws, noteThrottled, throttledReply } from "./throttled";
import { corsAllowedHeaders, corsMaxAgeSeconds } from "../shared/http";

/** One route's answer, given the verified caller. */
export type SignedInRoute = (
  event: APIGatewayProxyEvent,
  caller: Caller,
  context: Context,
) => Promise<APIGatewayProxyResult>;

export interface SignedInApiOptions {
  /** Value of Access-Control-Allow-Origin on every response. */
  allowedOrigin: string;
  logger: Logger;
  metrics: Metrics;
}

/** The handler of a route table (resource path → method → route; see routeTable in shared/http.ts). */
export function signedInApi(routes: Record<string, Record<string, SignedInRoute>>, options: SignedInApiOptions) {
  const { allowedOrigin, logger, metrics } = options;

  async function route(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
    const methods = routes[event.resource];
    if (!methods) throw noSuchRoute(event);
    const allowed = Object.keys(methods);
    if (event.httpMethod === "OPTIONS") {
      // A CORS preflight that reaches us (via ANY) gets its answer without needing a caller.
      return {
        statusCode: 204,
        headers: {
          "Access-Control-Allow-Origin": allowedOrigin,
          "Access-Control-Allow-Methods": [...allowed, "OPTIONS"].join(", "),
          "Access-Control-Allow-Headers": corsAllowedHeaders.join(","),
          "Access-Control-Max-Age": String(corsMaxAgeSeconds),
        },
        body: "",
      };
    }
    const handle = methods[event.httpMethod];
    if (!handle) {
      throw new HttpError(
        405,
        `method ${event.httpMethod} is not allowed here`,
        [{ path: "method", message: `use ${allowed.join(" or ")}` }],
        {
          Allow: [...allowed, "OPTIONS"].join(", "),
        },
      );
    }
    return handle(event, callerOf(event), context);
  }

  return async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    try {
      return await route(event, context);
    } catch (err) {
      if (err instanceof HttpError) {
        metrics.addMetric(err.statusCode < 500 ? "ClientError" : "ServerError", MetricUnit.Count, 1);
        logger.info("request refused", { statusCode: err.statusCode, error: err.message, details: err.details });
        return errorResponse(err.statusCode, err.message, err.details, { allowedOrigin, headers: err.headers });
      }
      metrics.addMetric("ServerError", MetricUnit.Count, 1);
      if (isThrottledByAws(err)) {
        noteThrottled(err, logger, metrics);
        return errorResponse(throttledReply.statusCode, throttledReply.error, [], {
          allowedOrigin,
          headers: throttledReply.headers,
        });
      }
      logger.error("request failed", { error: err as Error });
      return errorResponse(500, "internal error", [{ path: "", message: `request id ${context.awsRequestId}` }], {
        allowedOrigin,
      });
    }
  };
}
