// OrderProcessing Lambda entry: reads its environment, wires the SDK clients and telemetry
// once per container, and hands each API Gateway event to the router.
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import * as z from "zod";
import { createOpenSearchClient } from "../lib/opensearch-client";
import { createTelemetry } from "../lib/telemetry";
import { createOrdersApi } from "./router";
import { searchAttemptTimeoutMs } from "./search";

export const environmentSchema = z.object({
  AWS_REGION: z.string().min(1),
  /** Orders table (key orderId, index byCustomer). */
  ORDERS_TABLE: z.string().min(1),
  /** Products table (key sku): the priced catalog. */
  PRODUCTS_TABLE: z.string().min(1),
  /** Inventory table (key sku): stock, reserved and returned in the order's transaction. */
  INVENTORY_TABLE: z.string().min(1),
  /** Powertools idempotency table (key id, TTL attribute expiration). */
  IDEMPOTENCY_TABLE: z.string().min(1),
  /** The OpenSearch domain's endpoint, https only (requests are SigV4-signed for "es"). */
  OPENSEARCH_ENDPOINT: z.url({ protocol: /^https$/, error: "OPENSEARCH_ENDPOINT must be an https:// URL" }),
  /** The storefront origin, sent as Access-Control-Allow-Origin. */
  ALLOWED_ORIGIN: z.string().min(1),
  /** How long an Idempotency-Key is remembered. */
  IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 86400).default(86400),
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default("orders"),
  POWERTOOLS_METRICS_NAMESPACE: z.string().min(1).default("Ecommerce/Orders"),
});
export type Environment = z.infer<typeof environmentSchema>;

const parsedEnvironment = environmentSchema.safeParse(process.env);
if (!parsedEnvironment.success) {
  // Fail the cold start with every problem named, rather than the first request with one.
  throw new Error(`OrderProcessing environment is invalid: ${z.prettifyError(parsedEnvironment.error)}`);
}
const env = parsedEnvironment.data;

const { logger, metrics, tracer, captureClient } = createTelemetry({ serviceName: env.POWERTOOLS_SERVICE_NAME, metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE });

const dynamoDb = captureClient(new DynamoDBClient({ region: env.AWS_REGION }));
const documentClient = DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });

// The search route narrows the timeout to the invocation's remaining time, request by request.
const search = createOpenSearchClient({ endpoint: env.OPENSEARCH_ENDPOINT, region: env.AWS_REGION, credentials: defaultProvider(), requestTimeoutMs: searchAttemptTimeoutMs });

const api = createOrdersApi({
  documentClient,
  ordersTable: env.ORDERS_TABLE,
  productsTable: env.PRODUCTS_TABLE,
  inventoryTable: env.INVENTORY_TABLE,
  idempotency: {
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: env.IDEMPOTENCY_TABLE, awsSdkV3Client: dynamoDb }),
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
