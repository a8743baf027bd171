// Reading the catalog from its two tables: products (what is sold, at what price) and
// inventory (how many are left). A row that does not match the contract is our fault, not
// the shopper's: it fails the request loudly (500) and names the sku in the log.
import { type DynamoDBDocumentClient, GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { type CatalogEntry, catalogEntrySchema, inventoryItemSchema, type Product } from "../shared/product";
import { withStock } from "./listing";

export interface CatalogTables {
  documentClient: DynamoDBDocumentClient;
  productsTable: string;
  inventoryTable: string;
}

async function scanAll(tables: CatalogTables, tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await tables.documentClient.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

function stockMap(items: Record<string, unknown>[]): Map<string, number> {
  return new Map(items.map((item) => inventoryItemSchema.parse(item)).map((i) => [i.sku, i.stock]));
}

/**
 * Every product with its stock. The catalog is small (tens to a few thousand products), so one
 * scan of each table per request is cheaper than indexes per sort order, and the stage cache
 * answers most requests without reaching the tables at all.
 */
export async function allProducts(tables: CatalogTables): Promise<Product[]> {
  const [entries, inventory] = await Promise.all([
    scanAll(tables, tables.productsTable),
    scanAll(tables, tables.inventoryTable),
  ]);
  const catalog: CatalogEntry[] = entries.map((item) => catalogEntrySchema.parse(item));
  return withStock(catalog, stockMap(inventory));
}

/** One product with its stock, or undefined when the catalog has no such sku. */
export async function oneProduct(tables: CatalogTables, sku: string): Promise<Product | undefined> {
  const [entry, inventory] = await Promise.all([
    tables.documentClient.send(new GetCommand({ TableName: tables.productsTable, Key: { sku } })),
    tables.documentClient.send(new GetCommand({ TableName: tables.inventoryTable, Key: { sku } })),
  ]);
  if (!entry.Item) return undefined;
  return withStock([catalogEntrySchema.parse(entry.Item)], stockMap(inventory.Item ? [inventory.Item] : []))[0];
}
