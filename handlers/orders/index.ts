// OrderProcessing Lambda entry: reads its environment, wires the SDK clients and telemetry
// once per container, and hands each API Gateway event to the router.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { readEnvironment } from "../lib/environment";
import { tracedHttpEntry } from "../lib/http-entry";
import { createTelemetry } from "../lib/telemetry";
import { ordersContract } from "./contract";
import { createOrdersApi } from "./router";

const env = readEnvironment(ordersContract, process.env);

const telemetry = createTelemetry({
  serviceName: env.POWERTOOLS_SERVICE_NAME,
  metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE,
});
const { logger, metrics, captureClient } = telemetry;

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

export const handler = tracedHttpEntry(api, telemetry);
