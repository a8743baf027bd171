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
import { type BenchRow, formatNumber, formatTiming, interleave, percentile, timing } from "./table";

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
      // The deployed handler keeps the catalog it read a few seconds (kept-catalog.ts); the
      // other reads the tables on every listing: what a container's first listing of each
      // period costs, and what every listing cost before.
      const newApi = (catalogKeptMs?: number) =>
        createCatalogApi({
          documentClient: fx.handlerDocumentClient,
          productsTable: tables.products,
          inventoryTable: tables.inventory,
          allowedOrigin: "https://shop.example.com",
          logger: new Logger({ logLevel: "SILENT" }),
          metrics: new Metrics({ namespace: "Ecommerce/Catalog", serviceName: "catalog" }),
          catalogKeptMs,
        });
      const kept = newApi();
      const readsTables = newApi(0);
      const call =
        (
          api: typeof kept,
          resource: string,
          query: Record<string, string> | undefined,
          pathParameters?: Record<string, string>,
        ) =>
        async () => {
          const r = await api(
            ordersEvent({ resource, method: "GET", query, pathParameters, claims: null }),
            lambdaContext(),
          );
          if (r.statusCode !== 200) throw new Error(`${resource}: ${r.statusCode} ${r.body}`);
          return r;
        };
      const listing = call(readsTables, "/products", {});
      const keptListing = call(kept, "/products", {});
      const byPrice = call(readsTables, "/products", { category: "kitchen", sort: "price", order: "desc" });
      const product = call(readsTables, "/products/{sku}", undefined, { sku: "KIT-MUG-STN-12" });
      const listings = { listing, keptListing };
      await interleave(listings, 20);
      // Interleaved, so both see the same machine.
      const { listing: listTimes, keptListing: keptTimes } = await interleave(listings, samples);
      const categoryTimes = await timeEach(samples, byPrice);
      const productTimes = await timeEach(samples, product);
      const page = (await listing()).body;

      // Calls counted on the handler's client: 100 distinct listings (every sort, order and
      // size), as a crawler or a shopper paging sends them, each answered by each API.
      const distinctListings = Array.from({ length: 100 }, (_, i) => ({
        limit: String(1 + (i % 50)),
        sort: i % 2 ? "price" : "name",
        order: i % 4 < 2 ? "asc" : "desc",
      }));
      const scansFor = async (api: typeof kept) => {
        fx.handlerCalls.reset();
        for (const query of distinctListings) await call(api, "/products", query)();
        return fx.handlerCalls.byOperation().Scan ?? 0;
      };
      const scansKept = await scansFor(newApi());
      const scansReadingTables = await scansFor(readsTables);
      fx.handlerCalls.reset();
      await product();
      const productCalls = fx.handlerCalls.byOperation();
      const productCallText = Object.entries(productCalls)
        .map(([operation, n]) => `${n} ${operation}`)
        .join(" + ");

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
          name: "GET /products, catalog kept by the container",
          value: formatTiming(timing(keptTimes)),
          reference: `${formatNumber(timing(listTimes).median / timing(keptTimes).median, 1)}x faster than reading the tables`,
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
          name: "Scans for 100 distinct listings within 5 s (counted)",
          value: `${scansKept} kept`,
          reference: `${scansReadingTables} reading the tables each time`,
          kind: "stable",
        },
        {
          name: "DynamoDB calls per product page (counted)",
          value: productCallText,
          reference: "live stock: never kept",
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
