// Prices come from the products table at order time, never from the client: the request
// names skus and quantities only, and every figure on the order is computed here.
import { BatchGetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { setTimeout as sleep } from "node:timers/promises";
import type { CreateOrderRequest, OrderLine } from "../shared/order";
import { type CatalogEntry, catalogEntrySchema } from "../shared/product";
import { badRequest } from "./errors";

/** BatchGetItem may leave keys unprocessed under throttling; retry those a bounded number of times. */
const maxBatchGetAttempts = 5;

/** The catalog entries for `skus` (at most 100, distinct) that exist; unknown skus are simply absent. */
export async function loadProducts(
  documentClient: DynamoDBDocumentClient,
  productsTable: string,
  skus: string[],
): Promise<Map<string, CatalogEntry>> {
  const products = new Map<string, CatalogEntry>();
  let keys: Record<string, unknown>[] = skus.map((sku) => ({ sku }));
  for (let attempt = 1; keys.length > 0; attempt++) {
    if (attempt > maxBatchGetAttempts) throw new Error(`products table left ${keys.length} keys unprocessed`);
    if (attempt > 1) await sleep(25 * 2 ** attempt);
    const result = await documentClient.send(
      new BatchGetCommand({ RequestItems: { [productsTable]: { Keys: keys } } }),
    );
    for (const item of result.Responses?.[productsTable] ?? []) {
      // A malformed catalog row is our fault, not the customer's: fail loudly (500).
      const product = catalogEntrySchema.parse(item);
      products.set(product.sku, product);
    }
    keys = (result.UnprocessedKeys?.[productsTable]?.Keys ?? []) as Record<string, unknown>[];
  }
  return products;
}

/** Priced lines in request order, or a 400 naming every unknown sku. */
export function priceLines(request: CreateOrderRequest, products: Map<string, CatalogEntry>): OrderLine[] {
  const unknown = request.lines.flatMap((line, index) =>
    products.has(line.sku) ? [] : [{ path: `lines[${index}].sku`, message: `unknown sku ${line.sku}` }],
  );
  if (unknown.length > 0) throw badRequest("order names products that do not exist", unknown);
  return request.lines.map((line) => {
    const product = products.get(line.sku)!;
    return {
      sku: product.sku,
      name: product.name,
      quantity: line.quantity,
      unitPriceCents: product.priceCents,
      lineTotalCents: product.priceCents * line.quantity,
    };
  });
}

/** An order's item count and total, from its priced lines. */
export function orderTotals(lines: OrderLine[]): { itemCount: number; totalCents: number } {
  return {
    itemCount: lines.reduce((sum, l) => sum + l.quantity, 0),
    totalCents: lines.reduce((sum, l) => sum + l.lineTotalCents, 0),
  };
}

/**
 * The catalog entries this container has read, kept across invocations so a warm container
 * prices an order without a read. Staleness is caught, never charged: every order's
 * transaction asserts each line's price on the product's own item (`priceAsserted`), and a
 * cancelled assertion replaces the entry with the item the transaction saw.
 */
export class CatalogCache {
  private readonly entries = new Map<string, CatalogEntry>();

  constructor(
    private readonly documentClient: DynamoDBDocumentClient,
    private readonly productsTable: string,
  ) {}

  /** Entries for `skus`: from memory, the rest (or all, with `fresh`) read in one BatchGetItem. */
  async entriesFor(skus: string[], options: { fresh?: boolean } = {}): Promise<Map<string, CatalogEntry>> {
    const missing = options.fresh ? skus : skus.filter((sku) => !this.entries.has(sku));
    if (missing.length > 0) {
      const loaded = await loadProducts(this.documentClient, this.productsTable, missing);
      for (const sku of missing) {
        const entry = loaded.get(sku);
        if (entry) this.entries.set(sku, entry);
        else this.entries.delete(sku);
      }
    }
    const found = new Map<string, CatalogEntry>();
    for (const sku of skus) {
      const entry = this.entries.get(sku);
      if (entry) found.set(sku, entry);
    }
    return found;
  }

  /** What a failed price assertion saw: the product's current item, or none (it left the catalog). */
  replace(sku: string, item: Record<string, unknown> | undefined): void {
    const parsed = item ? catalogEntrySchema.safeParse(item) : undefined;
    if (parsed?.success) this.entries.set(sku, parsed.data);
    else this.entries.delete(sku);
  }
}

/** Asserts, inside the order's transaction, that each line's product still has the price it was charged. */
export function priceAsserted(productsTable: string, lines: OrderLine[]) {
  return lines.map((line) => ({
    ConditionCheck: {
      TableName: productsTable,
      Key: { sku: line.sku },
      ConditionExpression: "priceCents = :price",
      ExpressionAttributeValues: { ":price": line.unitPriceCents },
      // The current entry comes back with the cancellation: the cache is refreshed without a read.
      ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
    },
  }));
}
