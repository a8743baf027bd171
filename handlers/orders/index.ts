// OrderProcessing Lambda entry: reads its environment, wires the SDK clients and telemetry
// once per container, and hands each API Gateway event to the router.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { readEnvironment } from "../lib/environment";
import { createTelemetry } from "../lib/telemetry";
import { ordersContract } from "./contract";
import { createOrdersApi } from "./router";

const env = readEnvironment(ordersContract, process.env);

const { logger, metrics, captureClient, traceInvocation } = createTelemetry({
  serviceName: env.POWERTOOLS_SERVICE_NAME,
  metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE,
});

const dynamoDb = captureClient(new DynamoDBClient({ region: env.AWS_REGION }));
const documentClient = DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });

const api = createOrdersApi({
  documentClient,
  ordersTable: env.ORDERS_TABLE,
  productsTable: env.PRODUCTS_TABLE,
  inventoryTable: env.INVENTORY_TABLE,
  idempotency: {
    table: env.IDEMPOTENCY_TABLE,
    expiresAfterSeconds: env.IDEMPOTENCY_TTL_SECONDS,
  },
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
