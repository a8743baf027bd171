// The orders handler's own CPU per new order: the router with a DynamoDB document client that
// answers in process at once (BatchGetItem from the catalog, TransactWriteItems accepted), so
// the figure holds request validation, hashing, pricing, building the transaction, the response
// JSON and the metrics, and no SDK, HTTP or emulator (the logger is silenced, as in the tests).
import { Logger } from "@aws-lambda-powertools/logger";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { randomUUID } from "node:crypto";
import catalog from "../catalog/products.json";
import { createOrdersApi } from "../handlers/orders/router";
import { quietMetrics } from "../testing/orders-fixture";
import { createOrderEvent, lambdaContext } from "../testing/orders-events";

/** A document client whose every call is answered at once, as DynamoDB would on success. */
function answeredAtOnce(): DynamoDBDocumentClient {
  const products = new Map(catalog.map(({ stock: _stock, ...entry }) => [entry.sku, entry]));
  const send = async (command: { constructor: { name: string }; input: any }) => {
    if (command.constructor.name !== "BatchGetCommand") return {};
    const [table, { Keys }] = Object.entries(
      command.input.RequestItems as Record<string, { Keys: { sku: string }[] }>,
    )[0];
    return { Responses: { [table]: Keys.flatMap((k) => products.get(k.sku) ?? []) } };
  };
  return { send } as unknown as DynamoDBDocumentClient;
}

/** CPU microseconds per new order on a warm container, median of `repeats` runs of `orders` orders. */
export async function handlerCpuMicrosPerOrder(orders = 2000, repeats = 5): Promise<number> {
  const metrics = quietMetrics();
  const api = createOrdersApi({
    documentClient: answeredAtOnce(),
    ordersTable: "orders",
    productsTable: "products",
    inventoryTable: "inventory",
    idempotency: { table: "idempotency", expiresAfterSeconds: 3600 },
    allowedOrigin: "https://shop.example.com",
    logger: new Logger({ logLevel: "SILENT" }),
    metrics,
  });
  const body = {
    lines: [
      { sku: "KIT-MUG-STN-12", quantity: 2 },
      { sku: "OUT-BTL-INS-750", quantity: 1 },
    ],
  };
  const context = lambdaContext();
  const run = async () => {
    const events = Array.from({ length: orders }, (_, i) => createOrderEvent(`c${i % 10}`, `k-${randomUUID()}`, body));
    const start = process.cpuUsage();
    for (const event of events) {
      const response = await api(event, context);
      if (response.statusCode !== 201) throw new Error(`create answered ${response.statusCode}: ${response.body}`);
    }
    const used = process.cpuUsage(start);
    metrics.clearMetrics();
    return (used.user + used.system) / orders;
  };
  await run(); // warm-up: the catalog cache and the JIT
  const figures: number[] = [];
  for (let i = 0; i < repeats; i++) figures.push(await run());
  return figures.sort((a, b) => a - b)[Math.floor(repeats / 2)];
}
