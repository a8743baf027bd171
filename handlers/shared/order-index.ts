// The OpenSearch side of the order contract: the `orders` index, its template (settings and
// mapping) and the function that turns an orders-table item into the search document.
// The SearchIndexer writes it; the OrderProcessing handler searches it.
import type { Order, OrderLine } from "./order";

/** Index (and index template) name. Document id = orderId. */
export const ordersIndex = "orders";
export const ordersIndexTemplateName = "orders";

/**
 * Bumped whenever the template below changes: a container finding an older version installed
 * replaces the template and adds the new fields to the live index (additive changes only;
 * changing a field's type needs a new index and a reindex).
 */
export const ordersIndexTemplateVersion = 1;

/**
 * Fields the orders API's free-text search matches against: the admin page finds an order by
 * its id or its customer (keywords: the whole text must equal them) as well as by what it
 * holds. `lines` is a plain object array (not `nested`), so `multi_match` on these paths
 * works without a nested query.
 */
export const orderTextSearchFields = ["orderId", "customerId", "lines.sku", "lines.name"] as const;

type MappingProperty =
  | { type: "keyword"; ignore_above?: number }
  | { type: "text"; fields?: Record<string, MappingProperty> }
  | { type: "date"; format?: string }
  | { type: "long" | "integer" }
  | { properties: Record<string, MappingProperty> };

const cents: MappingProperty = { type: "long" };
const timestamp: MappingProperty = { type: "date", format: "strict_date_optional_time" };

// Typed against the shared zod contract: adding a field to Order or OrderLine without
// mapping it here is a compile error.
const lineProperties: Record<keyof OrderLine, MappingProperty> = {
  sku: { type: "keyword" },
  name: { type: "text", fields: { keyword: { type: "keyword", ignore_above: 256 } } },
  quantity: { type: "integer" },
  unitPriceCents: cents,
  lineTotalCents: cents,
};

const orderProperties: Record<keyof Order, MappingProperty> = {
  orderId: { type: "keyword" },
  customerId: { type: "keyword" },
  status: { type: "keyword" },
  createdAt: timestamp,
  updatedAt: timestamp,
  currency: { type: "keyword" },
  lines: { properties: lineProperties },
  itemCount: { type: "integer" },
  totalCents: cents,
  version: { type: "long" },
};

export const ordersIndexMappings = {
  // A field the mapping does not know is refused (and dead-lettered by the indexer) rather
  // than silently guessed: the document builder below only ever sends mapped fields.
  dynamic: "strict" as const,
  properties: orderProperties,
};

/** Body of `PUT _index_template/orders`. */
export const ordersIndexTemplate = {
  index_patterns: [ordersIndex],
  priority: 100,
  version: ordersIndexTemplateVersion,
  template: {
    settings: {
      // One replica per extra data node, up to two: dev (one node) stays green, prod (three
      // nodes in three AZs) keeps a copy in every AZ.
      "index.auto_expand_replicas": "0-2",
      // Keep delete tombstones as long as a DynamoDB stream keeps records (24 h): a replayed
      // INSERT/MODIFY older than the delete is still refused by its version.
      "index.gc_deletes": "24h",
      // What the domain's slow-log groups receive (the domain publishes them to CloudWatch).
      "index.search.slowlog.threshold.query.warn": "2s",
      "index.search.slowlog.threshold.query.info": "500ms",
      "index.indexing.slowlog.threshold.index.warn": "2s",
      "index.indexing.slowlog.threshold.index.info": "500ms",
    },
    mappings: ordersIndexMappings,
  },
  _meta: { owner: "search-indexer", contract: "handlers/shared/order-index.ts" },
};

export type OrderSearchDocument = Order;

const orderFields = Object.keys(orderProperties) as (keyof Order)[];
const lineFields = Object.keys(lineProperties) as (keyof OrderLine)[];

/**
 * The search document of an orders-table item (already unmarshalled): exactly the mapped
 * fields, nothing else, so a new table attribute (a TTL, a marker) never breaks indexing.
 * Values are passed through as stored: checking their types is the mapping's job, and a
 * document it refuses is dead-lettered with OpenSearch's reason. Sets become arrays and
 * BigInts strings so the document always serialises.
 */
export function toOrderSearchDocument(item: Record<string, unknown>): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  for (const field of orderFields) {
    if (!(field in item)) continue;
    const value = item[field];
    document[field] = field === "lines" && Array.isArray(value) ? value.map(pickLineFields) : toJsonValue(value);
  }
  return document;
}

function pickLineFields(line: unknown): unknown {
  if (line === null || typeof line !== "object" || Array.isArray(line) || line instanceof Set) return toJsonValue(line);
  const picked: Record<string, unknown> = {};
  for (const field of lineFields) {
    if (field in line) picked[field] = toJsonValue((line as Record<string, unknown>)[field]);
  }
  return picked;
}

function toJsonValue(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Set) return [...value].map(toJsonValue);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}
