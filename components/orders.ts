// The order path: priced, idempotent orders on DynamoDB behind the Api's Cognito authorizer,
// indexed into OpenSearch through the orders table's stream (never a second write in the API:
// the stream gives retries, per-key order and a dead-letter path).
//
//   API Gateway ─► OrderProcessing (VPC) ─► orders / products / idempotency tables (gateway endpoint)
//                                        └─► OpenSearch `orders` (search, read-only FGAC role)
//   orders stream ─► SearchIndexer (VPC) ─► OpenSearch `_bulk` (orders_indexer FGAC role)
//                                        └─► dead-letter queue (SQS interface endpoint)
//   deploy time: SearchAccess (VPC, the domain's IAM master) maps the two roles in FGAC.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { indexerRoleName, readerRoleName } from "../handlers/search-access/security";
import { createOrderRequestSchema, updateOrderStatusRequestSchema } from "../handlers/shared/order";
import { ordersIndex, ordersIndexTemplateName } from "../handlers/shared/order-index";
import { ordersByCustomerIndex } from "../handlers/shared/tables";
import { ApiRoute, lambdaProxy } from "./api";
import { PlatformConfig } from "./config";
import { OrdersNetwork } from "./orders-network";
import { SearchDomain } from "./orders-search-domain";
import { OrderTables } from "./orders-tables";
import { DeadLetterQueue } from "./lib/dead-letter-queue";
import { BundledFunction } from "./lib/function";
import { policyDocument, PolicyStatement, searchHttpStatements, SearchRequests } from "./lib/iam";
import { MonitoringTargets } from "./lib/monitoring-targets";
import { StreamConsumer } from "./lib/stream-consumer";

export type OrdersConfig = Pick<PlatformConfig,
  "region" | "protectData" | "logRetentionDays" | "vpcCidr" | "searchInstanceType" | "searchInstanceCount" |
  "searchZoneCount" | "searchDedicatedMasterType" | "searchVolumeGb" | "orderMemoryMb" | "orderTimeoutSeconds" |
  "idempotencyTtlSeconds" | "indexerBatchSize" | "indexerBatchWindowSeconds" | "streamMaxRetryAttempts" | "streamMaxRecordAgeSeconds">;

export interface OrdersArgs {
  config: OrdersConfig;
  /** The storefront origin: the order Lambda answers with it in Access-Control-Allow-Origin. */
  allowedOrigin: pulumi.Input<string>;
}

export const orderHandlerEntry = "handlers/orders/index.ts";
export const indexerHandlerEntry = "handlers/search-indexer/index.ts";
export const searchAccessHandlerEntry = "handlers/search-access/index.ts";
// The indexer has no config keys of its own: a 500-record _bulk with per-item retries fits in 60 s.
export const indexerMemoryMb = 512;
export const indexerTimeoutSeconds = 60;

/**
 * What each function sends to the search domain (method → exact paths), as the handler tests
 * record it on the wire: the identity policies and the domain's access policy grant exactly this.
 */
export const searchRequests: Record<"api" | "indexer" | "searchAccess", SearchRequests> = {
  // The search route: one POST with the query in the body.
  api: { POST: [`/${ordersIndex}/_search`] },
  // IndexBootstrap reads the template (GET), creates or upgrades it (POST, with and without
  // ?create=true), checks (HEAD) and creates (PUT) the index, adds new fields to its mapping
  // (POST); the bulk sender writes with PUT /orders/_bulk (the client's method for _bulk).
  indexer: {
    GET: [`/_index_template/${ordersIndexTemplateName}`],
    HEAD: [`/${ordersIndex}`],
    POST: [`/_index_template/${ordersIndexTemplateName}`, `/${ordersIndex}/_mapping`],
    PUT: [`/${ordersIndex}`, `/${ordersIndex}/_bulk`],
  },
  // Replaces the two FGAC roles and their mappings, nothing else of the security configuration.
  searchAccess: {
    PUT: [indexerRoleName, readerRoleName].flatMap((role) => [`/_plugins/_security/api/roles/${role}`, `/_plugins/_security/api/rolesmapping/${role}`]),
  },
};

/** The body model of POST /orders, from the shared zod contract (API Gateway checks it first). */
export const createOrderBodySchema = { title: "CreateOrderRequest", ...z.toJSONSchema(createOrderRequestSchema, { target: "draft-4" }) } as Record<string, unknown>;

/** The body model of PATCH /orders/{orderId}. */
export const updateOrderStatusBodySchema = { title: "UpdateOrderStatusRequest", ...z.toJSONSchema(updateOrderStatusRequestSchema, { target: "draft-4" }) } as Record<string, unknown>;

export class Orders extends pulumi.ComponentResource {
  public readonly tables: OrderTables;
  public readonly network: OrdersNetwork;
  public readonly search: SearchDomain;
  public readonly deadLetterQueue: DeadLetterQueue;
  public readonly functions: { api: BundledFunction; indexer: BundledFunction; searchAccess: BundledFunction };
  public readonly streamConsumer: StreamConsumer;
  /** The deploy-time run of SearchAccess that maps the Lambda roles in fine-grained access control. */
  public readonly searchAccess: aws.lambda.Invocation;
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
    const byCustomerArn = pulumi.interpolate`${orders.arn}/index/${ordersByCustomerIndex}`;
    this.deadLetterQueue = new DeadLetterQueue(`${name}-indexer-dlq`, { purpose: "search-indexer-failures" }, { parent: this });

    // Exactly what the order handler calls: on orders, the conditional Put (create) and Update
    // (status change) inside TransactWriteItems, which IAM authorises per action, and GetItem;
    // Query on the customer index; BatchGetItem/GetItem on the catalog; UpdateItem on the
    // inventory (stock taken and given back in the same transactions); idempotency records.
    const tableStatements: PolicyStatement[] = [
      { Sid: "CreateReadAndUpdateOrders", Action: ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem"], Resource: orders.arn },
      { Sid: "ListCustomerOrders", Action: "dynamodb:Query", Resource: byCustomerArn },
      { Sid: "PriceFromCatalog", Action: "dynamodb:BatchGetItem", Resource: products.arn },
      { Sid: "ReserveAndReturnStock", Action: "dynamodb:UpdateItem", Resource: inventory.arn },
      { Sid: "IdempotencyRecords", Action: ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], Resource: idempotency.arn },
    ];
    const tableActions = [...new Set(tableStatements.flatMap((s) => s.Action))].sort();

    this.network = new OrdersNetwork(`${name}-network`, {
      config: c,
      dynamoDbAccess: { actions: tableActions, resources: [orders.arn, byCustomerArn, products.arn, inventory.arn, idempotency.arn] },
      sqsAccess: { actions: ["sqs:SendMessage"], resources: [this.deadLetterQueue.arn] },
    }, { parent: this });
    const vpc = { subnetIds: this.network.privateSubnetIds, securityGroupIds: [this.network.lambdaSecurityGroup.id] };

    // The domain's master user. Its role exists before the domain; its permission to call the
    // domain is added once the domain's ARN is known (below).
    const searchAccess = new BundledFunction(`${name}-search-access`, {
      entry: searchAccessHandlerEntry,
      description: "Deploy time: creates the orders_indexer / orders_reader FGAC roles and maps the Lambda roles to them",
      memoryMb: 256,
      timeoutSeconds: 60,
      logRetentionDays: c.logRetentionDays,
      environment: { POWERTOOLS_SERVICE_NAME: "search-access" },
      vpc,
    }, { parent: this });

    this.search = new SearchDomain(`${name}-search`, {
      config: c,
      subnetIds: this.network.privateSubnetIds,
      securityGroupId: this.network.searchSecurityGroup.id,
      masterRoleArn: searchAccess.role.arn,
    }, { parent: this });
    const domainArn = this.search.arn;
    this.searchEndpoint = this.search.endpoint;

    const securityApiPermission = new aws.iam.RolePolicy(`${name}-search-access-security-api`, {
      role: searchAccess.role.id,
      policy: policyDocument(searchHttpStatements("WriteSearchSecurityConfig", domainArn, searchRequests.searchAccess)),
    }, { parent: this });

    const api = new BundledFunction(`${name}-api`, {
      entry: orderHandlerEntry,
      description: "Orders API: create (idempotent, priced from the catalog, stock reserved), get, list mine, search, status change (admin)",
      memoryMb: c.orderMemoryMb,
      timeoutSeconds: c.orderTimeoutSeconds,
      logRetentionDays: c.logRetentionDays,
      environment: {
        ORDERS_TABLE: orders.name,
        PRODUCTS_TABLE: products.name,
        INVENTORY_TABLE: inventory.name,
        IDEMPOTENCY_TABLE: idempotency.name,
        OPENSEARCH_ENDPOINT: this.searchEndpoint,
        ALLOWED_ORIGIN: args.allowedOrigin,
        IDEMPOTENCY_TTL_SECONDS: String(c.idempotencyTtlSeconds),
        POWERTOOLS_SERVICE_NAME: "orders-api",
        POWERTOOLS_METRICS_NAMESPACE: "Ecommerce/Orders",
      },
      policyStatements: [...tableStatements, ...searchHttpStatements("SearchOrders", domainArn, searchRequests.api)],
      vpc,
    }, { parent: this });

    const indexer = new BundledFunction(`${name}-indexer`, {
      entry: indexerHandlerEntry,
      description: "Orders table stream to the OpenSearch orders index (_bulk, external versions)",
      memoryMb: indexerMemoryMb,
      timeoutSeconds: indexerTimeoutSeconds,
      logRetentionDays: c.logRetentionDays,
      environment: {
        OPENSEARCH_ENDPOINT: this.searchEndpoint,
        DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.url,
        POWERTOOLS_SERVICE_NAME: "search-indexer",
        POWERTOOLS_METRICS_NAMESPACE: "Ecommerce/Search",
      },
      policyStatements: [
        ...searchHttpStatements("IndexOrders", domainArn, searchRequests.indexer),
        // Documents the mapping refuses are sent here by the handler itself.
        { Sid: "DeadLetterUnindexable", Action: "sqs:SendMessage", Resource: this.deadLetterQueue.arn },
      ],
      vpc,
    }, { parent: this });
    this.functions = { api, indexer, searchAccess };

    const accessPolicy = this.search.admit(`${name}-search-resource-policy`, [
      { sid: "OrdersApi", roleArn: api.role.arn, requests: searchRequests.api },
      { sid: "SearchIndexer", roleArn: indexer.role.arn, requests: searchRequests.indexer },
      { sid: "SearchAccess", roleArn: searchAccess.role.arn, requests: searchRequests.searchAccess },
    ]);

    // Re-run whenever the roles or the role definitions (the handler's code) change. It needs
    // the whole network in place: the security group rules that let it reach the domain are
    // separate resources nothing else here waits for.
    this.searchAccess = new aws.lambda.Invocation(`${name}-search-access-run`, {
      functionName: searchAccess.name,
      input: pulumi.jsonStringify({ endpoint: this.searchEndpoint, indexerRoleArns: [indexer.role.arn], readerRoleArns: [api.role.arn] }),
      triggers: { code: searchAccess.codeHash },
    }, { parent: this, dependsOn: [accessPolicy, securityApiPermission, searchAccess, this.network] });

    this.streamConsumer = new StreamConsumer(`${name}-indexer-stream`, {
      function: indexer,
      source: { kind: "dynamodb", streamArn: orders.streamArn },
      deadLetterQueue: this.deadLetterQueue,
      batchSize: c.indexerBatchSize,
      batchWindowSeconds: c.indexerBatchWindowSeconds,
      maxRetryAttempts: c.streamMaxRetryAttempts,
      maxRecordAgeSeconds: c.streamMaxRecordAgeSeconds,
      // Under fine-grained access control the indexer is refused until its role is mapped.
      startAfter: [this.searchAccess],
    }, { parent: this });

    const integration = lambdaProxy(api, c.region);
    const route = (method: ApiRoute["method"], path: string, extra: Partial<ApiRoute> = {}): ApiRoute =>
      ({ path, method, authorization: "cognito", integration, invokes: api, ...extra });
    this.routes = [
      route("POST", "/orders", { bodySchema: { name: "CreateOrderRequest", schema: createOrderBodySchema }, requiredHeaders: ["Idempotency-Key"] }),
      route("GET", "/orders", { optionalQuery: ["limit", "cursor"] }),
      route("GET", "/orders/{orderId}"),
      // The admin group only; the handler refuses anyone else with a 403.
      route("PATCH", "/orders/{orderId}", { bodySchema: { name: "UpdateOrderStatusRequest", schema: updateOrderStatusBodySchema } }),
      route("GET", "/orders/search", { optionalQuery: ["q", "status", "from", "to", "limit"] }),
      // Any other method reaches the handler, which answers 405 with an Allow header.
      route("ANY", "/orders"),
      route("ANY", "/orders/{orderId}"),
      route("ANY", "/orders/search"),
    ];

    this.monitoring = {
      functions: [api, searchAccess],
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
      indexerFunction: indexer.name,
    });
  }
}
