// Catalog Lambda entry: reads its environment, wires the SDK client and telemetry once per
// container, and hands each API Gateway event to the router.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { readEnvironment } from "../lib/environment";
import { apiEntry } from "../lib/http-entry";
import { createTelemetry } from "../lib/telemetry";
import { catalogContract } from "./contract";
import { createCatalogApi } from "./router";

const env = readEnvironment(catalogContract, process.env);

const { logger, metrics, captureClient } = createTelemetry({
  serviceName: env.POWERTOOLS_SERVICE_NAME,
  metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE,
});
const documentClient = DynamoDBDocumentClient.from(captureClient(new DynamoDBClient({ region: env.AWS_REGION })));

const api = createCatalogApi({
  documentClient,
  productsTable: env.PRODUCTS_TABLE,
  inventoryTable: env.INVENTORY_TABLE,
  allowedOrigin: env.ALLOWED_ORIGIN,
  logger,
  metrics,
});

export const handler = apiEntry(api, { logger, metrics });
