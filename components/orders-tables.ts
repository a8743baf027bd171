// The order path's DynamoDB tables, built from the same key definitions the handler tests use
// (handlers/shared/tables.ts); the products and inventory tables seeded from catalog/products.json.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { type Product, productSchema } from "../handlers/shared/product";
import {
  idempotencyTableKeys,
  inventoryTableKeys,
  ordersTableKeys,
  productsTableKeys,
  pulumiTableKeyArgs,
  type TableKeys,
} from "../handlers/shared/tables";
import type { PlatformConfig } from "./config";
import { repoRoot } from "./lib/bundle";
import { statefulOptions } from "./lib/stateful";

export type OrderTablesConfig = Pick<PlatformConfig, "protectData">;

export const catalogFile = "catalog/products.json";

/** The catalog, validated against the shared product schema; a bad entry fails the deployment by name. */
export function loadCatalog(file = path.join(repoRoot, catalogFile)): Product[] {
  const parsed = z
    .array(productSchema)
    .min(1)
    .safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${catalogFile} is invalid: ${z.prettifyError(parsed.error)}`);
  const skus = parsed.data.map((p) => p.sku);
  const duplicate = skus.find((sku, i) => skus.indexOf(sku) !== i);
  if (duplicate) throw new Error(`${catalogFile} lists sku ${duplicate} twice`);
  return parsed.data;
}

/** A product's catalog entry as a DynamoDB item (attribute-value JSON); prices are numbers (N), in cents. No stock. */
export function productItem(product: Product): string {
  return JSON.stringify({
    sku: { S: product.sku },
    name: { S: product.name },
    description: { S: product.description },
    category: { S: product.category },
    priceCents: { N: String(product.priceCents) },
    currency: { S: product.currency },
    image: { S: product.image },
  });
}

/** A product's first stock as an inventory item. */
export function inventoryItem(product: Product): string {
  return JSON.stringify({ sku: { S: product.sku }, stock: { N: String(product.stock) } });
}

export class OrderTables extends pulumi.ComponentResource {
  /** One item per order (key orderId); index byCustomer; stream of new and old images. */
  public readonly orders: aws.dynamodb.Table;
  /** The priced catalog (key sku). */
  public readonly products: aws.dynamodb.Table;
  /** Stock per product (key sku): runtime state. */
  public readonly inventory: aws.dynamodb.Table;
  /** Idempotency-Key records, written with each order (key id, TTL on expiration). */
  public readonly idempotency: aws.dynamodb.Table;
  public readonly catalogItems: aws.dynamodb.TableItem[];
  public readonly inventoryItems: aws.dynamodb.TableItem[];

  constructor(name: string, args: { config: OrderTablesConfig }, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:orders:OrderTables", name, {}, opts);
    const protectData = args.config.protectData;
    // Stateful: survive `pulumi destroy` and refuse deletion in stages that protect data.
    const stateful = { parent: this, ...statefulOptions(args.config, "store") };
    const table = (suffix: string, keys: TableKeys) =>
      new aws.dynamodb.Table(
        `${name}-${suffix}`,
        {
          ...pulumiTableKeyArgs(keys),
          billingMode: "PAY_PER_REQUEST",
          // AWS managed KMS key (aws/dynamodb): key usage is visible in CloudTrail.
          serverSideEncryption: { enabled: true },
          // Continuous backups on every table: a bad write or delete can be rolled back.
          pointInTimeRecovery: { enabled: true },
          deletionProtectionEnabled: protectData,
        },
        stateful,
      );

    this.orders = table("orders", ordersTableKeys);
    this.products = table("products", productsTableKeys);
    this.inventory = table("inventory", inventoryTableKeys);
    this.idempotency = table("idempotency", idempotencyTableKeys);

    const catalog = loadCatalog();
    // The catalog is declared here: every `pulumi up` writes each product's name, text and price.
    this.catalogItems = catalog.map(
      (product) =>
        new aws.dynamodb.TableItem(
          `${name}-product-${product.sku.toLowerCase()}`,
          {
            tableName: this.products.name,
            hashKey: this.products.hashKey,
            item: productItem(product),
          },
          { parent: this },
        ),
    );
    // Stock is not: orders change it at run time. A new sku's item is created with the
    // catalog's stock, and `ignoreChanges` stops a later `pulumi up` (a changed seed in the
    // file, or a refresh that saw the live count) from ever writing it back. Restocking is an
    // operation on the table, not a deployment.
    this.inventoryItems = catalog.map(
      (product) =>
        new aws.dynamodb.TableItem(
          `${name}-stock-${product.sku.toLowerCase()}`,
          {
            tableName: this.inventory.name,
            hashKey: this.inventory.hashKey,
            item: inventoryItem(product),
          },
          { parent: this, ignoreChanges: ["item"], ...statefulOptions(args.config, "companion") },
        ),
    );

    this.registerOutputs({
      orders: this.orders.name,
      products: this.products.name,
      inventory: this.inventory.name,
      idempotency: this.idempotency.name,
    });
  }
}
