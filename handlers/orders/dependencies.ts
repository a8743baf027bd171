// What the routes are given by the entry point (index.ts) or by a test: clients, table
// names and telemetry. Nothing here reads the environment.
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface OrdersDependencies {
  /** DynamoDB, marshalling plain JS objects. */
  documentClient: DynamoDBDocumentClient;
  ordersTable: string;
  productsTable: string;
  /** Stock per sku: taken by orders, given back by cancellations, in the order's transaction. */
  inventoryTable: string;
  /** The idempotency table (key id, TTL attribute expiration), and how long a key is remembered. */
  idempotency: { table: string; expiresAfterSeconds: number };
  /** Value of Access-Control-Allow-Origin on every response. */
  allowedOrigin: string;
  logger: Logger;
  metrics: Metrics;
  /** The clock; tests pin it. */
  now?: () => Date;
}
