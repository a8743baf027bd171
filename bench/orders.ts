// Order creation through the OrderProcessing handler against dynalite (behind the
// TransactWriteItems proxy), beside a bare PutItem on the same table: the ratio is what
// validation, pricing, idempotency and the stock transaction cost on top of the one write
// that must happen anyway. Plus the deployed bundle's size and cold import.
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import catalog from "../catalog/products.json";
import { bundleHandler, repoRoot } from "../components/lib/bundle";
import { maxLinesPerOrder, maxQuantityPerLine, type Order } from "../handlers/shared/order";
import { createOrderEvent } from "../test/handlers/support/orders-events";
import { startOrdersFixture, tables } from "../test/handlers/support/orders-fixture";
import { type BenchRow, formatNumber, percentile } from "./table";

const warmUp = 50;
const samples = 300;
const coldImportRuns = 5;
const bundleBudgetBytes = 348_000;
const dynamoDbItemLimitBytes = 400 * 1024;

async function timeEach(count: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  return times;
}

const ms = (n: number) => `${formatNumber(n, 2)} ms`;

/** The biggest order a client can place: 50 lines of the longest-named products, quantity 100. */
function largestOrder(): Order {
  const longest = [...catalog].sort((a, b) => b.name.length - a.name.length)[0];
  const lines = Array.from({ length: maxLinesPerOrder }, (_, i) => ({
    sku: `${longest.sku}-${String(i).padStart(2, "0")}`.slice(0, 32),
    name: longest.name,
    quantity: maxQuantityPerLine,
    unitPriceCents: longest.priceCents,
    lineTotalCents: longest.priceCents * maxQuantityPerLine,
  }));
  const now = new Date().toISOString();
  return {
    orderId: randomUUID(), customerId: randomUUID(), status: "PLACED", createdAt: now, updatedAt: now, currency: "USD",
    lines, itemCount: maxLinesPerOrder * maxQuantityPerLine, totalCents: lines.reduce((s, l) => s + l.lineTotalCents, 0), version: 1,
  };
}

/** Median time to `require` the bundle in a fresh node (SDK v3 externals from node_modules, as the runtime provides them). */
function coldImportMs(code: string): number {
  const dir = mkdtempSync(path.join(tmpdir(), "orders-cold-"));
  try {
    const file = path.join(dir, "index.js");
    writeFileSync(file, code);
    const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
    const env = {
      PATH: process.env.PATH ?? "",
      NODE_PATH: path.join(repoRoot, "node_modules"),
      AWS_REGION: "us-east-1",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ORDERS_TABLE: "orders", PRODUCTS_TABLE: "products", INVENTORY_TABLE: "inventory", IDEMPOTENCY_TABLE: "idempotency",
      OPENSEARCH_ENDPOINT: "https://search.example.invalid", ALLOWED_ORIGIN: "https://shop.example.com",
    };
    const runs = Array.from({ length: coldImportRuns }, () =>
      Number(execFileSync(process.execPath, ["--no-warnings", "-e", script], { env, cwd: dir }).toString().trim()),
    );
    return percentile(runs, 50);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const benchmark = {
  title: "orders: creation latency (dynalite), bundle",
  async run(): Promise<BenchRow[]> {
    const fx = await startOrdersFixture();
    try {
      const body = { lines: [{ sku: "KIT-MUG-STN-12", quantity: 2 }, { sku: "OUT-BTL-INS-750", quantity: 1 }] };
      // Enough stock for every sample: the bench measures placing orders, not refusing them.
      await fx.setStock("KIT-MUG-STN-12", 2 * (warmUp + samples));
      await fx.setStock("OUT-BTL-INS-750", warmUp + samples);
      const create = (i: number) =>
        fx.invoke(createOrderEvent(`bench-customer-${i % 10}`, `bench-${randomUUID()}`, body)).then((r) => {
          if (r.statusCode !== 201) throw new Error(`create failed: ${r.statusCode} ${r.body}`);
        });
      await timeEach(warmUp, create);
      const handlerTimes = await timeEach(samples, create);

      const template = (await fx.storedOrders())[0];
      const put = () =>
        fx.documentClient.send(
          new PutCommand({
            TableName: tables.orders,
            Item: { ...template, orderId: randomUUID(), createdAt: new Date().toISOString() },
            ConditionExpression: "attribute_not_exists(orderId)",
          }),
        );
      await timeEach(warmUp, put);
      const putTimes = await timeEach(samples, put);

      const handlerP50 = percentile(handlerTimes, 50);
      const handlerP99 = percentile(handlerTimes, 99);
      const putP50 = percentile(putTimes, 50);
      const putP99 = percentile(putTimes, 99);
      const { code, bytes } = bundleHandler("handlers/orders/index.ts");
      const itemBytes = Buffer.byteLength(JSON.stringify(largestOrder()));
      const coldImport = coldImportMs(code);
      return [
        { name: `POST /orders p50 (${samples} sequential, 2 lines)`, value: ms(handlerP50), reference: `bare PutItem p50 ${ms(putP50)}`, ratio: handlerP50 / putP50 },
        { name: "POST /orders p99", value: ms(handlerP99), reference: `bare PutItem p99 ${ms(putP99)}`, ratio: handlerP99 / putP99 },
        { name: "DynamoDB calls per new order", value: "4", reference: "idempotency put + BatchGet + TransactWriteItems (order + stock per line) + idempotency update", ratio: 4 },
        { name: "largest order item (50 lines x 100)", value: `${formatNumber(itemBytes)} B`, reference: "DynamoDB item limit 400 KB", ratio: itemBytes / dynamoDbItemLimitBytes },
        { name: "bundle size (SDK v3 external)", value: `${formatNumber(bytes)} B`, reference: `budget ${formatNumber(bundleBudgetBytes)} B`, ratio: bytes / bundleBudgetBytes },
        { name: `bundle cold import (median of ${coldImportRuns})`, value: ms(coldImport), reference: "fresh node, incl. SDK externals" },
      ];
    } finally {
      await fx.stop();
    }
  },
};
