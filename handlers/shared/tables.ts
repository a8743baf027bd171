// Key definitions of the order path's DynamoDB tables, as plain data. The Orders component
// (via @pulumi/aws) and the handler tests (via the CreateTable API against dynalite) both
// build their tables from these, so a key or index can never differ between the two.
// Only keys live here; billing, encryption, PITR and protection are the component's concern.
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

export type KeyAttributeType = "S" | "N" | "B";

export interface KeyAttribute {
  name: string;
  type: KeyAttributeType;
}

export interface GlobalSecondaryIndexKeys {
  name: string;
  hashKey: KeyAttribute;
  rangeKey?: KeyAttribute;
  projectionType: "ALL" | "KEYS_ONLY";
}

export interface TableKeys {
  hashKey: KeyAttribute;
  rangeKey?: KeyAttribute;
  globalSecondaryIndexes: GlobalSecondaryIndexKeys[];
  /** The stream the table must have; consumers (SearchIndexer) rely on this view type. */
  streamViewType?: "NEW_AND_OLD_IMAGES";
  /** Attribute holding an epoch-seconds expiry, for DynamoDB TTL. */
  ttlAttribute?: string;
}

/** Name of the orders table's customer index: customerId + createdAt, newest first by query. */
export const ordersByCustomerIndex = "byCustomer";

/** Orders: one item per order; "my orders" is a query on the customer index. */
export const ordersTableKeys: TableKeys = {
  hashKey: { name: "orderId", type: "S" },
  globalSecondaryIndexes: [
    {
      name: ordersByCustomerIndex,
      hashKey: { name: "customerId", type: "S" },
      // ISO-8601 UTC timestamps sort lexicographically in time order.
      rangeKey: { name: "createdAt", type: "S" },
      projectionType: "ALL",
    },
  ],
  streamViewType: "NEW_AND_OLD_IMAGES",
};

/** Products: the priced catalog, seeded from catalog/products.json. */
export const productsTableKeys: TableKeys = {
  hashKey: { name: "sku", type: "S" },
  globalSecondaryIndexes: [],
};

/**
 * Inventory: the stock of each product (key sku), runtime state kept apart from the catalog
 * so that re-applying the catalog never resets it. Orders take from it and cancellations
 * give back, each in the transaction that changes the order.
 */
export const inventoryTableKeys: TableKeys = {
  hashKey: { name: "sku", type: "S" },
  globalSecondaryIndexes: [],
};

/** Idempotency records: the Powertools DynamoDB persistence layer's defaults. */
export const idempotencyTableKeys: TableKeys = {
  hashKey: { name: "id", type: "S" },
  globalSecondaryIndexes: [],
  ttlAttribute: "expiration",
};

/** Every key attribute of the table and its indexes, each once (DynamoDB rejects duplicates). */
export function keyAttributes(keys: TableKeys): KeyAttribute[] {
  const all = [keys.hashKey, keys.rangeKey, ...keys.globalSecondaryIndexes.flatMap((i) => [i.hashKey, i.rangeKey])];
  const byName = new Map<string, KeyAttribute>();
  for (const attribute of all) {
    if (!attribute) continue;
    const seen = byName.get(attribute.name);
    if (seen && seen.type !== attribute.type) {
      throw new Error(`attribute ${attribute.name} is declared as both ${seen.type} and ${attribute.type}`);
    }
    byName.set(attribute.name, attribute);
  }
  return [...byName.values()];
}

/**
 * The key-related arguments of `aws.dynamodb.Table` (@pulumi/aws v7): spread them into the
 * table's args beside billing, encryption and the rest.
 */
export function pulumiTableKeyArgs(keys: TableKeys) {
  return {
    hashKey: keys.hashKey.name,
    rangeKey: keys.rangeKey?.name,
    attributes: keyAttributes(keys).map((a) => ({ name: a.name, type: a.type })),
    globalSecondaryIndexes: keys.globalSecondaryIndexes.map((i) => ({
      name: i.name,
      hashKey: i.hashKey.name,
      rangeKey: i.rangeKey?.name,
      projectionType: i.projectionType,
    })),
    streamEnabled: keys.streamViewType !== undefined,
    streamViewType: keys.streamViewType,
    ttl: keys.ttlAttribute ? { attributeName: keys.ttlAttribute, enabled: true } : undefined,
  };
}

/**
 * A CreateTable request for these keys (on-demand billing). TTL is a separate
 * UpdateTimeToLive call in the API; the emulators do not need it.
 */
export function createTableInput(keys: TableKeys, tableName: string): CreateTableCommandInput {
  const keySchema = (hash: KeyAttribute, range?: KeyAttribute) => [
    { AttributeName: hash.name, KeyType: "HASH" as const },
    ...(range ? [{ AttributeName: range.name, KeyType: "RANGE" as const }] : []),
  ];
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: keyAttributes(keys).map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: keySchema(keys.hashKey, keys.rangeKey),
    GlobalSecondaryIndexes: keys.globalSecondaryIndexes.length
      ? keys.globalSecondaryIndexes.map((i) => ({
          IndexName: i.name,
          KeySchema: keySchema(i.hashKey, i.rangeKey),
          Projection: { ProjectionType: i.projectionType },
        }))
      : undefined,
    StreamSpecification: keys.streamViewType ? { StreamEnabled: true, StreamViewType: keys.streamViewType } : undefined,
  };
}
