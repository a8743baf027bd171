import { corsAllowedHeaders } from "../../handlers/shared/http";
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import {
  accessLogFormat,
  Api,
  type ApiRoute,
  lambdaProxy,
  quotaRetryAfterSeconds,
  throttledRetryAfterSeconds,
} from "../../components/api";
import { BundledFunction } from "../../components/lib/function";
import { accountId } from "../../testing/mocks";
import { runComponents } from "../../testing/program";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../components/lib/bundle";

const userPoolArn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc";
const origin = "https://shop.example.com";
const entry = fs
  .readdirSync(path.join(repoRoot, "handlers"))
  .map((d) => `handlers/${d}/index.ts`)
  .find((e) => fs.existsSync(path.join(repoRoot, e)))!;

function run(
  stack: "dev" | "prod",
  extraRoutes: (fn: BundledFunction, region: string) => ApiRoute[] = () => [],
  config: Record<string, unknown> = {},
) {
  return runComponents(
    stack,
    (c) => {
      const fn = new BundledFunction("widgets", {
        entry,
        description: "d",
        memoryMb: 256,
        timeoutSeconds: 10,
        logRetentionDays: 14,
      });
      new Api("api", { config: c, userPoolArn, allowedOrigin: origin, routes: extraRoutes(fn, c.region) });
    },
    { config },
  );
}

const widgetRoutes = (fn: BundledFunction, region: string): ApiRoute[] => [
  {
    path: "/widgets",
    method: "POST",
    authorization: "cognito",
    integration: lambdaProxy(fn, region),
    invokes: fn,
    bodySchema: {
      name: "CreateWidget",
      schema: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
    },
    requiredHeaders: ["Idempotency-Key"],
  },
  {
    path: "/widgets/{widgetId}",
    method: "GET",
    authorization: "cognito",
    integration: lambdaProxy(fn, region),
    invokes: fn,
  },
  {
    path: "/widgets",
    method: "GET",
    authorization: "none",
    integration: lambdaProxy(fn, region),
    invokes: fn,
    optionalQuery: ["cursor"],
    throttle: { rateLimit: 7, burstLimit: 9 },
  },
];

const documentOf = (mocks: Awaited<ReturnType<typeof run>>) =>
  JSON.parse(mocks.named("aws:apigateway/restApiPut:RestApiPut", "api-definition").inputs.body);

describe("Api", () => {
  it("is one regional REST API defined by an OpenAPI document, with GET /health as a mock", async () => {
    const mocks = await run("dev");
    const api = mocks.named("aws:apigateway/restApi:RestApi", "api-rest");
    assert.deepEqual(api.inputs.endpointConfiguration, { types: "REGIONAL" });
    // The API first, its definition put after: the API's id (its origin) needs nothing of the document.
    const definition = mocks.named("aws:apigateway/restApiPut:RestApiPut", "api-definition").inputs;
    assert.equal(definition.restApiId, api.id);
    assert.equal(definition.failOnWarnings, true);
    assert.equal(api.inputs.body, undefined);
    // The import takes the name and description from the document: the same as the API's own.
    assert.equal(documentOf(mocks).info.title, api.inputs.name);
    assert.equal(documentOf(mocks).info.description, api.inputs.description);
    assert.ok(
      mocks
        .named("aws:apigateway/deployment:Deployment", "api-deployment")
        .dependsOn.includes(mocks.named("aws:apigateway/restApiPut:RestApiPut", "api-definition").urn),
      "deployed after the definition is put",
    );
    const doc = documentOf(mocks);
    assert.equal(doc.openapi, "3.0.1");
    const health = doc.paths["/health"].get;
    assert.equal(health["x-amazon-apigateway-integration"].type, "mock");
    assert.equal(
      health["x-amazon-apigateway-integration"].responses.default.responseTemplates["application/json"],
      '{"status":"ok"}',
    );
    assert.equal(health.security, undefined);
  });

  it("routes: Cognito authorizer on the user pool, request validation, lambda proxy, CORS preflight", async () => {
    const mocks = await run("dev", widgetRoutes);
    const doc = documentOf(mocks);
    assert.deepEqual(doc.components.securitySchemes.cognito["x-amazon-apigateway-authorizer"], {
      type: "cognito_user_pools",
      providerARNs: [userPoolArn],
    });
    const post = doc.paths["/widgets"].post;
    assert.deepEqual(post.security, [{ cognito: [] }]);
    assert.equal(post["x-amazon-apigateway-request-validator"], "body-and-params");
    assert.deepEqual(doc["x-amazon-apigateway-request-validators"]["body-and-params"], {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    assert.equal(post.requestBody.content["application/json"].schema.$ref, "#/components/schemas/CreateWidget");
    assert.deepEqual(doc.components.schemas.CreateWidget.required, ["name"]);
    assert.deepEqual(post.parameters, [
      { name: "Idempotency-Key", in: "header", required: true, schema: { type: "string" } },
    ]);
    const fnArn = mocks.named("aws:lambda/function:Function", "widgets").state.arn;
    assert.equal(post["x-amazon-apigateway-integration"].type, "aws_proxy");
    assert.equal(
      post["x-amazon-apigateway-integration"].uri,
      `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
    );
    assert.deepEqual(doc.paths["/widgets/{widgetId}"].get.parameters, [
      { name: "widgetId", in: "path", required: true, schema: { type: "string" } },
    ]);
    assert.equal(doc.paths["/widgets"].get.security, undefined);

    const preflight =
      doc.paths["/widgets"].options["x-amazon-apigateway-integration"].responses.default.responseParameters;
    assert.equal(preflight["method.response.header.Access-Control-Allow-Origin"], `'${origin}'`);
    assert.equal(preflight["method.response.header.Access-Control-Allow-Methods"], "'POST,GET,OPTIONS'");
    assert.match(preflight["method.response.header.Access-Control-Allow-Headers"], /Authorization/);
    assert.match(preflight["method.response.header.Access-Control-Allow-Headers"], /Idempotency-Key/);
    // The same headers the handlers' own preflight answers allow (the shared HTTP contract).
    assert.deepEqual(preflight["method.response.header.Access-Control-Allow-Headers"].replace(/'/g, "").split(","), [
      ...corsAllowedHeaders,
    ]);
  });

  it("API Gateway's own errors carry CORS headers and a JSON body; unknown paths are 404; status codes are strings", async () => {
    const responses = documentOf(await run("dev"))["x-amazon-apigateway-gateway-responses"];
    for (const type of [
      "DEFAULT_4XX",
      "DEFAULT_5XX",
      "BAD_REQUEST_BODY",
      "BAD_REQUEST_PARAMETERS",
      "MISSING_AUTHENTICATION_TOKEN",
    ]) {
      assert.equal(
        responses[type].responseParameters["gatewayresponse.header.Access-Control-Allow-Origin"],
        `'${origin}'`,
        type,
      );
    }
    assert.equal(responses.MISSING_AUTHENTICATION_TOKEN.statusCode, "404");
    for (const [type, response] of Object.entries<any>(responses)) {
      if (response.statusCode !== undefined) assert.equal(typeof response.statusCode, "string", `${type}.statusCode`);
    }
  });

  it("API Gateway's own 429s (THROTTLED, QUOTA_EXCEEDED) send a static Retry-After the storefront's scripts may read", async () => {
    const responses = documentOf(await run("dev"))["x-amazon-apigateway-gateway-responses"];
    for (const [type, seconds] of [
      ["THROTTLED", throttledRetryAfterSeconds],
      ["QUOTA_EXCEEDED", quotaRetryAfterSeconds],
    ] as const) {
      const parameters = responses[type].responseParameters;
      assert.equal(responses[type].statusCode, "429", type);
      assert.equal(parameters["gatewayresponse.header.Retry-After"], `'${seconds}'`, type);
      assert.match(
        parameters["gatewayresponse.header.Retry-After"],
        /^'\d+'$/,
        `${type}: a static value is quoted, whole seconds`,
      );
      // Retry-After is not a CORS-safelisted response header: without this, fetch() cannot see it.
      assert.equal(parameters["gatewayresponse.header.Access-Control-Expose-Headers"], "'Retry-After'", type);
      assert.equal(parameters["gatewayresponse.header.Access-Control-Allow-Origin"], `'${origin}'`, type);
    }
    assert.equal(throttledRetryAfterSeconds, 1, "the throttle's token bucket refills every second");
  });

  describe("gateway-response templates, rendered as API Gateway does (substitution only, no VTL)", () => {
    const hostile = [
      "Invalid request body",
      '[object has missing required properties (["events"])]',
      'instance type (integer) does not match any allowed primitive type (allowed: ["string"]) \\ \' \n\t </script> ${x} #set($a = 1)',
      '$context.error.messageString "quoted" $util.escapeJavaScript("x")',
      "ünïcödé \u2028 line separator, emoji \u{1F600}, NUL \u0000",
    ];
    /** What API Gateway knows about a failed request; messageString is the message already quoted. */
    const contextFor = (message: string, validation: string): Record<string, string> => ({
      "context.error.message": message,
      "context.error.messageString": JSON.stringify(message),
      "context.error.validationErrorString": validation,
      "context.error.responseType": "BAD_REQUEST_BODY",
      "context.requestId": "c0ffee00-0000-4000-8000-000000000000",
    });
    /** One pass of `$context.…` substitution; anything else a template could hold is refused. */
    function render(template: string, context: Record<string, string>): string {
      assert.doesNotMatch(template, /#(set|if|foreach|end)\b|\$(util|input)\./, "VTL is not run in gateway responses");
      return template.replace(/\$(context(?:\.[A-Za-z]+)+)/g, (_, name: string) => {
        assert.ok(name in context, `unknown variable $${name}`);
        return context[name];
      });
    }

    it("every template yields valid JSON with the error, for every hostile message and validation string", async () => {
      const responses = documentOf(await run("dev"))["x-amazon-apigateway-gateway-responses"];
      for (const [type, response] of Object.entries<any>(responses)) {
        for (const [contentType, template] of Object.entries<string>(response.responseTemplates)) {
          for (const message of hostile) {
            for (const validation of hostile) {
              const body = render(template, contextFor(message, validation));
              let parsed: any;
              assert.doesNotThrow(
                () => (parsed = JSON.parse(body)),
                `${type} ${contentType} is not JSON for ${JSON.stringify(message)}: ${body}`,
              );
              assert.equal(typeof parsed.error, "string", type);
              if (template.includes("$context.error.messageString")) assert.equal(parsed.error, message, type);
              assert.equal(parsed.requestId, "c0ffee00-0000-4000-8000-000000000000", type);
            }
          }
        }
      }
    });

    it("the validation detail the body cannot carry is in the access log", () => {
      assert.equal(accessLogFormat.validationError, "$context.error.validationErrorString");
      assert.equal(accessLogFormat.requestId, "$context.requestId");
    });
  });

  it("grants API Gateway invoke on each exact route, from this account", async () => {
    const mocks = await run("dev", widgetRoutes);
    const executionArn = mocks.named("aws:apigateway/restApi:RestApi", "api-rest").state.executionArn;
    const permissions = mocks.ofType("aws:lambda/permission:Permission").map((p) => p.inputs);
    assert.deepEqual(permissions.map((p) => p.sourceArn).sort(), [
      `${executionArn}/v1/GET/widgets`,
      `${executionArn}/v1/GET/widgets/*`,
      `${executionArn}/v1/POST/widgets`,
    ]);
    for (const p of permissions) {
      assert.equal(p.principal, "apigateway.amazonaws.com");
      assert.equal(p.action, "lambda:InvokeFunction");
      assert.equal(p.sourceAccount, accountId);
    }
  });

  it("a route change redeploys: the deployment trigger is the document's hash", async () => {
    const before = await run("dev");
    const deployment = before.named("aws:apigateway/deployment:Deployment", "api-deployment").inputs;
    const body = before.named("aws:apigateway/restApiPut:RestApiPut", "api-definition").inputs.body;
    assert.equal(deployment.triggers.document, createHash("sha256").update(body).digest("hex"));
    const after = await run("dev", widgetRoutes);
    assert.notEqual(
      after.named("aws:apigateway/deployment:Deployment", "api-deployment").inputs.triggers.document,
      deployment.triggers.document,
    );
  });

  it("stage: JSON access logs with retention, X-Ray, metrics and throttling from config", async () => {
    const mocks = await run("prod", widgetRoutes);
    const stage = mocks.named("aws:apigateway/stage:Stage", "api-stage").inputs;
    const logs = mocks.named("aws:cloudwatch/logGroup:LogGroup", "api-access-logs");
    assert.equal(stage.xrayTracingEnabled, true);
    assert.equal(stage.accessLogSettings.destinationArn, logs.state.arn);
    assert.deepEqual(JSON.parse(stage.accessLogSettings.format), accessLogFormat);
    assert.equal(logs.inputs.retentionInDays, 365);
    const all = mocks.named("aws:apigateway/methodSettings:MethodSettings", "api-all-methods").inputs;
    assert.equal(all.methodPath, "*/*");
    assert.deepEqual(all.settings, {
      metricsEnabled: true,
      loggingLevel: "ERROR",
      dataTraceEnabled: false,
      throttlingRateLimit: 1000,
      throttlingBurstLimit: 2000,
      cachingEnabled: false,
    });
    const route = mocks.named("aws:apigateway/methodSettings:MethodSettings", "api-throttle-widgets-GET").inputs;
    assert.equal(route.methodPath, "widgets/GET");
    assert.equal(route.settings.throttlingRateLimit, 7);
    assert.equal(route.settings.throttlingBurstLimit, 9);
    const account = mocks.named("aws:apigateway/account:Account", "api-account-logging");
    const role = mocks.named("aws:iam/role:Role", "api-cloudwatch-role");
    assert.equal(account.inputs.cloudwatchRoleArn, role.state.arn);
    assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement, [
      { Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });

  it("the account's API Gateway logging role outlives the stack; a stack that does not own it leaves it alone", async () => {
    const owner = await run("dev");
    const kept = [
      owner.named("aws:apigateway/account:Account", "api-account-logging"),
      owner.named("aws:iam/role:Role", "api-cloudwatch-role"),
      owner.named("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "api-cloudwatch-role-logs"),
    ];
    for (const r of kept)
      assert.equal(r.retainOnDelete, true, `${r.name} would reset the account's setting for every API when deleted`);
    const other = await run("dev", undefined, { "ecommerce:apiAccountSettings": false });
    assert.deepEqual(other.ofType("aws:apigateway/account:Account"), []);
    assert.equal(
      other.resources.some((r) => r.name === "api-cloudwatch-role"),
      false,
    );
    assert.ok(other.named("aws:apigateway/stage:Stage", "api-stage"));
  });

  describe("stage cache", () => {
    const cachedRoutes = (fn: BundledFunction, region: string): ApiRoute[] => [
      {
        path: "/things",
        method: "GET",
        authorization: "none",
        integration: lambdaProxy(fn, region),
        invokes: fn,
        optionalQuery: ["sort", "cursor"],
        cacheTtlSeconds: 120,
      },
      {
        path: "/things/{thingId}",
        method: "GET",
        authorization: "none",
        integration: lambdaProxy(fn, region),
        invokes: fn,
        cacheTtlSeconds: 120,
      },
      { path: "/mine", method: "GET", authorization: "cognito", integration: lambdaProxy(fn, region), invokes: fn },
    ];

    it("a cached route gets a cache cluster, its parameters as the cache key, and a TTL; nothing else is cached", async () => {
      const mocks = await run("dev", cachedRoutes);
      const stage = mocks.named("aws:apigateway/stage:Stage", "api-stage").inputs;
      assert.equal(stage.cacheClusterEnabled, true);
      assert.equal(stage.cacheClusterSize, "0.5");
      const doc = documentOf(mocks);
      // Without the path parameter in the key, every /things/{id} would get the first one's answer.
      assert.deepEqual(doc.paths["/things/{thingId}"].get["x-amazon-apigateway-integration"].cacheKeyParameters, [
        "method.request.path.thingId",
      ]);
      assert.deepEqual(doc.paths["/things"].get["x-amazon-apigateway-integration"].cacheKeyParameters, [
        "method.request.querystring.sort",
        "method.request.querystring.cursor",
      ]);
      assert.equal(doc.paths["/mine"].get["x-amazon-apigateway-integration"].cacheKeyParameters, undefined);
      const settings = mocks.named(
        "aws:apigateway/methodSettings:MethodSettings",
        "api-cache-things-thingId-GET",
      ).inputs;
      assert.equal(settings.methodPath, "things/{thingId}/GET");
      assert.equal(settings.settings.cachingEnabled, true);
      assert.equal(settings.settings.cacheTtlInSeconds, 120);
      assert.equal(settings.settings.cacheDataEncrypted, true);
      assert.equal(settings.settings.requireAuthorizationForCacheControl, true);
      assert.equal(settings.settings.unauthorizedCacheControlHeaderStrategy, "SUCCEED_WITHOUT_RESPONSE_HEADER");
      assert.equal(settings.settings.loggingLevel, "ERROR");
      // Every other GET (per-caller answers) stays uncached although a cluster exists.
      assert.equal(
        mocks.named("aws:apigateway/methodSettings:MethodSettings", "api-all-methods").inputs.settings.cachingEnabled,
        false,
      );
      assert.equal(
        mocks.ofType("aws:apigateway/methodSettings:MethodSettings").filter((m) => m.inputs.settings.cachingEnabled)
          .length,
        2,
      );
    });

    it("no cached route (TTL 0): no cache cluster is billed", async () => {
      const mocks = await run("dev", (fn, region) =>
        cachedRoutes(fn, region).map((r) => ({ ...r, cacheTtlSeconds: 0 })),
      );
      const stage = mocks.named("aws:apigateway/stage:Stage", "api-stage").inputs;
      assert.equal(stage.cacheClusterEnabled, false);
      assert.equal(stage.cacheClusterSize, undefined);
      assert.equal(mocks.ofType("aws:apigateway/methodSettings:MethodSettings").length, 1);
    });
  });

  it("refuses a route declared twice", async () => {
    await assert.rejects(
      run("dev", (fn, region) => [...widgetRoutes(fn, region), widgetRoutes(fn, region)[0]]),
      /POST \/widgets is declared twice/,
    );
  });
});
