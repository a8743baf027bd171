// OrderProcessing Lambda entry: reads its environment, wires the SDK clients and telemetry
// once per container, and hands each API Gateway event to the router.
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { readEnvironment } from "../lib/environment";
import { ordersContract } from "./contract";
import { createOrdersApi } from "./router";
import { searchAttempts, searchAttemptTimeoutMs } from "./search";

const env = readEnvironment(ordersContract);

const logger = new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME });
const metrics = new Metrics({ namespace: env.POWERTOOLS_METRICS_NAMESPACE, serviceName: env.POWERTOOLS_SERVICE_NAME });
const tracer = new Tracer({ serviceName: env.POWERTOOLS_SERVICE_NAME });

const dynamoDb = tracer.captureAWSv3Client(new DynamoDBClient({ region: env.AWS_REGION }));
const documentClient = DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });

const search = new Client({
  ...AwsSigv4Signer({ region: env.AWS_REGION, service: "es", getCredentials: defaultProvider() }),
  node: env.OPENSEARCH_ENDPOINT,
  // The search route narrows both to the invocation's remaining time, request by request.
  requestTimeout: searchAttemptTimeoutMs,
  maxRetries: searchAttempts - 1,
});

const api = createOrdersApi({
  documentClient,
  ordersTable: env.ORDERS_TABLE,
  productsTable: env.PRODUCTS_TABLE,
  inventoryTable: env.INVENTORY_TABLE,
  idempotency: {
    table: env.IDEMPOTENCY_TABLE,
    expiresAfterSeconds: env.IDEMPOTENCY_TTL_SECONDS,
  },
  search,
  allowedOrigin: env.ALLOWED_ORIGIN,
  logger,
  metrics,
});

export const handler = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  logger.addContext(context);
  logger.appendKeys({ resource: event.resource, method: event.httpMethod });
  metrics.captureColdStartMetric();
  const segment = tracer.getSegment();
  const subsegment = segment?.addNewSubsegment("## handler");
  if (subsegment) tracer.setSegment(subsegment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  try {
    const response = await api(event, context);
    tracer.putAnnotation("statusCode", response.statusCode);
    return response;
  } finally {
    subsegment?.close();
    if (segment) tracer.setSegment(segment);
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    logger.resetKeys();
  }
};
