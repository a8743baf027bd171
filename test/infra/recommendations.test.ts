// The Recommendations component under Pulumi mocks, composed as index.ts does (a child of
// Orders, its routes served by the Api): a VPC Lambda reading the orders index, the catalog
// tables and, only when configured, exactly the configured Personalize campaigns.
import { strict as assert } from "node:assert";
import { Api } from "../../components/api";
import { Orders } from "../../components/orders";
import { recommendationsRoutes } from "../../handlers/recommendations/contract";
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
  settings: "aws:apigateway/methodSettings:MethodSettings",
  permission: "aws:lambda/permission:Permission",
  domain: "aws:opensearch/domain:Domain",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
};

async function run(
  stack: "dev" | "prod",
  config?: Record<string, unknown>,
): Promise<{ mocks: RecordingMocks; orders: Orders }> {
  let orders!: Orders;
  const mocks = await runComponents(
    stack,
    (c) => {
      orders = new Orders("orders", { config: c, allowedOrigin: origin });
      new Api("api", {
        config: c,
        userPoolArn,
        allowedOrigin: origin,
        routes: [...orders.routes, ...orders.recommendations.routes],
      });
    },
    { config },
  );
  return { mocks, orders };
}

const list = <V>(v: V | V[] | undefined): V[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function grantsOf(mocks: RecordingMocks, roleName: string): Record<string, string[]> {
  const roleId = mocks.named(T.role, roleName).id;
  const statements = mocks
    .ofType(T.rolePolicy)
    .filter((p) => p.inputs.role === roleId)
    .flatMap((p) => JSON.parse(p.inputs.policy).Statement);
  const grants: Record<string, string[]> = {};
  for (const s of statements)
    for (const a of list<string>(s.Action)) grants[a] = [...(grants[a] ?? []), ...list<string>(s.Resource)].sort();
  for (const a of Object.keys(grants)) if (/^(logs|xray|ec2):/.test(a)) delete grants[a];
  return grants;
}

const relatedArn = `arn:aws:personalize:${testRegion}:${accountId}:campaign/also-bought`;
const userArn = `arn:aws:personalize:${testRegion}:${accountId}:recommender/for-you`;

describe("Recommendations component", () => {
  for (const stack of ["dev", "prod"] as const) {
    describe(`Recommendations (${stack})`, () => {
      const prod = stack === "prod";
      let mocks: RecordingMocks;
      let orders: Orders;
      before(async () => ({ mocks, orders } = await run(stack)));
      const table = (name: string) => mocks.named(T.table, `orders-tables-${name}`).state;
      const openApi = () =>
        JSON.parse(mocks.named("aws:apigateway/restApiPut:RestApiPut", "api-definition").inputs.body);

      it("runs a bundled arm64 Lambda in the order path's private subnets, given the search endpoint, the two tables, the origin and telemetry names", () => {
        const fn = mocks.named(T.fn, "orders-recommendations-api").inputs;
        assert.equal(fn.runtime, "nodejs22.x");
        assert.deepEqual(fn.architectures, ["arm64"]);
        assert.equal(fn.memorySize, prod ? 512 : 256);
        assert.equal(fn.timeout, 10);
        assert.deepEqual(fn.vpcConfig, mocks.named(T.fn, "orders-api").inputs.vpcConfig);
        assert.deepEqual(fn.environment.variables, {
          OPENSEARCH_ENDPOINT: `https://${mocks.named(T.domain, "orders-search").state.endpoint}`,
          PRODUCTS_TABLE: table("products").name,
          INVENTORY_TABLE: table("inventory").name,
          ALLOWED_ORIGIN: origin,
          POWERTOOLS_SERVICE_NAME: "recommendations",
          POWERTOOLS_METRICS_NAMESPACE: "Ecommerce/Recommendations",
        });
      });

      it("may BatchGetItem products and inventory, Scan the inventory and POST /orders/_search, and nothing else (no Personalize unless configured)", () => {
        assert.deepEqual(grantsOf(mocks, "orders-recommendations-api-role"), {
          "dynamodb:BatchGetItem": [table("products").arn, table("inventory").arn].sort(),
          "dynamodb:Scan": [table("inventory").arn],
          "es:ESHttpPost": [`${mocks.named(T.domain, "orders-search").state.arn}/orders/_search`],
        });
        assert.equal(
          mocks.ofType(T.endpoint).some((e) => String(e.inputs.serviceName).endsWith(".personalize-runtime")),
          false,
          "no Personalize endpoint nobody calls",
        );
      });

      it("declares GET /recommendations (public: sku, limit) and GET /recommendations/me (Cognito: limit) on its own Lambda", () => {
        assert.deepEqual(
          orders.recommendations.routes.map((r) => `${r.method} ${r.path} ${r.authorization}`),
          ["GET /recommendations none", "GET /recommendations/me cognito"],
        );
        const paths = openApi().paths;
        assert.equal(paths["/recommendations"].get.security, undefined);
        assert.deepEqual(paths["/recommendations/me"].get.security, [{ cognito: [] }]);
        assert.deepEqual(
          paths["/recommendations"].get.parameters.map((p: any) => [p.name, p.in, p.required]),
          [
            ["sku", "query", false],
            ["limit", "query", false],
          ],
        );
        const fn = mocks.named(T.fn, "orders-recommendations-api").state;
        for (const p of ["/recommendations", "/recommendations/me"])
          assert.ok(paths[p].get["x-amazon-apigateway-integration"].uri.includes(fn.arn), p);
        assert.equal(mocks.ofType(T.permission).filter((p) => p.inputs.function === fn.name).length, 2);
      });

      it(
        prod
          ? "prod: the stage cache serves the public route (keyed by sku and limit) no longer than a container keeps it, never the shopper's own"
          : "dev: no stage cache; browsers cache by Cache-Control",
        () => {
          const paths = openApi().paths;
          const cached = mocks
            .ofType(T.settings)
            .filter((m) => m.inputs.settings.cachingEnabled)
            .map((m) => m.inputs.methodPath);
          assert.equal(cached.includes("recommendations/me/GET"), false);
          if (prod) {
            assert.ok(cached.includes("recommendations/GET"));
            // apiCacheSeconds is 300 in prod; a popular list cached that long would hide new orders.
            const ttl = mocks.ofType(T.settings).find((m) => m.inputs.methodPath === "recommendations/GET")!.inputs
              .settings.cacheTtlInSeconds;
            assert.equal(ttl, 60);
            assert.deepEqual(
              paths["/recommendations"].get["x-amazon-apigateway-integration"].cacheKeyParameters,
              recommendationsRoutes[0].optionalQuery.map((q) => `method.request.querystring.${q}`),
            );
          } else {
            assert.equal(cached.length, 0);
          }
          assert.equal(
            paths["/recommendations/me"].get["x-amazon-apigateway-integration"].cacheKeyParameters,
            undefined,
          );
        },
      );

      it("lists its function for monitoring, within the order path's targets (Orders is its parent)", () => {
        assert.deepEqual(orders.recommendations.monitoring.functions, [orders.recommendations.function]);
        assert.ok(orders.monitoring.functions!.includes(orders.recommendations.function));
      });
    });
  }

  describe("with Personalize configured", () => {
    let mocks: RecordingMocks;
    before(
      async () =>
        ({ mocks } = await run("dev", {
          "ecommerce:recommendationsRelatedItemsArn": relatedArn,
          "ecommerce:recommendationsUserArn": userArn,
        })),
    );

    it("passes both ARNs to the handler and grants personalize:GetRecommendations on exactly them", () => {
      const env = mocks.named(T.fn, "orders-recommendations-api").inputs.environment.variables;
      assert.equal(env.RELATED_ITEMS_ARN, relatedArn);
      assert.equal(env.USER_RECOMMENDATIONS_ARN, userArn);
      assert.deepEqual(
        grantsOf(mocks, "orders-recommendations-api-role")["personalize:GetRecommendations"],
        [relatedArn, userArn].sort(),
      );
    });

    it("reaches the Personalize runtime from the VPC through an interface endpoint admitting only those calls", () => {
      const endpoint = mocks
        .ofType(T.endpoint)
        .find((e) => e.inputs.serviceName === `com.amazonaws.${testRegion}.personalize-runtime`);
      assert.ok(endpoint, "a personalize-runtime interface endpoint");
      assert.equal(endpoint.inputs.vpcEndpointType, "Interface");
      assert.equal(endpoint.inputs.privateDnsEnabled, true);
      const [statement] = JSON.parse(endpoint.inputs.policy).Statement;
      assert.deepEqual(statement.Action, ["personalize:GetRecommendations"]);
      assert.deepEqual(list(statement.Resource).sort(), [relatedArn, userArn].sort());
    });

    it("refuses an ARN that is not a Personalize campaign or recommender, naming the key", async () => {
      await assert.rejects(
        run("dev", { "ecommerce:recommendationsRelatedItemsArn": "arn:aws:s3:::bucket" }),
        /recommendationsRelatedItemsArn/,
      );
    });
  });
});
