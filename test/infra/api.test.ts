import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { accessLogFormat, Api, ApiRoute, lambdaProxy } from "../../components/api";
import { BundledFunction } from "../../components/lib/function";
import { accountId } from "../../testing/mocks";
import { runComponents } from "../../testing/program";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../components/lib/bundle";

const userPoolArn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc";
const origin = "https://shop.example.com";
const entry = fs.readdirSync(path.join(repoRoot, "handlers")).map((d) => `handlers/${d}/index.ts`).find((e) => fs.existsSync(path.join(repoRoot, e)))!;

function run(stack: "dev" | "prod", extraRoutes: (fn: BundledFunction, region: string) => ApiRoute[] = () => []) {
  return runComponents(stack, (c) => {
    const fn = new BundledFunction("widgets", { entry, description: "d", memoryMb: 256, timeoutSeconds: 10, logRetentionDays: 14 });
    new Api("api", { config: c, userPoolArn, allowedOrigin: origin, routes: extraRoutes(fn, c.region) });
  });
}

const widgetRoutes = (fn: BundledFunction, region: string): ApiRoute[] => [
  {
    path: "/widgets", method: "POST", authorization: "cognito", integration: lambdaProxy(fn, region), invokes: fn,
    bodySchema: { name: "CreateWidget", schema: { type: "object", required: ["name"], properties: { name: { type: "string" } } } },
    requiredHeaders: ["Idempotency-Key"],
  },
  { path: "/widgets/{widgetId}", method: "GET", authorization: "cognito", integration: lambdaProxy(fn, region), invokes: fn },
  { path: "/widgets", method: "GET", authorization: "none", integration: lambdaProxy(fn, region), invokes: fn, optionalQuery: ["cursor"], throttle: { rateLimit: 7, burstLimit: 9 } },
];

const documentOf = (mocks: Awaited<ReturnType<typeof run>>) => JSON.parse(mocks.named("aws:apigateway/restApi:RestApi", "api-rest").inputs.body);

describe("Api", () => {
  it("is one regional REST API defined by an OpenAPI document, with GET /health as a mock", async () => {
    const mocks = await run("dev");
    const api = mocks.named("aws:apigateway/restApi:RestApi", "api-rest").inputs;
    assert.deepEqual(api.endpointConfiguration, { types: "REGIONAL" });
    const doc = documentOf(mocks);
    assert.equal(doc.openapi, "3.0.1");
    const health = doc.paths["/health"].get;
    assert.equal(health["x-amazon-apigateway-integration"].type, "mock");
    assert.equal(health["x-amazon-apigateway-integration"].responses.default.responseTemplates["application/json"], '{"status":"ok"}');
    assert.equal(health.security, undefined);
  });

  it("routes: Cognito authorizer on the user pool, request validation, lambda proxy, CORS preflight", async () => {
    const mocks = await run("dev", widgetRoutes);
    const doc = documentOf(mocks);
    assert.deepEqual(doc.components.securitySchemes.cognito["x-amazon-apigateway-authorizer"], { type: "cognito_user_pools", providerARNs: [userPoolArn] });
    const post = doc.paths["/widgets"].post;
    assert.deepEqual(post.security, [{ cognito: [] }]);
    assert.equal(post["x-amazon-apigateway-request-validator"], "body-and-params");
    assert.deepEqual(doc["x-amazon-apigateway-request-validators"]["body-and-params"], { validateRequestBody: true, validateRequestParameters: true });
    assert.equal(post.requestBody.content["application/json"].schema.$ref, "#/components/schemas/CreateWidget");
    assert.deepEqual(doc.components.schemas.CreateWidget.required, ["name"]);
    assert.deepEqual(post.parameters, [{ name: "Idempotency-Key", in: "header", required: true, schema: { type: "string" } }]);
    const fnArn = mocks.named("aws:lambda/function:Function", "widgets").state.arn;
    assert.equal(post["x-amazon-apigateway-integration"].type, "aws_proxy");
    assert.equal(post["x-amazon-apigateway-integration"].uri, `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${fnArn}/invocations`);
    assert.deepEqual(doc.paths["/widgets/{widgetId}"].get.parameters, [{ name: "widgetId", in: "path", required: true, schema: { type: "string" } }]);
    assert.equal(doc.paths["/widgets"].get.security, undefined);

    const preflight = doc.paths["/widgets"].options["x-amazon-apigateway-integration"].responses.default.responseParameters;
    assert.equal(preflight["method.response.header.Access-Control-Allow-Origin"], `'${origin}'`);
    assert.equal(preflight["method.response.header.Access-Control-Allow-Methods"], "'POST,GET,OPTIONS'");
    assert.match(preflight["method.response.header.Access-Control-Allow-Headers"], /Authorization/);
    assert.match(preflight["method.response.header.Access-Control-Allow-Headers"], /Idempotency-Key/);
  });

  it("API Gateway's own errors carry CORS headers and JSON; unknown paths are 404; validation errors say why", async () => {
    const responses = documentOf(await run("dev"))["x-amazon-apigateway-gateway-responses"];
    for (const type of ["DEFAULT_4XX", "DEFAULT_5XX", "BAD_REQUEST_BODY", "MISSING_AUTHENTICATION_TOKEN"]) {
      assert.equal(responses[type].responseParameters["gatewayresponse.header.Access-Control-Allow-Origin"], `'${origin}'`, type);
    }
    assert.equal(responses.MISSING_AUTHENTICATION_TOKEN.statusCode, 404);
    for (const type of ["BAD_REQUEST_BODY", "BAD_REQUEST_PARAMETERS"]) {
      // escapeJavaScript turns ' into \' (not JSON); AWS documents undoing it with replaceAll.
      assert.ok(responses[type].responseTemplates["application/json"].includes(`$util.escapeJavaScript($context.error.validationErrorString).replaceAll("\\\\'","'")`), type);
    }
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
    const body = before.named("aws:apigateway/restApi:RestApi", "api-rest").inputs.body;
    assert.equal(deployment.triggers.document, createHash("sha256").update(body).digest("hex"));
    const after = await run("dev", widgetRoutes);
    assert.notEqual(after.named("aws:apigateway/deployment:Deployment", "api-deployment").inputs.triggers.document, deployment.triggers.document);
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
    assert.deepEqual(all.settings, { metricsEnabled: true, loggingLevel: "ERROR", dataTraceEnabled: false, throttlingRateLimit: 1000, throttlingBurstLimit: 2000 });
    const route = mocks.named("aws:apigateway/methodSettings:MethodSettings", "api-throttle-widgets-GET").inputs;
    assert.equal(route.methodPath, "widgets/GET");
    assert.equal(route.settings.throttlingRateLimit, 7);
    assert.equal(route.settings.throttlingBurstLimit, 9);
    const account = mocks.named("aws:apigateway/account:Account", "api-account-logging");
    const role = mocks.named("aws:iam/role:Role", "api-cloudwatch-role");
    assert.equal(account.inputs.cloudwatchRoleArn, role.state.arn);
    assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement, [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }]);
  });

  it("refuses a route declared twice", async () => {
    await assert.rejects(run("dev", (fn, region) => [...widgetRoutes(fn, region), widgetRoutes(fn, region)[0]]), /POST \/widgets is declared twice/);
  });
});
