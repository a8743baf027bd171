// The order path: priced, idempotent orders on DynamoDB behind the Api's Cognito authorizer,
// indexed into OpenSearch through the orders table's stream (never a second write in the API:
// the stream gives retries, per-key order and a dead-letter path).
//
//   API Gateway ─► OrderProcessing (VPC) ─► orders / products / idempotency tables (gateway endpoint)
//   API Gateway ─► OrderSearch (VPC) ─► OpenSearch `orders` (GET /orders/search, read-only FGAC role)
//   orders stream ─► SearchIndexer (VPC) ─► OpenSearch `_bulk` (orders_indexer FGAC role)
//                                        └─► dead-letter queue (SQS interface endpoint)
//   deploy time: SearchAccess (VPC, the domain's IAM master) maps the roles in FGAC.
//   Recommendations (child, VPC) ─► OpenSearch `orders` aggregations (orders_reader FGAC role)
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { orderRoutes } from "../handlers/orders/contract";
import { orderSearchRoutes } from "../handlers/orders-search/contract";
import { indexerRoleName, readerRoleName } from "../handlers/search-access/security";
import { routePaths } from "../handlers/shared/http";
import { ordersIndex, ordersIndexTemplateName } from "../handlers/shared/order-index";
import { ordersByCustomerIndex } from "../handlers/shared/tables";
import { type ApiRoute, bodyModel, contractRoute, lambdaProxy } from "./api";
import type { RouteContracts } from "../handlers/shared/http";
import type { PlatformConfig } from "./config";
import {
  createOrderProcessing,
  createOrderSearch,
  createSearchIndexer,
  orderTableStatements,
} from "./orders-functions";
import { OrdersNetwork } from "./orders-network";
import { createSearchAccessFunction, runSearchAccess } from "./orders-search-access";
import { SearchDomain } from "./orders-search-domain";
import { OrderTables } from "./orders-tables";
import {
  personalizeArns,
  Recommendations,
  type RecommendationsConfig,
  recommendationsSearchRequests,
  recommendationsTableStatements,
} from "./recommendations";
import { DeadLetterQueue } from "./lib/dead-letter-queue";
import type { BundledFunction } from "./lib/function";
import type { SearchRequests } from "./lib/iam";
import type { MonitoringTargets } from "./lib/monitoring-targets";
import { StreamConsumer } from "./lib/stream-consumer";

export type OrdersConfig = Pick<
  PlatformConfig,
  | "project"
  | "stack"
  | "region"
  | "protectData"
  | "logRetentionDays"
  | "vpcCidr"
  | "searchInstanceType"
  | "searchInstanceCount"
  | "searchZoneCount"
  | "searchDedicatedMasterType"
  | "searchVolumeGb"
  | "orderMemoryMb"
  | "orderTimeoutSeconds"
  | "idempotencyTtlSeconds"
  | "indexerBatchSize"
  | "indexerBatchWindowSeconds"
  | "streamMaxRetryAttempts"
  | "streamMaxRecordAgeSeconds"
> &
  RecommendationsConfig;

export interface OrdersArgs {
  config: OrdersConfig;
  /** The storefront origin: the order Lambda answers with it in Access-Control-Allow-Origin. */
  allowedOrigin: pulumi.Input<string>;
}

export {
  indexerHandlerEntry,
  indexerMemoryMb,
  indexerTimeoutSeconds,
  orderHandlerEntry,
  orderSearchHandlerEntry,
} from "./orders-functions";
export { searchAccessHandlerEntry } from "./orders-search-access";

/**
 * What each function sends to the search domain (method → exact paths), as the handler tests
 * record it on the wire: the identity policies and the domain's access policy grant exactly this.
 */
export const searchRequests: Record<"orderSearch" | "indexer" | "searchAccess" | "recommendations", SearchRequests> = {
  // OrderSearch (GET /orders/search): one POST with the query in the body.
  orderSearch: { POST: [`/${ordersIndex}/_search`] },
  // IndexBootstrap reads the template (GET), creates or upgrades it (POST, with and without
  // ?create=true), checks (HEAD) and creates (PUT) the index, adds new fields to its mapping
  // (POST); the bulk sender writes with PUT /orders/_bulk (the client's method for _bulk).
  indexer: {
    GET: [`/_index_template/${ordersIndexTemplateName}`],
    HEAD: [`/${ordersIndex}`],
    POST: [`/_index_template/${ordersIndexTemplateName}`, `/${ordersIndex}/_mapping`],
    PUT: [`/${ordersIndex}`, `/${ordersIndex}/_bulk`],
  },
  // Recommendations: terms aggregations in one POST (size 0).
  recommendations: recommendationsSearchRequests,
  // Replaces the two FGAC roles and their mappings, nothing else of the security configuration.
  searchAccess: {
    PUT: [indexerRoleName, readerRoleName].flatMap((role) => [
      `/_plugins/_security/api/roles/${role}`,
      `/_plugins/_security/api/rolesmapping/${role}`,
    ]),
  },
};

/** The body model of POST /orders, from the shared zod contract (API Gateway checks it first). */
export const createOrderBodySchema = bodyModel(orderRoutes.createOrder.body).schema;

/** The body model of PATCH /orders/{orderId}. */
export const updateOrderStatusBodySchema = bodyModel(orderRoutes.updateOrderStatus.body).schema;

/**
 * A contract's routes, all behind the Cognito authorizer, and an ANY method on each of their
 * paths: any other method reaches the handler, which answers 405 with an Allow header.
 */
export function signedInApiRoutes(routes: RouteContracts, fn: BundledFunction, region: string): ApiRoute[] {
  const integration = lambdaProxy(fn, region);
  return [
    ...Object.values(routes).map((route) => contractRoute(route, { integration, invokes: fn })),
    ...routePaths(routes).map(
      (path): ApiRoute => ({ path, method: "ANY", authorization: "cognito", integration, invokes: fn }),
    ),
  ];
}

/** The /orders routes: OrderProcessing's, and GET /orders/search to OrderSearch. */
export function orderApiRoutes(api: BundledFunction, orderSearch: BundledFunction, region: string): ApiRoute[] {
  return [...signedInApiRoutes(orderRoutes, api, region), ...signedInApiRoutes(orderSearchRoutes, orderSearch, region)];
}

export class Orders extends pulumi.ComponentResource {
  public readonly tables: OrderTables;
  public readonly network: OrdersNetwork;
  public readonly search: SearchDomain;
  public readonly deadLetterQueue: DeadLetterQueue;
  public readonly functions: {
    api: BundledFunction;
    orderSearch: BundledFunction;
    indexer: BundledFunction;
    searchAccess: BundledFunction;
  };
  public readonly streamConsumer: StreamConsumer;
  /** The deploy-time run of SearchAccess that maps the Lambda roles in fine-grained access control. */
  public readonly searchAccess: aws.lambda.Invocation;
  /** Reads the orders index, so it lives here: admitted to the domain and mapped with the API. */
  public readonly recommendations: Recommendations;
  /** Routes for the Api (all behind the Cognito authorizer). */
  public readonly routes: ApiRoute[];
  /** https://<domain VPC endpoint> */
  public readonly searchEndpoint: pulumi.Output<string>;
  public readonly monitoring: MonitoringTargets;

  constructor(name: string, args: OrdersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:orders:Orders", name, {}, opts);
    const c = args.config;

    this.tables = new OrderTables(`${name}-tables`, { config: c }, { parent: this });
    const { orders, products, inventory, idempotency } = this.tables;
    this.deadLetterQueue = new DeadLetterQueue(
      `${name}-indexer-dlq`,
      { purpose: "search-indexer-failures" },
      { parent: this },
    );

    // The recommendations function's reads pass the same gateway endpoint.
    const tableActions = [
      ...new Set(
        [...orderTableStatements(this.tables), ...recommendationsTableStatements(products, inventory)].flatMap(
          (s) => s.Action,
        ),
      ),
    ].sort();
    this.network = new OrdersNetwork(
      `${name}-network`,
      {
        config: c,
        dynamoDbAccess: {
          actions: tableActions,
          resources: [
            orders.arn,
            pulumi.interpolate`${orders.arn}/index/${ordersByCustomerIndex}`,
            products.arn,
            inventory.arn,
            idempotency.arn,
          ],
        },
        sqsAccess: { actions: ["sqs:SendMessage"], resources: [this.deadLetterQueue.arn] },
        personalizeRuntimeAccess: personalizeArns(c).length
          ? { actions: ["personalize:GetRecommendations"], resources: personalizeArns(c) }
          : undefined,
      },
      { parent: this },
    );
    const vpc = { subnetIds: this.network.privateSubnetIds, securityGroupIds: [this.network.lambdaSecurityGroup.id] };

    // The domain's master user: its role exists before the domain.
    const searchAccess = createSearchAccessFunction(
      `${name}-search-access`,
      { logRetentionDays: c.logRetentionDays, vpc },
      this,
    );
    this.search = new SearchDomain(
      `${name}-search`,
      {
        config: c,
        subnetIds: this.network.privateSubnetIds,
        securityGroupId: this.network.searchSecurityGroup.id,
        masterRoleArn: searchAccess.role.arn,
      },
      { parent: this },
    );
    const domainArn = this.search.arn;
    this.searchEndpoint = this.search.endpoint;
    const search = { searchEndpoint: this.searchEndpoint, domainArn };

    const api = createOrderProcessing(
      `${name}-api`,
      { config: c, tables: this.tables, allowedOrigin: args.allowedOrigin, vpc },
      this,
    );
    const orderSearch = createOrderSearch(
      `${name}-search-api`,
      { config: c, ...search, searchRequests: searchRequests.orderSearch, allowedOrigin: args.allowedOrigin, vpc },
      this,
    );
    const indexer = createSearchIndexer(
      `${name}-indexer`,
      {
        logRetentionDays: c.logRetentionDays,
        ...search,
        searchRequests: searchRequests.indexer,
        deadLetterQueue: this.deadLetterQueue,
        vpc,
      },
      this,
    );
    this.functions = { api, orderSearch, indexer, searchAccess };

    this.recommendations = new Recommendations(
      `${name}-recommendations`,
      {
        config: c,
        products,
        inventory,
        search: { endpoint: this.searchEndpoint, domainArn },
        vpc,
        allowedOrigin: args.allowedOrigin,
      },
      { parent: this },
    );
    const recommendationsRole = this.recommendations.function.role.arn;

    const accessPolicy = this.search.admit(`${name}-search-resource-policy`, [
      { sid: "OrderSearch", roleArn: orderSearch.role.arn, requests: searchRequests.orderSearch },
      { sid: "SearchIndexer", roleArn: indexer.role.arn, requests: searchRequests.indexer },
      { sid: "SearchAccess", roleArn: searchAccess.role.arn, requests: searchRequests.searchAccess },
      { sid: "Recommendations", roleArn: recommendationsRole, requests: searchRequests.recommendations },
    ]);
    // It needs the whole network in place: the security group rules that let it reach the
    // domain are separate resources nothing else here waits for.
    this.searchAccess = runSearchAccess(
      `${name}-search-access`,
      {
        function: searchAccess,
        domainArn,
        endpoint: this.searchEndpoint,
        requests: searchRequests.searchAccess,
        indexerRoleArns: [indexer.role.arn],
        readerRoleArns: [orderSearch.role.arn, recommendationsRole],
        dependsOn: [accessPolicy, this.network],
      },
      this,
    );

    this.streamConsumer = new StreamConsumer(
      `${name}-indexer-stream`,
      {
        function: indexer,
        source: { kind: "dynamodb", streamArn: orders.streamArn },
        deadLetterQueue: this.deadLetterQueue,
        batchSize: c.indexerBatchSize,
        batchWindowSeconds: c.indexerBatchWindowSeconds,
        maxRetryAttempts: c.streamMaxRetryAttempts,
        maxRecordAgeSeconds: c.streamMaxRecordAgeSeconds,
        // Under fine-grained access control the indexer is refused until its role is mapped.
        startAfter: [this.searchAccess],
      },
      { parent: this },
    );

    this.routes = orderApiRoutes(api, orderSearch, c.region);
    this.monitoring = {
      // The recommendations function is a child: its alarms come with the order path's.
      functions: [api, orderSearch, searchAccess, ...this.recommendations.monitoring.functions!],
      streamConsumers: [indexer],
      deadLetterQueues: [this.deadLetterQueue],
      tables: [orders, products, inventory, idempotency],
      searchDomains: [this.search.domain],
    };
    this.registerOutputs({
      ordersTable: orders.name,
      productsTable: products.name,
      inventoryTable: inventory.name,
      idempotencyTable: idempotency.name,
      searchEndpoint: this.searchEndpoint,
      vpcId: this.network.vpcId,
      apiFunction: api.name,
      orderSearchFunction: orderSearch.name,
      indexerFunction: indexer.name,
    });
  }
}
