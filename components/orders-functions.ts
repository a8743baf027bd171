// The Lambdas of the order path, each built from its handler's contract: OrderProcessing (the
// /orders routes but search), OrderSearch (GET /orders/search, the only one of the API's that
// reads OpenSearch) and the SearchIndexer (the orders stream → OpenSearch). All run in the VPC,
// children of the Orders component.
import * as pulumi from "@pulumi/pulumi";
import { ordersContract } from "../handlers/orders/contract";
import { orderSearchContract } from "../handlers/orders-search/contract";
import { searchIndexerContract } from "../handlers/search-indexer/contract";
import { ordersByCustomerIndex } from "../handlers/shared/tables";
import type { OrdersConfig } from "./orders";
import type { OrderTables } from "./orders-tables";
import type { DeadLetterQueue } from "./lib/dead-letter-queue";
import { environmentFor } from "./lib/environment";
import { BundledFunction } from "./lib/function";
import { type PolicyStatement, searchHttpStatements, type SearchRequests } from "./lib/iam";

export const orderHandlerEntry = "handlers/orders/index.ts";
export const orderSearchHandlerEntry = "handlers/orders-search/index.ts";
export const indexerHandlerEntry = "handlers/search-indexer/index.ts";
// The indexer has no config keys of its own: a 500-record _bulk with per-item retries fits in 60 s.
export const indexerMemoryMb = 512;
export const indexerTimeoutSeconds = 60;

type Vpc = { subnetIds: pulumi.Input<pulumi.Input<string>[]>; securityGroupIds: pulumi.Input<pulumi.Input<string>[]> };

/**
 * Exactly what the order handler calls: on orders, the conditional Put (create) and Update
 * (status change) inside TransactWriteItems, which IAM authorises per action, and GetItem;
 * Query on the customer index; BatchGetItem on the catalog and ConditionCheckItem (each
 * line's price asserted in the order's transaction); UpdateItem on the inventory (stock
 * taken and given back in the same transactions); idempotency records: Put in the order's
 * transaction (or alone, restoring a lost one), GetItem on a replay whose products are gone.
 */
export function orderTableStatements(tables: OrderTables): PolicyStatement[] {
  const { orders, products, inventory, idempotency } = tables;
  return [
    {
      Sid: "CreateReadAndUpdateOrders",
      Action: ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem"],
      Resource: orders.arn,
    },
    {
      Sid: "ListCustomerOrders",
      Action: "dynamodb:Query",
      Resource: pulumi.interpolate`${orders.arn}/index/${ordersByCustomerIndex}`,
    },
    {
      Sid: "PriceFromCatalog",
      Action: ["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem"],
      Resource: products.arn,
    },
    { Sid: "ReserveAndReturnStock", Action: "dynamodb:UpdateItem", Resource: inventory.arn },
    { Sid: "IdempotencyRecords", Action: ["dynamodb:PutItem", "dynamodb:GetItem"], Resource: idempotency.arn },
  ];
}

export interface OrderProcessingArgs {
  config: Pick<OrdersConfig, "orderMemoryMb" | "orderTimeoutSeconds" | "logRetentionDays" | "idempotencyTtlSeconds">;
  tables: OrderTables;
  allowedOrigin: pulumi.Input<string>;
  vpc: Vpc;
}

export function createOrderProcessing(
  name: string,
  args: OrderProcessingArgs,
  parent: pulumi.Resource,
): BundledFunction {
  const c = args.config;
  const { orders, products, inventory, idempotency } = args.tables;
  return new BundledFunction(
    name,
    {
      entry: orderHandlerEntry,
      description:
        "Orders API: create (idempotent, priced from the catalog, stock reserved), get, list mine, status change (admin)",
      memoryMb: c.orderMemoryMb,
      timeoutSeconds: c.orderTimeoutSeconds,
      logRetentionDays: c.logRetentionDays,
      environment: environmentFor(ordersContract, {
        ORDERS_TABLE: orders.name,
        PRODUCTS_TABLE: products.name,
        INVENTORY_TABLE: inventory.name,
        IDEMPOTENCY_TABLE: idempotency.name,
        ALLOWED_ORIGIN: args.allowedOrigin,
        IDEMPOTENCY_TTL_SECONDS: String(c.idempotencyTtlSeconds),
      }),
      // No OpenSearch grant: the search route is OrderSearch's.
      policyStatements: orderTableStatements(args.tables),
      vpc: args.vpc,
    },
    { parent },
  );
}

export interface OrderSearchArgs {
  /** The route ran in OrderProcessing until it had a function of its own: the same memory and timeout. */
  config: Pick<OrdersConfig, "orderMemoryMb" | "orderTimeoutSeconds" | "logRetentionDays">;
  searchEndpoint: pulumi.Input<string>;
  domainArn: pulumi.Input<string>;
  searchRequests: SearchRequests;
  allowedOrigin: pulumi.Input<string>;
  vpc: Vpc;
}

export function createOrderSearch(name: string, args: OrderSearchArgs, parent: pulumi.Resource): BundledFunction {
  const c = args.config;
  return new BundledFunction(
    name,
    {
      entry: orderSearchHandlerEntry,
      description:
        "Orders search API: a customer's own orders, every order for the admin group (OpenSearch, read-only)",
      memoryMb: c.orderMemoryMb,
      timeoutSeconds: c.orderTimeoutSeconds,
      logRetentionDays: c.logRetentionDays,
      environment: environmentFor(orderSearchContract, {
        OPENSEARCH_ENDPOINT: args.searchEndpoint,
        ALLOWED_ORIGIN: args.allowedOrigin,
      }),
      policyStatements: searchHttpStatements("SearchOrders", args.domainArn, args.searchRequests),
      vpc: args.vpc,
    },
    { parent },
  );
}

export interface SearchIndexerArgs {
  logRetentionDays: number;
  searchEndpoint: pulumi.Input<string>;
  domainArn: pulumi.Input<string>;
  searchRequests: SearchRequests;
  deadLetterQueue: DeadLetterQueue;
  vpc: Vpc;
}

export function createSearchIndexer(name: string, args: SearchIndexerArgs, parent: pulumi.Resource): BundledFunction {
  return new BundledFunction(
    name,
    {
      entry: indexerHandlerEntry,
      description: "Orders table stream to the OpenSearch orders index (_bulk, external versions)",
      memoryMb: indexerMemoryMb,
      timeoutSeconds: indexerTimeoutSeconds,
      logRetentionDays: args.logRetentionDays,
      environment: environmentFor(searchIndexerContract, {
        OPENSEARCH_ENDPOINT: args.searchEndpoint,
        DEAD_LETTER_QUEUE_URL: args.deadLetterQueue.url,
      }),
      policyStatements: [
        ...searchHttpStatements("IndexOrders", args.domainArn, args.searchRequests),
        // Documents the mapping refuses are sent here by the handler itself.
        { Sid: "DeadLetterUnindexable", Action: "sqs:SendMessage", Resource: args.deadLetterQueue.arn },
      ],
      vpc: args.vpc,
    },
    { parent },
  );
}
