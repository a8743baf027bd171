// The public catalog: GET /products and GET /products/{sku}, served by a small Lambda from the
// products and inventory tables (the Orders component owns both: orders change the stock).
// Public and cacheable: the answers are the same for every shopper, so they carry
// Cache-Control for browsers and, where `apiCacheSeconds` is set, the API stage cache serves
// them without invoking the function. Not in the VPC: it reads DynamoDB only, over its
// public endpoint, and needs nothing private.
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { catalogContract, catalogRoutes } from "../handlers/catalog/contract";
import { type ApiRoute, contractRoute, lambdaProxy } from "./api";
import type { PlatformConfig } from "./config";
import { environmentFor } from "./lib/environment";
import { BundledFunction } from "./lib/function";
import type { MonitoringTargets } from "./lib/monitoring-targets";

export type CatalogConfig = Pick<PlatformConfig, "region" | "logRetentionDays" | "apiCacheSeconds" | "catalogMemoryMb">;

export interface CatalogArgs {
  config: CatalogConfig;
  products: aws.dynamodb.Table;
  inventory: aws.dynamodb.Table;
  /** The storefront origin, answered in Access-Control-Allow-Origin. */
  allowedOrigin: pulumi.Input<string>;
}

export const catalogHandlerEntry = "handlers/catalog/index.ts";
/** Two table scans of a small catalog: well under a second; 10 s leaves room for a cold start. */
export const catalogTimeoutSeconds = 10;

export class Catalog extends pulumi.ComponentResource {
  public readonly function: BundledFunction;
  /** Public routes for the Api (no authorizer; suppressed in the policy pack with the reason). */
  public readonly routes: ApiRoute[];
  public readonly monitoring: MonitoringTargets;

  constructor(name: string, args: CatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:catalog:Catalog", name, {}, opts);
    const c = args.config;

    this.function = new BundledFunction(
      `${name}-api`,
      {
        entry: catalogHandlerEntry,
        description: "Catalog API: list products (category, sort, pages) and one product, with stock",
        memoryMb: c.catalogMemoryMb,
        timeoutSeconds: catalogTimeoutSeconds,
        logRetentionDays: c.logRetentionDays,
        environment: environmentFor(catalogContract, {
          PRODUCTS_TABLE: args.products.name,
          INVENTORY_TABLE: args.inventory.name,
          ALLOWED_ORIGIN: args.allowedOrigin,
        }),
        // Exactly what the handler calls: Scan for the listing, GetItem for one product.
        policyStatements: [
          { Sid: "ReadCatalog", Action: ["dynamodb:Scan", "dynamodb:GetItem"], Resource: args.products.arn },
          { Sid: "ReadStock", Action: ["dynamodb:Scan", "dynamodb:GetItem"], Resource: args.inventory.arn },
        ],
      },
      { parent: this },
    );

    const integration = lambdaProxy(this.function, c.region);
    this.routes = Object.values(catalogRoutes).map((route) =>
      contractRoute(route, { integration, invokes: this.function, cacheTtlSeconds: c.apiCacheSeconds }),
    );

    this.monitoring = { functions: [this.function] };
    this.registerOutputs({ functionName: this.function.name });
  }
}
