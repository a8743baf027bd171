// The Orders component under Pulumi mocks, for the dev and prod stacks: what each child is given.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Api } from "../../components/api";
import { bundleHandler, repoRoot } from "../../components/lib/bundle";
import { Orders, searchAccessHandlerEntry } from "../../components/orders";
import { searchLogTypes } from "../../components/orders-search-domain";
import { maxLinesPerOrder, maxQuantityPerLine } from "../../handlers/shared/order";
import {
  idempotencyTableKeys,
  inventoryTableKeys,
  ordersTableKeys,
  productsTableKeys,
  pulumiTableKeyArgs,
} from "../../handlers/shared/tables";
import { readEnvironment } from "../../handlers/lib/environment";
import * as z from "../../handlers/lib/zod";
import { ordersContract } from "../../handlers/orders/contract";
import { orderSearchContract } from "../../handlers/orders-search/contract";
import { searchAccessContract } from "../../handlers/search-access/contract";
import { searchIndexerContract } from "../../handlers/search-indexer/contract";
import { accountId, type RecordingMocks, testRegion } from "../../testing/mocks";
import { runComponents } from "../../testing/program";

const origin = "https://shop.example.com";
const userPoolArn = `arn:aws:cognito-idp:${testRegion}:${accountId}:userpool/${testRegion}_abc`;
const catalog: { sku: string; priceCents: number; stock: number }[] = JSON.parse(
  fs.readFileSync(path.join(repoRoot, "catalog/products.json"), "utf8"),
);

const T = {
  table: "aws:dynamodb/table:Table",
  item: "aws:dynamodb/tableItem:TableItem",
  vpc: "awsx:ec2:Vpc",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  group: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  domain: "aws:opensearch/domain:Domain",
  domainPolicy: "aws:opensearch/domainPolicy:DomainPolicy",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  logPolicy: "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
  fn: "aws:lambda/function:Function",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  queue: "aws:sqs/queue:Queue",
  mapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  invocation: "aws:lambda/invocation:Invocation",
  restApi: "aws:apigateway/restApi:RestApi",
  permission: "aws:lambda/permission:Permission",
};

interface Run {
  mocks: RecordingMocks;
  orders: Orders;
}

/** Orders and the Api that serves its routes, as index.ts composes them. */
async function run(stack: "dev" | "prod", preview = false): Promise<Run> {
  let orders!: Orders;
  const mocks = await runComponents(
    stack,
    (config) => {
      orders = new Orders("orders", { config, allowedOrigin: origin });
      new Api("api", { config, userPoolArn, allowedOrigin: origin, routes: orders.routes });
    },
    { preview },
  );
  return { mocks, orders };
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const doc = (json: string) =>
  JSON.parse(json) as {
    Statement: {
      Sid?: string;
      Effect: string;
      Principal?: any;
      Action: string | string[];
      Resource?: string | string[];
      Condition?: any;
    }[];
  };
/** action → sorted resources, over every Allow statement of the given policies. */
function grants(...policies: string[]): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const statement of policies.flatMap((p) => doc(p).Statement).filter((s) => s.Effect === "Allow")) {
    for (const action of list(statement.Action))
      result[action] = [...(result[action] ?? []), ...list(statement.Resource)].sort();
  }
  return result;
}
const resolve = <V>(o: pulumi.Input<V>) => new Promise<V>((done) => pulumi.output(o).apply((v) => done(v as V)));

describe("Orders component", () => {
  for (const stack of ["dev", "prod"] as const) {
    describe(`Orders (${stack})`, () => {
      const prod = stack === "prod";
      let mocks: RecordingMocks;
      let orders: Orders;
      const state = (type: string, name: string) => mocks.named(type, name).state;
      const inputs = (type: string, name: string) => mocks.named(type, name).inputs;
      const arnOf = (type: string, name: string) => state(type, name).arn as string;
      const idOf = (type: string, name: string) => mocks.named(type, name).id;
      const lifecycleOf = (type: string, name: string) => {
        const { protect, retainOnDelete } = mocks.named(type, name);
        return { protect, retainOnDelete };
      };
      const domainArn = () => arnOf(T.domain, "orders-search");
      const table = (name: string) => inputs(T.table, `orders-tables-${name}`);
      const tableArn = (name: string) => arnOf(T.table, `orders-tables-${name}`);
      const roleArn = (fn: string) => arnOf(T.role, `orders-${fn}-role`);

      before(async () => ({ mocks, orders } = await run(stack)));

      describe("tables", () => {
        it("take their keys, index, stream and TTL from handlers/shared/tables.ts", () => {
          for (const [name, keys] of [
            ["orders", ordersTableKeys],
            ["products", productsTableKeys],
            ["inventory", inventoryTableKeys],
            ["idempotency", idempotencyTableKeys],
          ] as const) {
            const t = table(name);
            const expected = pulumiTableKeyArgs(keys);
            assert.equal(t.hashKey, expected.hashKey, name);
            assert.deepEqual(t.attributes, expected.attributes, name);
            assert.deepEqual(
              t.globalSecondaryIndexes ?? [],
              expected.globalSecondaryIndexes.map((i) =>
                Object.fromEntries(Object.entries(i).filter(([, v]) => v !== undefined)),
              ),
              name,
            );
          }
          const o = table("orders");
          assert.deepEqual(o.globalSecondaryIndexes, [
            { name: "byCustomer", hashKey: "customerId", rangeKey: "createdAt", projectionType: "ALL" },
          ]);
          assert.equal(o.streamEnabled, true);
          assert.equal(o.streamViewType, "NEW_AND_OLD_IMAGES");
          assert.deepEqual(table("idempotency").ttl, { attributeName: "expiration", enabled: true });
          assert.equal(table("idempotency").hashKey, "id");
        });

        it("are on-demand, encrypted with a KMS key and keep point-in-time recovery", () => {
          for (const name of ["orders", "products", "inventory", "idempotency"]) {
            assert.equal(table(name).billingMode, "PAY_PER_REQUEST", name);
            assert.deepEqual(table(name).serverSideEncryption, { enabled: true }, name);
            assert.deepEqual(table(name).pointInTimeRecovery, { enabled: true }, name);
          }
        });

        it(`have deletion protection ${prod ? "on" : "off"} (protectData)`, () => {
          for (const name of ["orders", "products", "inventory", "idempotency"])
            assert.equal(table(name).deletionProtectionEnabled, prod, name);
        });

        it(`are ${prod ? "" : "not "}protected and ${prod ? "" : "not "}retained on delete, like the search domain`, () => {
          for (const [type, name] of [
            [T.table, "orders-tables-orders"],
            [T.table, "orders-tables-products"],
            [T.table, "orders-tables-inventory"],
            [T.table, "orders-tables-idempotency"],
            [T.domain, "orders-search"],
          ]) {
            assert.deepEqual(lifecycleOf(type, name), { protect: prod, retainOnDelete: prod }, name);
          }
        });

        const itemsOf = (tableName: string) =>
          mocks.ofType(T.item).filter((i) => i.inputs.tableName === state(T.table, tableName).name);

        it("seed the products table with one item per catalog product: text, image and price in cents, no stock", () => {
          const items = itemsOf("orders-tables-products");
          assert.equal(items.length, catalog.length);
          for (const product of catalog) {
            const item = items.find((i) => JSON.parse(i.inputs.item).sku.S === product.sku);
            assert.ok(item, `no item for ${product.sku}`);
            assert.equal(item.inputs.hashKey, "sku");
            const attributes = JSON.parse(item.inputs.item);
            assert.deepEqual(attributes.priceCents, { N: String(product.priceCents) });
            assert.deepEqual(attributes.image, { S: `/images/${product.sku}.svg` });
            assert.deepEqual(Object.keys(attributes).sort(), [
              "category",
              "currency",
              "description",
              "image",
              "name",
              "priceCents",
              "sku",
            ]);
            // Rewritten by every deployment: a price change in the file reaches the table.
            assert.deepEqual(mocks.named(T.item, item.name).ignoreChanges, [], item.name);
          }
        });

        it("seed each product's stock once: the inventory item ignores later changes, so `pulumi up` never resets stock", () => {
          const items = itemsOf("orders-tables-inventory");
          assert.equal(items.length, catalog.length);
          for (const product of catalog) {
            const item = items.find((i) => JSON.parse(i.inputs.item).sku.S === product.sku)!;
            assert.deepEqual(JSON.parse(item.inputs.item), {
              sku: { S: product.sku },
              stock: { N: String(product.stock) },
            });
            assert.deepEqual(mocks.named(T.item, item.name).ignoreChanges, ["item"], item.name);
            assert.equal(
              mocks.named(T.item, item.name).retainOnDelete,
              prod,
              "stock survives a destroy where data is protected",
            );
          }
        });
      });

      describe("network", () => {
        it(`is an awsx VPC of private subnets in ${prod ? 3 : 2} AZs with no NAT gateway`, () => {
          const vpc = inputs(T.vpc, "orders-network-vpc");
          assert.equal(vpc.cidrBlock, "10.20.0.0/16");
          assert.deepEqual(vpc.natGateways, { strategy: "None" });
          assert.deepEqual(
            vpc.subnetSpecs.map((s: any) => s.type),
            ["Private"],
          );
          assert.equal(vpc.numberOfAvailabilityZones, prod ? 3 : 2);
          assert.equal(vpc.enableDnsHostnames, true);
          assert.equal(vpc.enableDnsSupport, true);
        });

        it("reaches DynamoDB through a gateway endpoint on the private route tables, only for this stack's tables", () => {
          const endpoint = inputs(T.endpoint, "orders-network-dynamodb");
          assert.equal(endpoint.serviceName, `com.amazonaws.${testRegion}.dynamodb`);
          assert.equal(endpoint.vpcEndpointType, "Gateway");
          assert.deepEqual(
            endpoint.routeTableIds,
            (prod ? ["a", "b", "c"] : ["a", "b"]).map((z) => `rtb-private-${z}`),
          );
          const [statement] = doc(endpoint.policy).Statement;
          assert.deepEqual(
            list(statement.Resource).sort(),
            [
              tableArn("orders"),
              `${tableArn("orders")}/index/byCustomer`,
              tableArn("products"),
              tableArn("inventory"),
              tableArn("idempotency"),
            ].sort(),
          );
          assert.deepEqual(statement.Condition, { StringEquals: { "aws:PrincipalAccount": accountId } });
          assert.ok(
            list(statement.Action).every((a) => /^dynamodb:[A-Z]\w+$/.test(a)),
            "exact DynamoDB actions, no wildcard",
          );
        });

        it("reaches SQS (the indexer's dead-letter sends) through an interface endpoint with private DNS", () => {
          const endpoint = inputs(T.endpoint, "orders-network-sqs");
          assert.equal(endpoint.serviceName, `com.amazonaws.${testRegion}.sqs`);
          assert.equal(endpoint.vpcEndpointType, "Interface");
          assert.equal(endpoint.privateDnsEnabled, true);
          assert.deepEqual(
            endpoint.subnetIds,
            (prod ? ["a", "b", "c"] : ["a", "b"]).map((z) => `subnet-private-${z}`),
          );
          assert.deepEqual(endpoint.securityGroupIds, [idOf(T.group, "orders-network-endpoints")]);
          const [statement] = doc(endpoint.policy).Statement;
          assert.deepEqual(statement.Action, ["sqs:SendMessage"]);
          assert.deepEqual(statement.Resource, [arnOf(T.queue, "orders-indexer-dlq")]);
          assert.equal(mocks.ofType(T.endpoint).length, 2, "no other endpoints");
        });

        it("security groups allow HTTPS only: Lambdas out to the domain, the endpoints and DynamoDB; nothing in but from the Lambdas", () => {
          const lambdaSg = idOf(T.group, "orders-network-lambdas");
          for (const group of mocks.ofType(T.group)) {
            assert.ok(!group.inputs.ingress?.length && !group.inputs.egress?.length, `${group.name} has inline rules`);
          }
          const rules = [...mocks.ofType(T.ingress), ...mocks.ofType(T.egress)];
          for (const rule of rules) {
            assert.deepEqual(
              [rule.inputs.ipProtocol, rule.inputs.fromPort, rule.inputs.toPort],
              ["tcp", 443, 443],
              rule.name,
            );
            assert.equal(rule.inputs.cidrIpv4, undefined, `${rule.name} opens a CIDR`);
            assert.equal(rule.inputs.cidrIpv6, undefined, `${rule.name} opens a CIDR`);
          }
          const ingress = mocks
            .ofType(T.ingress)
            .map((r) => [r.inputs.securityGroupId, r.inputs.referencedSecurityGroupId]);
          assert.deepEqual(
            ingress.sort(),
            [
              [idOf(T.group, "orders-network-endpoints"), lambdaSg],
              [idOf(T.group, "orders-network-search"), lambdaSg],
            ].sort(),
          );
          const egress = mocks.ofType(T.egress);
          assert.ok(
            egress.every((r) => r.inputs.securityGroupId === lambdaSg),
            "only the Lambda group has egress",
          );
          assert.deepEqual(
            egress.map((r) => r.inputs.referencedSecurityGroupId ?? r.inputs.prefixListId).sort(),
            [
              idOf(T.group, "orders-network-endpoints"),
              idOf(T.group, "orders-network-search"),
              state(T.endpoint, "orders-network-dynamodb").prefixListId,
            ].sort(),
          );
        });
      });

      describe("search domain", () => {
        const domain = () => inputs(T.domain, "orders-search");

        it("encrypts at rest and between nodes, takes HTTPS only with TLS 1.2+", () => {
          const d = domain();
          assert.match(d.engineVersion, /^OpenSearch_[23]\.\d+$/);
          assert.deepEqual(d.encryptAtRest, { enabled: true });
          assert.deepEqual(d.nodeToNodeEncryption, { enabled: true });
          assert.equal(d.domainEndpointOptions.enforceHttps, true);
          assert.match(d.domainEndpointOptions.tlsSecurityPolicy, /^Policy-Min-TLS-1-2-/);
        });

        it("uses fine-grained access control with the SearchAccess role as IAM master and no internal users", () => {
          assert.deepEqual(domain().advancedSecurityOptions, {
            enabled: true,
            anonymousAuthEnabled: false,
            internalUserDatabaseEnabled: false,
            masterUserOptions: { masterUserArn: roleArn("search-access") },
          });
        });

        it(`lives in ${prod ? "three private subnets (one per AZ)" : "one private subnet"} behind the search security group`, () => {
          assert.deepEqual(domain().vpcOptions, {
            subnetIds: (prod ? ["a", "b", "c"] : ["a"]).map((z) => `subnet-private-${z}`),
            securityGroupIds: [idOf(T.group, "orders-network-search")],
          });
        });

        it(
          prod
            ? "has three data nodes across three AZs and three dedicated masters"
            : "is one small node, no zone awareness, no dedicated masters",
          () => {
            const cluster = domain().clusterConfig;
            if (prod) {
              assert.deepEqual(cluster, {
                instanceType: "r6g.large.search",
                instanceCount: 3,
                zoneAwarenessEnabled: true,
                zoneAwarenessConfig: { availabilityZoneCount: 3 },
                dedicatedMasterEnabled: true,
                dedicatedMasterType: "m6g.large.search",
                dedicatedMasterCount: 3,
                multiAzWithStandbyEnabled: false,
              });
            } else {
              assert.deepEqual(cluster, {
                instanceType: "t3.small.search",
                instanceCount: 1,
                zoneAwarenessEnabled: false,
                dedicatedMasterEnabled: false,
                multiAzWithStandbyEnabled: false,
              });
            }
            assert.deepEqual(domain().ebsOptions, { ebsEnabled: true, volumeType: "gp3", volumeSize: prod ? 100 : 10 });
          },
        );

        it("publishes both slow logs and the error log to their own log groups, which only OpenSearch of this account may write", () => {
          const options = domain().logPublishingOptions;
          assert.deepEqual(options.map((o: any) => o.logType).sort(), [...searchLogTypes].sort());
          const groupArns = options.map((o: any) => o.cloudwatchLogGroupArn);
          assert.equal(new Set(groupArns).size, 3);
          for (const arn of groupArns) {
            const group = mocks.ofType(T.logGroup).find((g) => g.state.arn === arn);
            assert.equal(group?.inputs.retentionInDays, prod ? 365 : 14);
          }
          const [statement] = doc(mocks.ofType(T.logPolicy)[0].inputs.policyDocument).Statement;
          assert.deepEqual(statement.Principal, { Service: "es.amazonaws.com" });
          assert.deepEqual(list(statement.Action).sort(), ["logs:CreateLogStream", "logs:PutLogEvents"]);
          assert.deepEqual(list(statement.Resource).sort(), groupArns.map((a: string) => `${a}:*`).sort());
          assert.deepEqual(statement.Condition, {
            StringEquals: { "aws:SourceAccount": accountId },
            ArnLike: { "aws:SourceArn": `arn:aws:es:${testRegion}:${accountId}:domain/*` },
          });
        });

        it("names its log resource policy after the stack: the provider needs a name, and a name shared by two stacks is one policy", () => {
          // CloudWatch Logs keeps account-scoped resource policies by name (PutResourcePolicy creates
          // or updates); the provider refuses one with neither policyName nor resourceArn.
          const [policy] = mocks.ofType(T.logPolicy);
          assert.equal(policy.inputs.policyName, `ecommerce-${stack}-orders-search-logs`);
          assert.equal(policy.inputs.resourceArn, undefined);
        });

        it("admits exactly the four Lambda roles and the master role, on this domain only (never OrderProcessing's)", () => {
          const policy = inputs(T.domainPolicy, "orders-search-resource-policy");
          assert.equal(policy.domainName, state(T.domain, "orders-search").domainName);
          // Each role its own methods on its own paths: the same grants as its identity policy.
          const byRole: Record<string, string[]> = {};
          for (const statement of doc(policy.accessPolicies).Statement) {
            assert.equal(statement.Effect, "Allow");
            for (const resource of list(statement.Resource))
              (byRole[statement.Principal.AWS] ??= []).push(
                `${String(statement.Action).replace("es:ESHttp", "").toUpperCase()} ${resource.replace(domainArn(), "")}`,
              );
          }
          assert.deepEqual(Object.fromEntries(Object.entries(byRole).map(([role, grants]) => [role, grants.sort()])), {
            [roleArn("search-api")]: ["POST /orders/_search"],
            [roleArn("recommendations-api")]: ["POST /orders/_search"],
            [roleArn("indexer")]: [
              "GET /_index_template/orders",
              "HEAD /orders",
              "POST /_index_template/orders",
              "POST /orders/_mapping",
              "PUT /orders",
              "PUT /orders/_bulk",
            ],
            [roleArn("search-access")]: [
              "PUT /_plugins/_security/api/roles/orders_indexer",
              "PUT /_plugins/_security/api/roles/orders_reader",
              "PUT /_plugins/_security/api/rolesmapping/orders_indexer",
              "PUT /_plugins/_security/api/rolesmapping/orders_reader",
            ],
          });
          assert.ok(!(roleArn("api") in byRole), "OrderProcessing's role is not admitted to the domain");
        });

        it("maps the indexer, OrderSearch and recommendations roles in fine-grained access control at deploy time, through the master role", () => {
          const invocation = inputs(T.invocation, "orders-search-access-run");
          assert.equal(invocation.functionName, state(T.fn, "orders-search-access").name);
          assert.deepEqual(JSON.parse(invocation.input), {
            endpoint: `https://${state(T.domain, "orders-search").endpoint}`,
            indexerRoleArns: [roleArn("indexer")],
            readerRoleArns: [roleArn("search-api"), roleArn("recommendations-api")],
          });
          assert.match(invocation.triggers.code, /^[0-9a-f]{64}$/, "re-run when the role definitions change");
          assert.equal(
            invocation.triggers.code,
            createHash("sha256").update(bundleHandler(searchAccessHandlerEntry).code).digest("hex"),
            "the SearchAccess code's hash",
          );
        });

        it("runs the role mapping only once the security group rules let SearchAccess reach the domain", () => {
          const run = mocks.named(T.invocation, "orders-search-access-run");
          for (const rule of [...mocks.ofType(T.egress), ...mocks.ofType(T.ingress)]) {
            assert.ok(run.dependsOn.includes(rule.urn), `${rule.name} may still be missing when the role mapping runs`);
          }
        });
      });

      describe("functions", () => {
        const fn = (name: string) => inputs(T.fn, `orders-${name}`);
        /** The deployed variables, parsed by the handler's own schema: no variable it does not read. */
        const parsedEnvironment = <C extends Parameters<typeof readEnvironment>[0]>(
          contract: C,
          variables: Record<string, string>,
        ) =>
          readEnvironment(
            { ...contract, environmentSchema: z.strictObject(contract.environmentSchema.shape) },
            { AWS_REGION: testRegion, ...variables },
          );
        const policiesOf = (name: string) =>
          mocks
            .ofType(T.rolePolicy)
            .filter((p) => p.inputs.role === idOf(T.role, `orders-${name}-role`))
            .map((p) => p.inputs.policy as string);

        it("all five run in the private subnets with the Lambda security group only", () => {
          for (const name of ["api", "search-api", "indexer", "search-access", "recommendations-api"]) {
            assert.deepEqual(
              fn(name).vpcConfig,
              {
                subnetIds: (prod ? ["a", "b", "c"] : ["a", "b"]).map((z) => `subnet-private-${z}`),
                securityGroupIds: [idOf(T.group, "orders-network-lambdas")],
              },
              name,
            );
            assert.equal(fn(name).runtime, "nodejs22.x");
            assert.deepEqual(fn(name).architectures, ["arm64"]);
          }
        });

        it("SearchAccess gets its telemetry names, which its handler's schema accepts", () => {
          assert.deepEqual(fn("search-access").environment.variables, {
            POWERTOOLS_SERVICE_NAME: searchAccessContract.serviceName,
            POWERTOOLS_METRICS_NAMESPACE: searchAccessContract.metricsNamespace,
          });
          parsedEnvironment(searchAccessContract, fn("search-access").environment.variables);
        });

        it("OrderProcessing gets its tables, the origin and telemetry names, and no search endpoint", () => {
          assert.deepEqual(fn("api").environment.variables, {
            ORDERS_TABLE: state(T.table, "orders-tables-orders").name,
            PRODUCTS_TABLE: state(T.table, "orders-tables-products").name,
            INVENTORY_TABLE: state(T.table, "orders-tables-inventory").name,
            IDEMPOTENCY_TABLE: state(T.table, "orders-tables-idempotency").name,
            ALLOWED_ORIGIN: origin,
            IDEMPOTENCY_TTL_SECONDS: "86400",
            POWERTOOLS_SERVICE_NAME: ordersContract.serviceName,
            POWERTOOLS_METRICS_NAMESPACE: ordersContract.metricsNamespace,
          });
          assert.equal(
            ordersContract.serviceName,
            "orders-api",
            "the deployed service name, which the handler also defaults to",
          );
          assert.equal(
            parsedEnvironment(ordersContract, fn("api").environment.variables).IDEMPOTENCY_TTL_SECONDS,
            86400,
          );
          assert.equal(fn("api").memorySize, prod ? 1024 : 512);
          assert.equal(fn("api").timeout, 10);
        });

        it("OrderProcessing may do exactly what its handler calls, on exactly its tables and index: nothing on the domain", () => {
          const g = grants(...policiesOf("api"));
          for (const action of Object.keys(g)) if (/^(logs|xray|ec2):/.test(action)) delete g[action];
          const orders = tableArn("orders"),
            products = tableArn("products"),
            inventory = tableArn("inventory"),
            idempotency = tableArn("idempotency");
          assert.deepEqual(g, {
            // TransactWriteItems is authorised per action: Put (create) and Update (status) on
            // orders, Put of the idempotency record, Update on the inventory (stock taken and
            // given back), ConditionCheck on the products (each line's price asserted).
            "dynamodb:PutItem": [idempotency, orders].sort(),
            "dynamodb:GetItem": [idempotency, orders].sort(),
            "dynamodb:Query": [`${orders}/index/byCustomer`],
            "dynamodb:BatchGetItem": [products],
            "dynamodb:ConditionCheckItem": [products],
            "dynamodb:UpdateItem": [inventory, orders].sort(),
          });
          assert.deepEqual(
            policiesOf("api")
              .flatMap((p) => doc(p).Statement.flatMap((st) => list(st.Action)))
              .filter((a) => /^es:/.test(a)),
            [],
          );
        });

        it("OrderSearch gets the search endpoint, the origin and telemetry names, with OrderProcessing's memory and timeout", () => {
          assert.deepEqual(fn("search-api").environment.variables, {
            OPENSEARCH_ENDPOINT: `https://${state(T.domain, "orders-search").endpoint}`,
            ALLOWED_ORIGIN: origin,
            POWERTOOLS_SERVICE_NAME: orderSearchContract.serviceName,
            POWERTOOLS_METRICS_NAMESPACE: orderSearchContract.metricsNamespace,
          });
          parsedEnvironment(orderSearchContract, fn("search-api").environment.variables);
          assert.equal(fn("search-api").memorySize, prod ? 1024 : 512);
          assert.equal(fn("search-api").timeout, 10);
        });

        it("OrderSearch may only POST _search on the orders index (SearchOrders), nothing else", () => {
          const g = grants(...policiesOf("search-api"));
          for (const action of Object.keys(g)) if (/^(logs|xray|ec2):/.test(action)) delete g[action];
          assert.deepEqual(g, { "es:ESHttpPost": [`${domainArn()}/orders/_search`] });
          const statements = policiesOf("search-api").flatMap((p) => doc(p).Statement);
          assert.ok(
            statements.some((st) => st.Sid === "SearchOrdersPost" && list(st.Action).includes("es:ESHttpPost")),
          );
        });

        it("SearchIndexer gets the endpoint and its dead-letter queue; may use the domain, its queue and its stream only", () => {
          assert.deepEqual(fn("indexer").environment.variables, {
            OPENSEARCH_ENDPOINT: `https://${state(T.domain, "orders-search").endpoint}`,
            DEAD_LETTER_QUEUE_URL: state(T.queue, "orders-indexer-dlq").url,
            POWERTOOLS_SERVICE_NAME: searchIndexerContract.serviceName,
            POWERTOOLS_METRICS_NAMESPACE: searchIndexerContract.metricsNamespace,
          });
          parsedEnvironment(searchIndexerContract, fn("indexer").environment.variables);
          const g = grants(...policiesOf("indexer"));
          for (const action of Object.keys(g)) if (/^(logs|xray|ec2):/.test(action)) delete g[action];
          const dlq = arnOf(T.queue, "orders-indexer-dlq");
          const stream = state(T.table, "orders-tables-orders").streamArn;
          assert.deepEqual(g, {
            "es:ESHttpGet": [`${domainArn()}/_index_template/orders`],
            "es:ESHttpHead": [`${domainArn()}/orders`],
            "es:ESHttpPost": [`${domainArn()}/_index_template/orders`, `${domainArn()}/orders/_mapping`],
            "es:ESHttpPut": [`${domainArn()}/orders`, `${domainArn()}/orders/_bulk`],
            // The handler's own sends, and the event source mapping's on-failure sends.
            "sqs:SendMessage": [dlq, dlq],
            "dynamodb:DescribeStream": [stream],
            "dynamodb:GetRecords": [stream],
            "dynamodb:GetShardIterator": [stream],
            // ListStreams has no resource type: granted on "*" or refused.
            "dynamodb:ListStreams": ["*"],
          });
        });

        it("SearchAccess (the master role) may only PUT its two roles and their mappings", () => {
          const g = grants(...policiesOf("search-access"));
          for (const action of Object.keys(g)) if (/^(logs|xray|ec2):/.test(action)) delete g[action];
          assert.deepEqual(g, {
            "es:ESHttpPut": [
              "roles/orders_indexer",
              "roles/orders_reader",
              "rolesmapping/orders_indexer",
              "rolesmapping/orders_reader",
            ].map((p) => `${domainArn()}/_plugins/_security/api/${p}`),
          });
        });

        it("the indexer reads the orders stream in batches from config, with bounded retries into the dead-letter queue", () => {
          const m = inputs(T.mapping, "orders-indexer-stream");
          assert.equal(m.eventSourceArn, state(T.table, "orders-tables-orders").streamArn);
          assert.equal(m.functionName, state(T.fn, "orders-indexer").arn);
          assert.equal(m.batchSize, prod ? 500 : 100);
          assert.equal(m.maximumBatchingWindowInSeconds, prod ? 2 : 1);
          assert.equal(m.maximumRetryAttempts, prod ? 5 : 3);
          assert.equal(m.maximumRecordAgeInSeconds, prod ? 21600 : 3600);
          assert.deepEqual(m.functionResponseTypes, ["ReportBatchItemFailures"]);
          assert.equal(m.bisectBatchOnFunctionError, true);
          assert.equal(m.destinationConfig.onFailure.destinationArn, arnOf(T.queue, "orders-indexer-dlq"));
        });

        it("records start flowing only once the indexer's search role mapping has run", () => {
          const run = mocks.named("aws:lambda/invocation:Invocation", "orders-search-access-run");
          assert.ok(mocks.named(T.mapping, "orders-indexer-stream").dependsOn.includes(run.urn));
        });
      });

      describe("routes", () => {
        const openApi = () => JSON.parse(inputs("aws:apigateway/restApiPut:RestApiPut", "api-definition").body);
        const arnOfFunction = (name: string) => state(T.fn, name).arn as string;

        it("declares POST, GET list, GET one, PATCH one, GET search and ANY on each path, all behind Cognito; search on OrderSearch, the rest on the order Lambda", async () => {
          assert.deepEqual(
            orders.routes.map((r) => `${r.method} ${r.path}`),
            [
              "POST /orders",
              "GET /orders",
              "GET /orders/{orderId}",
              "PATCH /orders/{orderId}",
              "ANY /orders",
              "ANY /orders/{orderId}",
              "GET /orders/search",
              "ANY /orders/search",
            ],
          );
          for (const route of orders.routes) {
            const search = route.path === "/orders/search";
            assert.equal(route.authorization, "cognito");
            assert.equal(route.invokes, search ? orders.functions.orderSearch : orders.functions.api);
            const integration = await resolve(route.integration);
            assert.equal(integration.type, "aws_proxy");
            assert.ok(
              String(integration.uri).includes(arnOfFunction(search ? "orders-search-api" : "orders-api")),
              `${route.method} ${route.path} integrates another function`,
            );
          }
          const paths = openApi().paths;
          for (const p of ["/orders", "/orders/{orderId}", "/orders/search"]) {
            assert.ok(paths[p]["x-amazon-apigateway-any-method"], `ANY ${p}`);
            for (const method of Object.keys(paths[p]).filter((m) => m !== "options"))
              assert.deepEqual(paths[p][method].security, [{ cognito: [] }], `${method} ${p}`);
          }
          // The Api grants API Gateway exactly these routes on each Lambda.
          const permissionsOf = (name: string) =>
            mocks.ofType(T.permission).filter((p) => p.inputs.function === state(T.fn, name).name);
          assert.equal(permissionsOf("orders-api").length, orders.routes.length - 2);
          assert.deepEqual(
            permissionsOf("orders-search-api")
              .map((p) => p.name)
              .sort(),
            ["api-invoke-any-orders-search", "api-invoke-get-orders-search"],
          );
        });

        it("POST /orders validates the body against the order contract and requires Idempotency-Key", () => {
          const post = openApi().paths["/orders"].post;
          assert.ok(post.parameters.some((p: any) => p.in === "header" && p.name === "Idempotency-Key" && p.required));
          assert.equal(post["x-amazon-apigateway-request-validator"], "body-and-params");
          const model =
            openApi().components.schemas[post.requestBody.content["application/json"].schema.$ref.split("/").pop()];
          assert.equal(model.$schema, undefined, "not an OpenAPI 3.0 keyword: the import reads models as draft 4");
          assert.deepEqual(model.required, ["lines"]);
          assert.equal(model.additionalProperties, false);
          const lines = model.properties.lines;
          assert.deepEqual([lines.minItems, lines.maxItems], [1, maxLinesPerOrder]);
          assert.deepEqual(lines.items.required, ["sku", "quantity"]);
          assert.equal(lines.items.additionalProperties, false, "a client-sent price is refused");
          assert.deepEqual(
            [
              lines.items.properties.quantity.type,
              lines.items.properties.quantity.minimum,
              lines.items.properties.quantity.maximum,
            ],
            ["integer", 1, maxQuantityPerLine],
          );
          const sku = new RegExp(lines.items.properties.sku.pattern);
          assert.ok(
            catalog.every((p) => sku.test(p.sku)),
            "every catalog sku passes the model",
          );
          assert.ok(!sku.test("kit-mug-stn-12") && !sku.test("MUG"), "malformed skus are refused");
        });

        it("PATCH /orders/{orderId} validates the body: exactly { status: PAID | SHIPPED | CANCELLED }", () => {
          const patch = openApi().paths["/orders/{orderId}"].patch;
          assert.equal(patch["x-amazon-apigateway-request-validator"], "body-and-params");
          assert.deepEqual(patch.security, [{ cognito: [] }]);
          const model =
            openApi().components.schemas[patch.requestBody.content["application/json"].schema.$ref.split("/").pop()];
          assert.deepEqual(model.required, ["status"]);
          assert.equal(model.additionalProperties, false);
          assert.deepEqual(model.properties.status.enum, ["PAID", "SHIPPED", "CANCELLED"]);
        });

        it("GET routes document their query parameters and need no body", () => {
          const paths = openApi().paths;
          const query = (p: string) =>
            paths[p].get.parameters.filter((x: any) => x.in === "query").map((x: any) => [x.name, x.required]);
          assert.deepEqual(query("/orders"), [
            ["limit", false],
            ["cursor", false],
          ]);
          assert.deepEqual(
            query("/orders/search"),
            ["q", "status", "from", "to", "limit"].map((n) => [n, false]),
          );
          assert.deepEqual(paths["/orders/{orderId}"].get.parameters, [
            { name: "orderId", in: "path", required: true, schema: { type: "string" } },
          ]);
        });
      });

      it("lists its moving parts for monitoring", () => {
        assert.deepEqual(orders.monitoring.functions, [
          orders.functions.api,
          orders.functions.orderSearch,
          orders.functions.searchAccess,
          orders.recommendations.function,
        ]);
        assert.deepEqual(orders.monitoring.streamConsumers, [orders.functions.indexer]);
        assert.deepEqual(orders.monitoring.deadLetterQueues, [orders.deadLetterQueue]);
        assert.deepEqual(orders.monitoring.tables, [
          orders.tables.orders,
          orders.tables.products,
          orders.tables.inventory,
          orders.tables.idempotency,
        ]);
        assert.deepEqual(orders.monitoring.searchDomains, [orders.search.domain]);
      });
    });
  }

  describe("Orders (preview, outputs unknown)", () => {
    it("registers the same resources without crashing", async () => {
      const { mocks } = await run("prod", true);
      assert.equal(mocks.ofType(T.domain).length, 1);
      assert.equal(mocks.ofType(T.fn).length, 5);
      assert.equal(mocks.ofType(T.item).length, 2 * catalog.length, "a catalog item and a stock item per product");
      assert.equal(mocks.ofType(T.invocation).length, 1);
    });
  });
});
