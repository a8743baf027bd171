// Turning candidate skus into products a shopper can buy: their catalog entries and stock read
// in one BatchGetItem (both tables), anything unknown or out of stock dropped, the candidates'
// order kept. And the last resort when nothing else answers: in-stock items of the catalog.
import { BatchGetCommand, type DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { catalogEntrySchema, inventoryItemSchema, type Product } from "../shared/product";

export interface ProductTables {
  documentClient: DynamoDBDocumentClient;
  productsTable: string;
  inventoryTable: string;
}

/** BatchGetItem reads at most 100 keys per call (both tables together). */
export const maxBatchGetKeys = 100;
/** Rounds of resending UnprocessedKeys (throttled reads) before giving up on them. */
export const unprocessedKeyRounds = 3;

type Key = { sku: string };

/** The items of both tables for these skus, resending what DynamoDB left unprocessed. */
async function batchGet(
  tables: ProductTables,
  skus: string[],
): Promise<{ products: Record<string, unknown>[]; inventory: Record<string, unknown>[] }> {
  const products: Record<string, unknown>[] = [];
  const inventory: Record<string, unknown>[] = [];
  const keys: Key[] = skus.map((sku) => ({ sku }));
  let pending: Record<string, { Keys: Key[] }> | undefined = {
    [tables.productsTable]: { Keys: keys },
    [tables.inventoryTable]: { Keys: keys },
  };
  for (let round = 0; pending && Object.keys(pending).length > 0 && round <= unprocessedKeyRounds; round++) {
    const answer = await tables.documentClient.send(new BatchGetCommand({ RequestItems: pending }));
    products.push(...(answer.Responses?.[tables.productsTable] ?? []));
    inventory.push(...(answer.Responses?.[tables.inventoryTable] ?? []));
    pending = answer.UnprocessedKeys as typeof pending;
  }
  return { products, inventory };
}

/**
 * Of `skus` (best first), at most `limit` products in stock, in that order. Over-fetching is
 * the caller's job: pass more candidates than `limit`, as some will be sold out.
 */
export async function inStockProducts(tables: ProductTables, skus: string[], limit: number): Promise<Product[]> {
  const candidates = [...new Set(skus)].slice(0, maxBatchGetKeys / 2);
  if (candidates.length === 0) return [];
  const { products, inventory } = await batchGet(tables, candidates);
  const stock = new Map(inventory.map((item) => inventoryItemSchema.parse(item)).map((i) => [i.sku, i.stock]));
  const entries = new Map(products.map((item) => catalogEntrySchema.parse(item)).map((p) => [p.sku, p]));
  const found: Product[] = [];
  for (const sku of candidates) {
    const entry = entries.get(sku);
    const left = stock.get(sku) ?? 0;
    if (entry && left > 0) found.push({ ...entry, stock: left });
    if (found.length === limit) break;
  }
  return found;
}

/**
 * Skus with the most stock left (ties by sku): what the shop can sell right away, when no
 * order history or model answers. One scan of the inventory table (sku and stock only).
 */
export async function wellStockedSkus(tables: ProductTables): Promise<string[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await tables.documentClient.send(
      new ScanCommand({ TableName: tables.inventoryTable, ExclusiveStartKey }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items
    .map((item) => inventoryItemSchema.parse(item))
    .filter((i) => i.stock > 0)
    .sort((a, b) => b.stock - a.stock || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0))
    .map((i) => i.sku);
}
