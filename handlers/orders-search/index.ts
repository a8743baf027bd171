// OrderSearch Lambda entry: reads its environment, wires the signed OpenSearch client and
// telemetry once per container, and hands each API Gateway event to the router. It has no SDK
// client to capture: the OpenSearch client traces its own requests (handlers/lib/xray-http.ts).
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { readEnvironment } from "../lib/environment";
import { createOpenSearchClient } from "../lib/opensearch-client";
import { createTelemetry } from "../lib/telemetry";
import { orderSearchContract } from "./contract";
import { createOrderSearchApi } from "./router";
import { searchAttemptTimeoutMs } from "./search";

const env = readEnvironment(orderSearchContract, process.env);

const { logger, metrics, traceInvocation } = createTelemetry({
  serviceName: env.POWERTOOLS_SERVICE_NAME,
  metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE,
});

const api = createOrderSearchApi({
  // The route narrows the timeout to the invocation's remaining time, request by request.
  search: createOpenSearchClient({
    endpoint: env.OPENSEARCH_ENDPOINT,
    region: env.AWS_REGION,
    credentials: defaultProvider(),
    requestTimeoutMs: searchAttemptTimeoutMs,
  }),
  allowedOrigin: env.ALLOWED_ORIGIN,
  logger,
  metrics,
});

export const handler = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
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
