// Recommendations Lambda entry: reads its environment, wires the SDK clients and telemetry
// once per container, and hands each API Gateway event to the router.
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PersonalizeRuntimeClient } from "@aws-sdk/client-personalize-runtime";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import * as z from "zod";
import { environmentSchema } from "./contract";
import { defaultTimeouts } from "./recommend";
import { createRecommendationsApi } from "./router";

const parsedEnvironment = environmentSchema.safeParse(process.env);
if (!parsedEnvironment.success) {
  // Fail the cold start with every problem named, rather than the first request with one.
  throw new Error(`Recommendations environment is invalid: ${z.prettifyError(parsedEnvironment.error)}`);
}
const env = parsedEnvironment.data;

const logger = new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME });
const metrics = new Metrics({ namespace: env.POWERTOOLS_METRICS_NAMESPACE, serviceName: env.POWERTOOLS_SERVICE_NAME });
const tracer = new Tracer({ serviceName: env.POWERTOOLS_SERVICE_NAME });
const documentClient = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({ region: env.AWS_REGION })));
const usesPersonalize = Boolean(env.RELATED_ITEMS_ARN || env.USER_RECOMMENDATIONS_ARN);

const api = createRecommendationsApi({
  documentClient,
  productsTable: env.PRODUCTS_TABLE,
  inventoryTable: env.INVENTORY_TABLE,
  search: new Client({
    ...AwsSigv4Signer({ region: env.AWS_REGION, service: "es", getCredentials: defaultProvider() }),
    node: env.OPENSEARCH_ENDPOINT,
    requestTimeout: defaultTimeouts.searchMs,
    // A slow search falls back to the next source instead of retrying.
    maxRetries: 0,
  }),
  // No retries either: the time budget is the fallback's, not the SDK's.
  personalize: usesPersonalize ? tracer.captureAWSv3Client(new PersonalizeRuntimeClient({ region: env.AWS_REGION, maxAttempts: 1 })) : undefined,
  relatedItemsArn: env.RELATED_ITEMS_ARN,
  userRecommendationsArn: env.USER_RECOMMENDATIONS_ARN,
  allowedOrigin: env.ALLOWED_ORIGIN,
  logger,
  metrics,
});

export const handler = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  logger.addContext(context);
  metrics.captureColdStartMetric();
  try {
    return await api(event, context);
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
