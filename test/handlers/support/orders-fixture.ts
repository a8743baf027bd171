// The orders handler wired to dynalite (tables created from handlers/shared/tables.ts, the
// products table seeded from catalog/products.json) and to a local OpenSearch stand-in.
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { Client } from "@opensearch-project/opensearch";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import catalog from "../../../catalog/products.json";
import { createOrdersApi } from "../../../handlers/orders/router";
import type { Order } from "../../../handlers/shared/order";
import {
  createTableInput,
  idempotencyTableKeys,
  ordersTableKeys,
  productsTableKeys,
} from "../../../handlers/shared/tables";
import { clientConfig, type Emulator, startDynamoDb } from "../../../testing/emulators";
import { lambdaContext } from "./orders-events";
import { type SearchServer, startSearchServer } from "./orders-search-server";

export const allowedOrigin = "https://shop.example.com";
export const tables = { orders: "orders", products: "products", idempotency: "idempotency" };

export interface OrdersFixture {
  /** Runs the handler with `remainingTimeMs` left in the invocation (default 10 s). */
  invoke(event: APIGatewayProxyEvent, remainingTimeMs?: number): Promise<APIGatewayProxyResult>;
  /** Every item of the orders table. */
  storedOrders(): Promise<Order[]>;
  documentClient: DynamoDBDocumentClient;
  dynamoDb: DynamoDBClient;
  metrics: Metrics;
  searchServer: SearchServer;
  stop(): Promise<void>;
}

/** Creates the three tables from their shared key definitions and seeds the catalog. */
export async function createOrderTables(dynamoDb: DynamoDBClient): Promise<void> {
  await dynamoDb.send(new CreateTableCommand(createTableInput(ordersTableKeys, tables.orders)));
  await dynamoDb.send(new CreateTableCommand(createTableInput(productsTableKeys, tables.products)));
  await dynamoDb.send(new CreateTableCommand(createTableInput(idempotencyTableKeys, tables.idempotency)));
  const documentClient = DynamoDBDocumentClient.from(dynamoDb);
  for (let i = 0; i < catalog.length; i += 25) {
    await documentClient.send(
      new BatchWriteCommand({
        RequestItems: { [tables.products]: catalog.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

/** Metrics that store (tests read them with serializeMetrics) but never print EMF to stdout. */
function quietMetrics(): Metrics {
  const previous = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  try {
    return new Metrics({ namespace: "Ecommerce/Orders", serviceName: "orders" });
  } finally {
    if (previous === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = previous;
  }
}

export async function startOrdersFixture(options: { now?: () => Date } = {}): Promise<OrdersFixture> {
  const emulator: Emulator = await startDynamoDb();
  const searchServer = await startSearchServer();
  const dynamoDb = new DynamoDBClient(clientConfig(emulator));
  await createOrderTables(dynamoDb);
  const documentClient = DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });
  const metrics = quietMetrics();
  const api = createOrdersApi({
    documentClient,
    ordersTable: tables.orders,
    productsTable: tables.products,
    idempotency: {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: tables.idempotency, awsSdkV3Client: dynamoDb }),
      expiresAfterSeconds: 3600,
    },
    search: new Client({ node: searchServer.endpoint, maxRetries: 0, requestTimeout: 5000 }),
    allowedOrigin,
    logger: new Logger({ logLevel: "SILENT" }),
    metrics,
    now: options.now,
  });
  return {
    invoke: (event, remainingTimeMs) => api(event, lambdaContext(remainingTimeMs)),
    storedOrders: async () => {
      const items: Order[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await documentClient.send(new ScanCommand({ TableName: tables.orders, ExclusiveStartKey }));
        items.push(...((page.Items ?? []) as Order[]));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items;
    },
    documentClient,
    dynamoDb,
    metrics,
    searchServer,
    stop: async () => {
      metrics.clearMetrics();
      dynamoDb.destroy();
      await searchServer.stop();
      await emulator.stop();
    },
  };
}

/** The response body as JSON. */
export function bodyOf<T = any>(response: APIGatewayProxyResult): T {
  return JSON.parse(response.body);
}
