// Recommendations Lambda entry: reads its environment, wires the SDK clients and telemetry
// once per container, and hands each API Gateway event to the router.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PersonalizeRuntimeClient } from "@aws-sdk/client-personalize-runtime";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { readEnvironment } from "../lib/environment";
import { createOpenSearchClient } from "../lib/opensearch-client";
import { apiEntry } from "../lib/http-entry";
import { createTelemetry } from "../lib/telemetry";
import { recommendationsContract } from "./contract";
import { defaultTimeouts } from "./recommend";
import { createRecommendationsApi } from "./router";

const env = readEnvironment(recommendationsContract, process.env);
const { logger, metrics, captureClient } = createTelemetry({
  serviceName: env.POWERTOOLS_SERVICE_NAME,
  metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE,
});
const documentClient = DynamoDBDocumentClient.from(captureClient(new DynamoDBClient({ region: env.AWS_REGION })));
const usesPersonalize = Boolean(env.RELATED_ITEMS_ARN || env.USER_RECOMMENDATIONS_ARN);

const api = createRecommendationsApi({
  documentClient,
  productsTable: env.PRODUCTS_TABLE,
  inventoryTable: env.INVENTORY_TABLE,
  // A slow search falls back to the next source instead of retrying (recommend.ts).
  search: createOpenSearchClient({
    endpoint: env.OPENSEARCH_ENDPOINT,
    region: env.AWS_REGION,
    credentials: defaultProvider(),
    requestTimeoutMs: defaultTimeouts.searchMs,
  }),
  // No retries either: the time budget is the fallback's, not the SDK's.
  personalize: usesPersonalize
    ? captureClient(new PersonalizeRuntimeClient({ region: env.AWS_REGION, maxAttempts: 1 }))
    : undefined,
  relatedItemsArn: env.RELATED_ITEMS_ARN,
  userRecommendationsArn: env.USER_RECOMMENDATIONS_ARN,
  allowedOrigin: env.ALLOWED_ORIGIN,
  logger,
  metrics,
});

export const handler = apiEntry(api, { logger, metrics });
