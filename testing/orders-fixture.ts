// The orders handler wired to dynalite behind the TransactWriteItems proxy (tables created
// from handlers/shared/tables.ts, the products and inventory tables seeded from
// catalog/products.json). GET /orders/search is OrderSearch's: testing/order-search-fixture.ts.
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import catalog from "../catalog/products.json";
import { createOrdersApi } from "../handlers/orders/router";
import type { Order } from "../handlers/shared/order";
import {
  createTableInput,
  idempotencyTableKeys,
  inventoryTableKeys,
  ordersTableKeys,
  productsTableKeys,
} from "../handlers/shared/tables";
import { clientConfig, type Emulator, startDynamoDb } from "./emulators";
import { recordingClient } from "./aws-calls";
import { countDynamoDbCalls, type DynamoDbCallCounter } from "./dynamodb-call-counter";
import { lambdaContext } from "./orders-events";

export const allowedOrigin = "https://shop.example.com";
export const tables = { orders: "orders", products: "products", inventory: "inventory", idempotency: "idempotency" };
/** The tables as the component names them in the handler's environment (for the call recorder). */
const environment = {
  ORDERS_TABLE: tables.orders,
  PRODUCTS_TABLE: tables.products,
  INVENTORY_TABLE: tables.inventory,
  IDEMPOTENCY_TABLE: tables.idempotency,
};

export interface OrdersFixture {
  /** The next invocations run in a new container (the catalog cache empty), on the same tables and clients. */
  coldStart(): void;
  /** Runs the handler with `remainingTimeMs` left in the invocation (default 10 s). */
  invoke(event: APIGatewayProxyEvent, remainingTimeMs?: number): Promise<APIGatewayProxyResult>;
  /** Every item of the orders table (read with the test's own client, not the handler's). */
  storedOrders(): Promise<Order[]>;
  /** What the inventory table holds for `sku` (undefined: no item). */
  stockOf(sku: string): Promise<number | undefined>;
  /** Restocks `sku` to exactly `stock`. */
  setStock(sku: string, stock: number): Promise<void>;
  documentClient: DynamoDBDocumentClient;
  /** The client the handler sends with (tests may fake AWS replies on it). */
  handlerDocumentClient: DynamoDBDocumentClient;
  dynamoDb: DynamoDBClient;
  /** The DynamoDB calls the handler sent (counted on its client), and a TransactionConflict fake. */
  handlerCalls: DynamoDbCallCounter;
  metrics: Metrics;
  stop(): Promise<void>;
}

/** Creates the four tables from their shared key definitions and seeds the catalog and its stock, as the program does. */
export async function createOrderTables(dynamoDb: DynamoDBClient): Promise<void> {
  await dynamoDb.send(new CreateTableCommand(createTableInput(ordersTableKeys, tables.orders)));
  await dynamoDb.send(new CreateTableCommand(createTableInput(productsTableKeys, tables.products)));
  await dynamoDb.send(new CreateTableCommand(createTableInput(inventoryTableKeys, tables.inventory)));
  await dynamoDb.send(new CreateTableCommand(createTableInput(idempotencyTableKeys, tables.idempotency)));
  const documentClient = DynamoDBDocumentClient.from(dynamoDb);
  for (let i = 0; i < catalog.length; i += 25) {
    const slice = catalog.slice(i, i + 25);
    await documentClient.send(
      new BatchWriteCommand({
        RequestItems: {
          [tables.products]: slice.map(({ stock: _stock, ...entry }) => ({ PutRequest: { Item: entry } })),
          [tables.inventory]: slice.map(({ sku, stock }) => ({ PutRequest: { Item: { sku, stock } } })),
        },
      }),
    );
  }
}

/** Metrics that store (tests read them with serializeMetrics) but never print EMF to stdout. */
export function quietMetrics(): Metrics {
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
  const dynamoDb = new DynamoDBClient(clientConfig(emulator));
  await createOrderTables(dynamoDb);
  const documentClient = DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });
  // The handler's own client: what it sends is recorded for the IAM simulator test.
  const handlerDynamoDb = recordingClient(
    "orders-api",
    "dynamodb",
    new DynamoDBClient(clientConfig(emulator)),
    environment,
  );
  const handlerCalls = countDynamoDbCalls(handlerDynamoDb);
  const handlerDocumentClient = DynamoDBDocumentClient.from(handlerDynamoDb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const metrics = quietMetrics();
  // A new api is a new container: nothing cached.
  const newContainer = () =>
    createOrdersApi({
      documentClient: handlerDocumentClient,
      ordersTable: tables.orders,
      productsTable: tables.products,
      inventoryTable: tables.inventory,
      idempotency: {
        table: tables.idempotency,
        expiresAfterSeconds: 3600,
      },
      allowedOrigin,
      logger: new Logger({ logLevel: "SILENT" }),
      metrics,
      now: options.now,
    });
  let api = newContainer();
  return {
    coldStart: () => {
      api = newContainer();
    },
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
    stockOf: async (sku) =>
      (await documentClient.send(new GetCommand({ TableName: tables.inventory, Key: { sku }, ConsistentRead: true })))
        .Item?.stock as number | undefined,
    setStock: async (sku, stock) => {
      await documentClient.send(new PutCommand({ TableName: tables.inventory, Item: { sku, stock } }));
    },
    documentClient,
    handlerDocumentClient,
    dynamoDb,
    handlerCalls,
    metrics,
    stop: async () => {
      metrics.clearMetrics();
      dynamoDb.destroy();
      handlerDynamoDb.destroy();
      await emulator.stop();
    },
  };
}

/** The response body as JSON. */
export function bodyOf<T = any>(response: APIGatewayProxyResult): T {
  return JSON.parse(response.body);
}
