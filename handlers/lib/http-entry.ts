// The Lambda entry around a signed-in API's router: the invocation's log keys and cold-start
// metric, the invocation traced in its own subsegment annotated with the answer's status, and
// the metrics flushed and the keys reset whatever the router did.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { Telemetry } from "./telemetry";

export type HttpApi = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export function tracedHttpEntry(
  api: HttpApi,
  { logger, metrics, traceInvocation }: Pick<Telemetry, "logger" | "metrics" | "traceInvocation">,
): HttpApi {
  return async (event, context) => {
    logger.addContext(context);
    logger.appendKeys({ resource: event.resource, method: event.httpMethod });
    metrics.captureColdStartMetric();
    return traceInvocation(async (trace) => {
      try {
        const response = await api(event, context);
        trace.annotate("statusCode", response.statusCode);
        return response;
      } finally {
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
        logger.resetKeys();
      }
    });
  };
}
