// The Catalog component under Pulumi mocks, composed as index.ts does (tables from Orders, the
// routes served by the Api): a public, cacheable API over the products and inventory tables.
import { strict as assert } from "node:assert";
import { Api } from "../../components/api";
import { Catalog } from "../../components/catalog";
import { Orders } from "../../components/orders";
import { catalogContract, catalogRoutes } from "../../handlers/catalog/contract";
import { readEnvironment } from "../../handlers/lib/environment";
import * as z from "../../handlers/lib/zod";
import { accountId, type RecordingMocks, testRegion } from "../../testing/mocks";
import { runComponents } from "../../testing/program";

const origin = "https://shop.example.com";
const userPoolArn = `arn:aws:cognito-idp:${testRegion}:${accountId}:userpool/${testRegion}_abc`;
const T = {
  fn: "aws:lambda/function:Function",
  table: "aws:dynamodb/table:Table",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  rest: "aws:apigateway/restApi:RestApi",
  stage: "aws:apigateway/stage:Stage",
  settings: "aws:apigateway/methodSettings:MethodSettings",
  permission: "aws:lambda/permission:Permission",
};

async function run(stack: "dev" | "prod"): Promise<{ mocks: RecordingMocks; catalog: Catalog }> {
  let catalog!: Catalog;
  const mocks = await runComponents(stack, (config) => {
    const orders = new Orders("orders", { config, allowedOrigin: origin });
    catalog = new Catalog("catalog", {
      config,
      products: orders.tables.products,
      inventory: orders.tables.inventory,
      allowedOrigin: origin,
    });
    new Api("api", { config, userPoolArn, allowedOrigin: origin, routes: [...catalog.routes, ...orders.routes] });
  });
  return { mocks, catalog };
}

const list = <V>(v: V | V[] | undefined): V[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe("Catalog component", () => {
  for (const stack of ["dev", "prod"] as const) {
    describe(`Catalog (${stack})`, () => {
      const prod = stack === "prod";
      let mocks: RecordingMocks;
      let catalog: Catalog;
      before(async () => ({ mocks, catalog } = await run(stack)));
      const table = (name: string) => mocks.named(T.table, `orders-tables-${name}`).state;
      const openApi = () =>
        JSON.parse(mocks.named("aws:apigateway/restApiPut:RestApiPut", "api-definition").inputs.body);

      it("runs a bundled arm64 Lambda outside the VPC, with the two tables, the origin and telemetry names", () => {
        const fn = mocks.named(T.fn, "catalog-api").inputs;
        assert.equal(fn.vpcConfig, undefined, "reads DynamoDB only: no VPC needed");
        assert.equal(fn.runtime, "nodejs22.x");
        assert.deepEqual(fn.architectures, ["arm64"]);
        assert.equal(fn.memorySize, prod ? 512 : 256);
        assert.equal(fn.timeout, 10);
        assert.deepEqual(fn.environment.variables, {
          PRODUCTS_TABLE: table("products").name,
          INVENTORY_TABLE: table("inventory").name,
          ALLOWED_ORIGIN: origin,
          POWERTOOLS_SERVICE_NAME: catalogContract.serviceName,
          POWERTOOLS_METRICS_NAMESPACE: catalogContract.metricsNamespace,
        });
        // The handler's own schema accepts exactly what is deployed (no variable it does not read).
        readEnvironment(
          { ...catalogContract, environmentSchema: z.strictObject(catalogContract.environmentSchema.shape) },
          { AWS_REGION: testRegion, ...fn.environment.variables },
        );
      });

      it("may Scan and GetItem the products and inventory tables, and nothing else", () => {
        const roleId = mocks.named(T.role, "catalog-api-role").id;
        const statements = mocks
          .ofType(T.rolePolicy)
          .filter((p) => p.inputs.role === roleId)
          .flatMap((p) => JSON.parse(p.inputs.policy).Statement);
        const grants: Record<string, string[]> = {};
        for (const s of statements)
          for (const a of list<string>(s.Action))
            grants[a] = [...(grants[a] ?? []), ...list<string>(s.Resource)].sort();
        for (const a of [
          "logs:CreateLogStream",
          "logs:PutLogEvents",
          "xray:PutTraceSegments",
          "xray:PutTelemetryRecords",
        ])
          delete grants[a];
        const tables = [table("products").arn, table("inventory").arn].sort();
        assert.deepEqual(grants, { "dynamodb:Scan": tables, "dynamodb:GetItem": tables });
      });

      it("declares GET /products (its five query parameters) and GET /products/{sku}, public, on its own Lambda", () => {
        assert.deepEqual(
          catalog.routes.map((r) => `${r.method} ${r.path}`),
          ["GET /products", "GET /products/{sku}"],
        );
        const paths = openApi().paths;
        assert.equal(paths["/products"].get.security, undefined);
        assert.equal(paths["/products/{sku}"].get.security, undefined);
        assert.deepEqual(
          paths["/products"].get.parameters.map((p: any) => [p.name, p.in, p.required]),
          catalogRoutes.listProducts.optionalQuery.map((q) => [q, "query", false]),
        );
        assert.deepEqual(paths["/products/{sku}"].get.parameters, [
          { name: "sku", in: "path", required: true, schema: { type: "string" } },
        ]);
        const fnArn = mocks.named(T.fn, "catalog-api").state.arn;
        for (const p of ["/products", "/products/{sku}"])
          assert.ok(paths[p].get["x-amazon-apigateway-integration"].uri.includes(fnArn), p);
        const permissions = mocks
          .ofType(T.permission)
          .filter((p) => p.inputs.function === mocks.named(T.fn, "catalog-api").state.name);
        assert.equal(permissions.length, 2);
        // No other method reaches the function (API Gateway answers them itself).
        assert.deepEqual(Object.keys(paths["/products"]).sort(), ["get", "options"]);
      });

      if (prod) {
        it("prod: the stage cache serves both routes for apiCacheSeconds (300 s), keyed by every parameter", () => {
          assert.equal(mocks.named(T.stage, "api-stage").inputs.cacheClusterEnabled, true);
          const paths = openApi().paths;
          assert.deepEqual(
            paths["/products"].get["x-amazon-apigateway-integration"].cacheKeyParameters,
            catalogRoutes.listProducts.optionalQuery.map((q) => `method.request.querystring.${q}`),
          );
          assert.deepEqual(paths["/products/{sku}"].get["x-amazon-apigateway-integration"].cacheKeyParameters, [
            "method.request.path.sku",
          ]);
          for (const name of ["api-cache-products-GET", "api-cache-products-sku-GET"]) {
            const settings = mocks.named(T.settings, name).inputs.settings;
            assert.equal(settings.cachingEnabled, true, name);
            assert.equal(settings.cacheTtlInSeconds, 300, name);
          }
          const cached = mocks
            .ofType(T.settings)
            .filter((m) => m.inputs.settings.cachingEnabled)
            .map((m) => m.inputs.methodPath)
            .sort();
          assert.deepEqual(cached, ["products/GET", "products/{sku}/GET"], "no order route is ever cached");
        });
      } else {
        it("dev: no stage cache (apiCacheSeconds 0); browsers still cache by Cache-Control", () => {
          assert.equal(mocks.named(T.stage, "api-stage").inputs.cacheClusterEnabled, false);
          assert.equal(mocks.ofType(T.settings).filter((m) => m.inputs.settings.cachingEnabled).length, 0);
        });
      }

      it("lists its function for monitoring", () => {
        assert.deepEqual(catalog.monitoring.functions, [catalog.function]);
      });
    });
  }
});
