// The Lambda entries around an HTTP API's router: the invocation's log context and cold-start
// metric, and the metrics flushed whatever the router did. The signed-in APIs (OrderProcessing,
// OrderSearch) also trace each invocation in its own subsegment, annotated with the answer's
// status, and log the route with every line of it.
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { Telemetry } from "./telemetry";

export type HttpApi = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** The Lambda entry around an API: log context, cold-start metric, metrics flushed per call. */
export function apiEntry(api: HttpApi, telemetry: { logger: Logger; metrics: Metrics }): HttpApi {
  const { logger, metrics } = telemetry;
  return async (event, context) => {
    logger.addContext(context);
    metrics.captureColdStartMetric();
    try {
      return await api(event, context);
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}

/** apiEntry, with the invocation traced and the route in every log line of it. */
export function tracedHttpEntry(
  api: HttpApi,
  telemetry: Pick<Telemetry, "logger" | "metrics" | "traceInvocation">,
): HttpApi {
  const { logger, traceInvocation } = telemetry;
  return apiEntry(async (event, context) => {
    logger.appendKeys({ resource: event.resource, method: event.httpMethod });
    try {
      return await traceInvocation(async (trace) => {
        const response = await api(event, context);
        trace.annotate("statusCode", response.statusCode);
        return response;
      });
    } finally {
      logger.resetKeys();
    }
  }, telemetry);
}
