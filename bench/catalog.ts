// The catalog API against dynalite: listing and product latency with the catalog's real size,
// the bytes of a default page (what a category view downloads before images), and what 50
// parallel orders for the last 10 units cost through the TransactWriteItems proxy.
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import catalog from "../catalog/products.json";
import { createCatalogApi } from "../handlers/catalog/router";
import { createOrderEvent, lambdaContext, ordersEvent } from "../testing/orders-events";
import { startOrdersFixture, tables } from "../testing/orders-fixture";
import { type BenchRow, formatNumber, formatTiming, percentile, timing } from "./table";

const samples = 200;
const ms = (n: number) => `${formatNumber(n, 2)} ms`;

async function timeEach(count: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

export const benchmark = {
  title: "catalog: listing latency and page size (dynalite), stock under contention",
  async run(): Promise<BenchRow[]> {
    const fx = await startOrdersFixture();
    try {
      process.env.POWERTOOLS_METRICS_DISABLED = "true";
      const api = createCatalogApi({
        documentClient: fx.documentClient,
        productsTable: tables.products,
        inventoryTable: tables.inventory,
        allowedOrigin: "https://shop.example.com",
        logger: new Logger({ logLevel: "SILENT" }),
        metrics: new Metrics({ namespace: "Ecommerce/Catalog", serviceName: "catalog" }),
      });
      const call =
        (resource: string, query: Record<string, string> | undefined, pathParameters?: Record<string, string>) =>
        async () => {
          const r = await api(
            ordersEvent({ resource, method: "GET", query, pathParameters, claims: null }),
            lambdaContext(),
          );
          if (r.statusCode !== 200) throw new Error(`${resource}: ${r.statusCode} ${r.body}`);
          return r;
        };
      const listing = call("/products", {});
      const byPrice = call("/products", { category: "kitchen", sort: "price", order: "desc" });
      const product = call("/products/{sku}", undefined, { sku: "KIT-MUG-STN-12" });
      await timeEach(20, listing);
      const listTimes = await timeEach(samples, listing);
      const categoryTimes = await timeEach(samples, byPrice);
      const productTimes = await timeEach(samples, product);
      const page = (await listing()).body;

      await fx.setStock("OUT-TNT-2P-ULT", 10);
      const start = performance.now();
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          fx.invoke(createOrderEvent(`bench-${i}`, randomUUID(), { lines: [{ sku: "OUT-TNT-2P-ULT", quantity: 1 }] })),
        ),
      );
      const contention = performance.now() - start;
      const placed = responses.filter((r) => r.statusCode === 201).length;
      return [
        {
          name: `GET /products (${catalog.length} products, page of 24)`,
          value: formatTiming(timing(listTimes)),
          reference: `p99 ${ms(percentile(listTimes, 99))}`,
          kind: "noisy",
        },
        {
          name: "GET /products?category&sort=price",
          value: formatTiming(timing(categoryTimes)),
          reference: `p99 ${ms(percentile(categoryTimes, 99))}`,
          kind: "noisy",
        },
        {
          name: "GET /products/{sku}",
          value: formatTiming(timing(productTimes)),
          reference: `p99 ${ms(percentile(productTimes, 99))}`,
          kind: "noisy",
        },
        {
          name: "DynamoDB calls per listing / per product",
          value: "2 / 2",
          reference: "Scan products + Scan inventory / GetItem each",
          kind: "stable",
        },
        {
          name: "default page body",
          value: `${formatNumber(Buffer.byteLength(page))} B`,
          reference: `gzip ${formatNumber(gzipSync(page).length)} B`,
          kind: "stable",
        },
        {
          name: "50 parallel orders for the last 10 units",
          value: `${placed} placed, ${50 - placed} refused`,
          reference: `wall ${ms(contention)}, stock left ${await fx.stockOf("OUT-TNT-2P-ULT")}`,
          kind: "stable",
        },
      ];
    } finally {
      delete process.env.POWERTOOLS_METRICS_DISABLED;
      await fx.stop();
    }
  },
};
