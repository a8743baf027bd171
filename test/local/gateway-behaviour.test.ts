// API Gateway behaviours the deployed document does not exercise today but a route may
// tomorrow: gateway responses by substitution only, built-in defaults, greedy paths, mock
// response selection, claims in a template ($context.authorizer.claims.sub, as POST
// /events/me uses), response parameter mappings, content types without a model, timeouts.
import * as fc from "fast-check";
import { JSONPath } from "jsonpath-plus";
import * as assert from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { type AwsServiceCall, createLocalGateway, type LocalGateway, type OpenApiDocument } from "../../local/gateway";
import { escapeJavaScript, evaluatePath, renderTemplate } from "../../local/gateway/mapping-template";

const issuer = "http://127.0.0.1:9/pool";

function documentWith(paths: Record<string, unknown>, extra: Partial<OpenApiDocument> = {}): OpenApiDocument {
  return {
    openapi: "3.0.1",
    paths: paths as OpenApiDocument["paths"],
    components: {
      schemas: { Thing: { type: "object", required: ["name"], properties: { name: { type: "string" } } } },
      securitySchemes: {
        cognito: {
          type: "apiKey",
          name: "Authorization",
          in: "header",
          "x-amazon-apigateway-authorizer": { type: "cognito_user_pools", providerARNs: ["arn"] },
        },
      },
    },
    "x-amazon-apigateway-request-validators": { all: { validateRequestBody: true, validateRequestParameters: true } },
    ...extra,
  };
}

const mock = (status: number, body = "") => ({
  type: "mock",
  requestTemplates: { "application/json": `{"statusCode": ${status}}` },
  responses: { default: { statusCode: String(status), responseTemplates: { "application/json": body } } },
});

async function serve(
  document: OpenApiDocument,
  extra: { awsServiceCall?: AwsServiceCall; jwks?: { keys: any[] } } = {},
): Promise<LocalGateway> {
  return createLocalGateway({
    document,
    stageName: "test",
    invokeLambda: async (_arn, event) =>
      new Promise((resolve) =>
        setTimeout(() => resolve({ statusCode: 200, body: event.path }), event.path === "/slow" ? 500 : 0),
      ),
    awsServiceCall: extra.awsServiceCall,
    cognito: { issuer, jwks: extra.jwks ?? { keys: [] } },
  });
}

describe("local API gateway: API Gateway behaviours", () => {
  const open: LocalGateway[] = [];
  const start = async (document: OpenApiDocument, extra?: Parameters<typeof serve>[1]) => {
    const gateway = await serve(document, extra);
    open.push(gateway);
    return gateway;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((g) => g.close()));
  });

  describe("gateway responses", () => {
    it("substitute $context variables only: VTL in a gateway-response template is sent as written", async () => {
      const gateway = await start(
        documentWith(
          {
            "/things": {
              post: {
                "x-amazon-apigateway-request-validator": "all",
                requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
                "x-amazon-apigateway-integration": mock(200),
              },
            },
          },
          {
            "x-amazon-apigateway-gateway-responses": {
              BAD_REQUEST_BODY: {
                statusCode: "422",
                responseParameters: {
                  "gatewayresponse.header.X-Type": "'bad-body'",
                  "gatewayresponse.header.X-Echo": "method.request.header.X-Client",
                },
                responseTemplates: {
                  "application/json":
                    '{"error":$context.error.messageString,"detail":"$util.escapeJavaScript($context.error.validationErrorString)","type":"$context.error.responseType"}',
                },
              },
            },
          },
        ),
      );
      const response = await fetch(`${gateway.url}/things`, {
        method: "POST",
        headers: { "X-Client": "c-1", "Content-Type": "application/json" },
        body: JSON.stringify({ name: 1 }),
      });
      assert.equal(response.status, 422);
      assert.equal(response.headers.get("x-type"), "bad-body");
      assert.equal(response.headers.get("x-echo"), "c-1");
      assert.equal(
        await response.text(),
        '{"error":"Invalid request body","detail":"$util.escapeJavaScript([instance type (integer) does not match any allowed primitive type (allowed: ["string"])])","type":"BAD_REQUEST_BODY"}',
      );
    });

    it('fall back to DEFAULT_4XX, and to API Gateway\'s own {"message": ...} without one', async () => {
      const paths = { "/ok": { get: { "x-amazon-apigateway-integration": mock(200, "{}") } } };
      const bare = await start(documentWith(paths));
      const plain = await fetch(`${bare.url}/missing`);
      assert.equal(plain.status, 403);
      assert.deepEqual(await plain.json(), { message: "Missing Authentication Token" });

      const withDefault = await start(
        documentWith(paths, {
          "x-amazon-apigateway-gateway-responses": {
            DEFAULT_4XX: {
              responseTemplates: {
                "application/json": '{"oops":$context.error.messageString,"id":"$context.requestId"}',
              },
            },
          },
        }),
      );
      const custom = await fetch(`${withDefault.url}/missing`);
      assert.equal(custom.status, 403);
      const body = (await custom.json()) as { oops: string; id: string };
      assert.equal(body.oops, "Missing Authentication Token");
      assert.equal(body.id, custom.headers.get("x-amzn-requestid"));
    });
  });

  describe("routing", () => {
    it("passes the rest of the path to a greedy {proxy+} resource", async () => {
      const lambda = {
        type: "aws_proxy",
        httpMethod: "POST",
        uri: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:1:function:f/invocations",
      };
      const gateway = await start(
        documentWith({
          "/files/{proxy+}": { "x-amazon-apigateway-any-method": { "x-amazon-apigateway-integration": lambda } },
          "/files/index": { get: { "x-amazon-apigateway-integration": mock(200, '"index"') } },
        }),
      );
      assert.equal(await (await fetch(`${gateway.url}/files/a/b%20c.txt`)).text(), "/files/a/b%20c.txt");
      assert.equal(await (await fetch(`${gateway.url}/files/index`)).text(), '"index"');
      assert.equal((await fetch(`${gateway.url}/files`)).status, 403);
    });
  });

  describe("mock integrations", () => {
    it("pick the integration response whose selection pattern matches the status the request template chose", async () => {
      const integration = {
        type: "mock",
        requestTemplates: {
          "application/json": "#if($input.params('fail') == 'yes'){\"statusCode\": 503}#else{\"statusCode\": 200}#end",
        },
        responses: {
          "5\\d{2}": {
            statusCode: "503",
            responseParameters: { "method.response.header.Retry-After": "'5'" },
            responseTemplates: { "application/json": '{"down":true}' },
          },
          default: {
            statusCode: "200",
            responseTemplates: { "application/json": '{"down":false,"stage":"$context.stage"}' },
          },
        },
      };
      const gateway = await start(
        documentWith({ "/status": { get: { "x-amazon-apigateway-integration": integration } } }),
      );
      const up = await fetch(`${gateway.url}/status`);
      assert.deepEqual([up.status, await up.json()], [200, { down: false, stage: "test" }]);
      const down = await fetch(`${gateway.url}/status?fail=yes`);
      assert.deepEqual([down.status, down.headers.get("retry-after"), await down.json()], [503, "5", { down: true }]);
    });
  });

  describe("aws integrations", () => {
    it("give the template the caller's verified claims ($context.authorizer.claims.sub) and map response headers", async () => {
      const { privateKey, publicKey } = await generateKeyPair("RS256");
      const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: "k", alg: "RS256" }] };
      const calls: string[] = [];
      const awsServiceCall: AwsServiceCall = async (_service, _action, body) => {
        calls.push(body);
        return {
          status: 200,
          body: JSON.stringify({ SequenceNumber: "42" }),
          headers: { "x-amzn-RequestId": "backend-1" },
        };
      };
      const integration = {
        type: "aws",
        uri: "arn:aws:apigateway:eu-west-1:kinesis:action/PutRecord",
        passthroughBehavior: "never",
        requestTemplates: {
          "application/json":
            '{"userId":"$context.authorizer.claims.sub","groups":"$context.authorizer.claims[\'cognito:groups\']","data":$input.json(\'$\')}',
        },
        responses: {
          default: {
            statusCode: "200",
            responseParameters: {
              "method.response.header.X-Backend": "integration.response.header.x-amzn-RequestId",
              "method.response.header.X-Seq": "integration.response.body.SequenceNumber",
            },
          },
        },
      };
      const gateway = await start(
        documentWith({
          "/me": { post: { security: [{ cognito: [] }], "x-amazon-apigateway-integration": integration } },
        }),
        { awsServiceCall, jwks },
      );
      const id = await new SignJWT({ token_use: "id", sub: "user-9", "cognito:groups": ["a", "b"] })
        .setProtectedHeader({ alg: "RS256", kid: "k" })
        .setIssuer(issuer)
        .setExpirationTime("1h")
        .sign(privateKey);
      const response = await fetch(`${gateway.url}/me`, {
        method: "POST",
        headers: { Authorization: id, "Content-Type": "application/json" },
        body: '{"userId":"forged"}',
      });
      assert.equal(response.status, 200);
      assert.deepEqual(JSON.parse(calls[0]), { userId: "user-9", groups: "a,b", data: { userId: "forged" } });
      assert.equal(response.headers.get("x-backend"), "backend-1");
      assert.equal(response.headers.get("x-seq"), "42");
      assert.deepEqual(await response.json(), { SequenceNumber: "42" }); // no template: the reply passes through
    });
  });

  describe("request validation", () => {
    it("does not validate a body whose content type has no model, as API Gateway does not", async () => {
      const lambda = {
        type: "aws_proxy",
        httpMethod: "POST",
        uri: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/f/invocations",
      };
      const gateway = await start(
        documentWith({
          "/things": {
            post: {
              "x-amazon-apigateway-request-validator": "all",
              requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
              "x-amazon-apigateway-integration": lambda,
            },
          },
        }),
      );
      assert.equal(
        (
          await fetch(`${gateway.url}/things`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: "{}",
          })
        ).status,
        400,
      );
      assert.equal(
        (await fetch(`${gateway.url}/things`, { method: "POST", body: Buffer.from("{}") })).status,
        400,
        "no Content-Type is taken as JSON",
      );
      assert.equal(
        (
          await fetch(`${gateway.url}/things`, {
            method: "POST",
            headers: { "Content-Type": "text/plain" },
            body: "{}",
          })
        ).status,
        200,
      );
    });

    it("refuses a document whose model ajv cannot compile, at start", async () => {
      const doc = documentWith({
        "/things": {
          post: {
            "x-amazon-apigateway-request-validator": "all",
            requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Broken" } } } },
            "x-amazon-apigateway-integration": mock(200),
          },
        },
      });
      doc.components!.schemas!.Broken = { type: "object", properties: { a: { $ref: "#/components/schemas/Nowhere" } } };
      await assert.rejects(serve(doc));
    });
  });

  describe("timeouts", () => {
    it("answers 504 when the backend takes longer than the integration's timeoutInMillis", async () => {
      const lambda = {
        type: "aws_proxy",
        httpMethod: "POST",
        uri: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/f/invocations",
        timeoutInMillis: 50,
      };
      const gateway = await start(documentWith({ "/slow": { get: { "x-amazon-apigateway-integration": lambda } } }));
      const response = await fetch(`${gateway.url}/slow`);
      assert.equal(response.status, 504);
      assert.deepEqual(await response.json(), { message: "Endpoint request timed out" });
    });
  });

  describe("mapping template helpers", () => {
    it("plain JSONPaths, walked directly, find what JSONPath finds", () => {
      const key = fc.constantFrom("a", "b", "events", "x-y", "0");
      const step = fc.oneof(
        key.map((k) => ({ path: /^[A-Za-z_]\w*$/.test(k) ? `.${k}` : `['${k}']`, key: k as string | number })),
        fc.nat(3).map((n) => ({ path: `[${n}]`, key: n as string | number })),
      );
      fc.assert(
        fc.property(
          fc.oneof(
            fc.dictionary(fc.constantFrom("a", "b", "events", "x-y", "0"), fc.jsonValue({ maxDepth: 3 })),
            fc.array(fc.jsonValue({ maxDepth: 3 })),
          ),
          fc.array(step, { maxLength: 4 }),
          (document, steps) => {
            // jsonpath-plus also indexes into strings ("ab"[0]); Jayway, API Gateway's, does not.
            let at: any = document;
            for (const s of steps) {
              fc.pre(typeof at !== "string");
              at = at?.[s.key];
            }
            const path = `$${steps.map((s) => s.path).join("")}`;
            const found = JSONPath({ path, json: document as object, wrap: true, eval: false }) as unknown[];
            assert.deepEqual(evaluatePath(document, path), found[0], path);
          },
        ),
        { numRuns: 500 },
      );
    });

    it("escapeJavaScript escapes as Java's StringEscapeUtils does", () => {
      assert.equal(escapeJavaScript(`it's "x"/\\\n\té`), `it\\'s \\"x\\"\\/\\\\\\n\\t\\u00E9`);
    });

    it("Java String methods keep Java semantics: replaceAll takes a regex, length() and matches() work", () => {
      const render = (template: string) =>
        renderTemplate(template, {
          body: "{}",
          params: { path: {}, querystring: {}, header: {} },
          context: {},
          stageVariables: {},
        });
      assert.equal(
        render(`#set($s = "a.b.c")$s.replaceAll("\\.", "-") $s.length() $s.matches("[a-c.]+")`),
        "a-b-c 5 true",
      );
    });
  });
});
