// OrderSearch Lambda entry: reads its environment, wires the signed OpenSearch client and
// telemetry once per container, and hands each API Gateway event to the router. It has no SDK
// client to capture: the OpenSearch client traces its own requests (handlers/lib/xray-http.ts).
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { readEnvironment } from "../lib/environment";
import { createOpenSearchClient } from "../lib/opensearch-client";
import { tracedHttpEntry } from "../lib/http-entry";
import { createTelemetry } from "../lib/telemetry";
import { orderSearchContract } from "./contract";
import { createOrderSearchApi } from "./router";
import { searchAttemptTimeoutMs } from "./search";

const env = readEnvironment(orderSearchContract, process.env);

const telemetry = createTelemetry({
  serviceName: env.POWERTOOLS_SERVICE_NAME,
  metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE,
});
const { logger, metrics } = telemetry;

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

export const handler = tracedHttpEntry(api, telemetry);
