// The local API gateway serves the document the real program deploys (dev stack, under
// mocks) the way API Gateway REST would: routing, Cognito authorizer, request validators,
// Lambda proxy events and replies, the Kinesis PutRecords templates, mocks and CORS.
import type { APIGatewayProxyEvent } from "aws-lambda";
import * as assert from "node:assert/strict";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { javaDateString } from "../../local/gateway/claims";
import {
  type AwsServiceCall,
  createLocalGateway,
  type InvokeLambda,
  type LocalGateway,
  type RequestLog,
} from "../../local/gateway";
import { sharedProgramRun } from "../../testing/program";
import { quotaRetryAfterSeconds, throttledRetryAfterSeconds } from "../../components/api";
import { readDocument } from "../../local/gateway/document";
import { GatewayResponses } from "../../local/gateway/gateway-responses";
import { IncomingApiRequest } from "../../local/gateway/request";

const issuer = "http://127.0.0.1:9/local_pool";
const origin = "https://d02958056.cloudfront.net";

interface Keys {
  privateKey: CryptoKey;
  jwks: { keys: JWK[] };
}

async function signingKeys(kid: string): Promise<Keys> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { privateKey, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }] } };
}

async function token(
  keys: Keys,
  claims: Record<string, unknown>,
  options: { expiresIn?: number; iss?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ token_use: "id", sub: "user-1", "cognito:username": "shopper", ...claims })
    .setProtectedHeader({ alg: "RS256", kid: keys.jwks.keys[0].kid! })
    .setIssuer(options.iss ?? issuer)
    .setAudience("client-1")
    .setIssuedAt(now - 10)
    .setExpirationTime(now + (options.expiresIn ?? 3600))
    .sign(keys.privateKey);
}

describe("local API gateway (dev stack document)", function () {
  this.timeout(120000);
  let document: string;
  let streamName: string;
  let poolKeys: Keys;
  let otherKeys: Keys;
  let gateway: LocalGateway;
  const invocations: Array<{ functionArn: string; event: APIGatewayProxyEvent }> = [];
  let lambdaResult: unknown = { statusCode: 200, headers: { "Content-Type": "application/json" }, body: "{}" };
  const serviceCalls: Array<{
    service: string;
    action: string;
    body: string;
    region: string;
    headers: Record<string, string>;
  }> = [];
  let serviceReply: (body: string) => { status: number; body: string } = () => ({
    status: 200,
    body: '{"FailedRecordCount":0,"Records":[]}',
  });
  const logs: RequestLog[] = [];
  const lastLog = () => logs[logs.length - 1];

  const invokeLambda: InvokeLambda = async (functionArn, event) => {
    invocations.push({ functionArn, event });
    if (lambdaResult instanceof Error) throw lambdaResult;
    return lambdaResult;
  };
  const awsServiceCall: AwsServiceCall = async (service, action, body, details) => {
    serviceCalls.push({ service, action, body, ...details });
    return serviceReply(body);
  };

  before(async () => {
    const run = await sharedProgramRun("dev");
    document = run.mocks.named("aws:apigateway/restApiPut:RestApiPut", "api-definition").inputs.body;
    streamName = run.outputs.clickstreamStream as string;
    poolKeys = await signingKeys("pool-key");
    otherKeys = await signingKeys("pool-key");
    gateway = await createLocalGateway({
      document,
      stageName: "v1",
      invokeLambda,
      awsServiceCall,
      cognito: { issuer, jwks: poolKeys.jwks },
      onRequest: (log) => logs.push(log),
    });
  });
  after(async () => gateway?.close());
  beforeEach(() => {
    invocations.length = 0;
    serviceCalls.length = 0;
    lambdaResult = { statusCode: 200, headers: { "Content-Type": "application/json" }, body: "{}" };
    serviceReply = () => ({ status: 200, body: '{"FailedRecordCount":0,"Records":[]}' });
  });

  const call = (path: string, init: RequestInit = {}) => fetch(`${gateway.url}${path}`, init);
  const json = async (response: Response) => JSON.parse(await response.text());

  describe("routing", () => {
    it("serves under the stage prefix, like the deployed invoke URL", async () => {
      assert.match(gateway.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const health = await call("/health");
      assert.equal(health.status, 200);
      assert.deepEqual(await json(health), { status: "ok" });
      assert.equal(health.headers.get("access-control-allow-origin"), origin);
    });

    it("answers an unknown path with the document's MISSING_AUTHENTICATION_TOKEN response (404, JSON, CORS)", async () => {
      for (const [method, path] of [
        ["GET", "/nowhere"],
        ["GET", "/orders/o-1/items"],
        ["DELETE", "/health"],
        ["GET", "/events"],
      ]) {
        const response = await call(path, { method });
        assert.equal(response.status, 404, `${method} ${path}`);
        assert.equal((await json(response)).error, "Not found");
        assert.equal(response.headers.get("access-control-allow-origin"), origin);
        assert.equal(response.headers.get("x-amzn-errortype"), "MissingAuthenticationTokenException");
      }
      assert.equal(invocations.length, 0);
    });

    it("answers 403 Forbidden outside the stage", async () => {
      const response = await fetch(gateway.url.replace(/\/v1$/, "/v2/health"));
      assert.equal(response.status, 403);
      assert.deepEqual(await response.json(), { message: "Forbidden" });
    });

    it("prefers a literal resource over a {param} one, and sends other methods to ANY", async () => {
      const auth = { Authorization: await token(poolKeys, {}) };
      await call("/orders/search?q=shoes", { headers: auth });
      await call("/orders/o-42", { headers: auth });
      await call("/orders/o-42", { method: "DELETE", headers: auth });
      assert.deepEqual(
        invocations.map((i) => [i.event.httpMethod, i.event.resource, i.event.pathParameters]),
        [
          ["GET", "/orders/search", null],
          ["GET", "/orders/{orderId}", { orderId: "o-42" }],
          ["DELETE", "/orders/{orderId}", { orderId: "o-42" }],
        ],
      );
      // GET /orders/search is OrderSearch's; the other /orders routes OrderProcessing's.
      assert.match(invocations[0].functionArn, /^arn:aws:lambda:eu-west-1:123456789012:function:orders-search-api-/);
      assert.match(invocations[1].functionArn, /^arn:aws:lambda:eu-west-1:123456789012:function:orders-api-/);
    });
  });

  describe("API Gateway's own 429s", () => {
    it("render THROTTLED and QUOTA_EXCEEDED from the document: 429, the static Retry-After, exposed to the storefront, JSON body", () => {
      const responses = new GatewayResponses(readDocument(document).gatewayResponses);
      const request = new IncomingApiRequest(
        "POST",
        "/orders",
        "/v1/orders",
        ["Origin", origin],
        "",
        Buffer.alloc(0),
        "127.0.0.1",
      );
      for (const [type, seconds] of [
        ["THROTTLED", throttledRetryAfterSeconds],
        ["QUOTA_EXCEEDED", quotaRetryAfterSeconds],
      ] as const) {
        const response = responses.render(
          { type, message: type === "THROTTLED" ? "Too Many Requests" : "Limit Exceeded" },
          request,
          { requestId: "r-1" },
          {},
        );
        assert.equal(response.statusCode, 429, type);
        assert.deepEqual(response.headers["Retry-After"], [String(seconds)], type);
        assert.deepEqual(response.headers["Access-Control-Expose-Headers"], ["Retry-After"], type);
        assert.deepEqual(response.headers["Access-Control-Allow-Origin"], [origin], type);
        assert.equal(JSON.parse(String(response.body)).type, type);
      }
    });

    it("without a definition of their own they are still 429 (API Gateway's status for both), through DEFAULT_4XX", () => {
      const responses = new GatewayResponses({
        DEFAULT_4XX: { responseTemplates: { "application/json": '{"error":$context.error.messageString}' } },
      });
      const request = new IncomingApiRequest("GET", "/", "/v1/", [], "", Buffer.alloc(0), "127.0.0.1");
      assert.equal(
        responses.render({ type: "THROTTLED", message: "Too Many Requests" }, request, {}, {}).statusCode,
        429,
      );
      assert.equal(
        responses.render({ type: "QUOTA_EXCEEDED", message: "Limit Exceeded" }, request, {}, {}).statusCode,
        429,
      );
    });
  });

  describe("CORS preflight", () => {
    it("answers OPTIONS from the mock integration with the route's methods", async () => {
      const response = await call("/orders", {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "POST" },
      });
      assert.equal(response.status, 204);
      assert.equal(response.headers.get("access-control-allow-origin"), origin);
      assert.deepEqual(response.headers.get("access-control-allow-methods")!.split(",").sort(), [
        "DELETE",
        "GET",
        "OPTIONS",
        "PATCH",
        "POST",
        "PUT",
      ]);
      assert.match(response.headers.get("access-control-allow-headers")!, /Authorization/);
      assert.match(response.headers.get("access-control-allow-headers")!, /Idempotency-Key/);
      assert.equal(response.headers.get("access-control-max-age"), "600");
      assert.equal(await response.text(), "");
      assert.equal(invocations.length, 0);
    });

    it("needs no token for the preflight of a Cognito route", async () => {
      const response = await call("/orders/o-1", { method: "OPTIONS" });
      assert.equal(response.status, 204);
    });
  });

  describe("Cognito authorizer", () => {
    const expectUnauthorized = async (headers: Record<string, string>, message = "Unauthorized") => {
      const response = await call("/orders", { headers });
      assert.equal(response.status, 401);
      assert.equal((await json(response)).error, message);
      assert.equal(lastLog().responseType, "UNAUTHORIZED");
      assert.equal(response.headers.get("access-control-allow-origin"), origin);
      assert.equal(invocations.length, 0);
    };

    it("refuses a request without a token", async () => expectUnauthorized({}));
    it("refuses a token signed by another key", async () =>
      expectUnauthorized({ Authorization: await token(otherKeys, {}) }));
    it("refuses a tampered token", async () => {
      const [header, , signature] = (await token(poolKeys, {})).split(".");
      const forged = Buffer.from(
        JSON.stringify({
          token_use: "id",
          sub: "admin-user",
          "cognito:groups": ["admin"],
          iss: issuer,
          exp: 9999999999,
        }),
      ).toString("base64url");
      await expectUnauthorized({ Authorization: `${header}.${forged}.${signature}` });
    });
    it("refuses an expired token, saying so", async () =>
      expectUnauthorized(
        { Authorization: await token(poolKeys, {}, { expiresIn: -60 }) },
        "The incoming token has expired",
      ));
    it("refuses a token from another issuer", async () =>
      expectUnauthorized({ Authorization: await token(poolKeys, {}, { iss: "http://127.0.0.1:9/other_pool" }) }));
    it("refuses an access token: with no OAuth scopes on the method, API Gateway wants the ID token", async () =>
      expectUnauthorized({
        Authorization: await token(poolKeys, { token_use: "access", scope: "openid email", client_id: "client-1" }),
      }));

    it("accepts the ID token raw or after Bearer", async () => {
      const id = await token(poolKeys, {});
      for (const value of [id, `Bearer ${id}`])
        assert.equal((await call("/orders", { headers: { Authorization: value } })).status, 200);
      assert.equal(invocations.length, 2);
    });

    it("flattens the claims to strings as the REST API does: groups comma-joined, exp/iat as Java dates", async () => {
      const id = await token(poolKeys, {
        "cognito:groups": ["admin", "staff"],
        email_verified: true,
        auth_time: 1680629979,
        email: "a@example.com",
      });
      await call("/orders", { headers: { Authorization: id } });
      const claims = invocations[0].event.requestContext.authorizer!.claims;
      const payload = JSON.parse(Buffer.from(id.split(".")[1], "base64url").toString());
      assert.deepEqual(claims, {
        token_use: "id",
        sub: "user-1",
        "cognito:username": "shopper",
        "cognito:groups": "admin,staff",
        email_verified: "true",
        auth_time: "1680629979",
        email: "a@example.com",
        iss: issuer,
        aud: "client-1",
        iat: javaDateString(payload.iat),
        exp: javaDateString(payload.exp),
      });
      assert.ok(Object.values(claims).every((v) => typeof v === "string"));
    });

    it("renders a single group as the bare name", async () => {
      await call("/orders", { headers: { Authorization: await token(poolKeys, { "cognito:groups": ["admin"] }) } });
      assert.equal(invocations[0].event.requestContext.authorizer!.claims["cognito:groups"], "admin");
    });

    it("formats dates as java.util.Date#toString in UTC", () => {
      assert.equal(javaDateString(1680633579), "Tue Apr 04 18:39:39 UTC 2023");
      assert.equal(javaDateString(0), "Thu Jan 01 00:00:00 UTC 1970");
    });
  });

  describe("request validation", () => {
    const order = { lines: [{ sku: "TSHIRT-RED-M", quantity: 1 }] };

    it("refuses POST /orders without Idempotency-Key before the function runs (BAD_REQUEST_PARAMETERS)", async () => {
      const response = await call("/orders", {
        method: "POST",
        headers: { Authorization: await token(poolKeys, {}), "Content-Type": "application/json" },
        body: JSON.stringify(order),
      });
      assert.equal(response.status, 400);
      assert.equal(response.headers.get("x-amzn-errortype"), "BadRequestException");
      assert.equal(response.headers.get("access-control-allow-origin"), origin);
      assert.match(await response.text(), /Missing required request parameters: \[Idempotency-Key\]/);
      assert.equal(lastLog().responseType, "BAD_REQUEST_PARAMETERS");
      assert.equal(lastLog().validationErrorString, "Missing required request parameters: [Idempotency-Key]");
      assert.equal(invocations.length, 0);
    });

    it("counts a blank required header as missing", async () => {
      const response = await call("/orders", {
        method: "POST",
        headers: { Authorization: await token(poolKeys, {}), "Idempotency-Key": " " },
        body: JSON.stringify(order),
      });
      assert.equal(response.status, 400);
    });

    it("refuses a body that breaks the model (draft-04), naming what is wrong", async () => {
      const response = await call("/orders", {
        method: "POST",
        headers: {
          Authorization: await token(poolKeys, {}),
          "Idempotency-Key": "k-1",
          "Content-Type": "application/json",
        },
        body: JSON.stringify({ lines: [{ sku: "TSHIRT-RED-M", quantity: 0 }], price: 1 }),
      });
      assert.equal(response.status, 400);
      assert.match(await response.text(), /Invalid request body/);
      assert.equal(lastLog().responseType, "BAD_REQUEST_BODY");
      assert.match(
        lastLog().validationErrorString!,
        /numeric instance is lower than the required minimum \(minimum: 1, found: 0\)/,
      );
      assert.match(
        lastLog().validationErrorString!,
        /object instance has properties which are not allowed by the schema: \["price"\]/,
      );
      assert.equal(invocations.length, 0);
    });

    it("checks the token before the request: an invalid request without a token is 401", async () => {
      const response = await call("/orders", { method: "POST", body: "{}" });
      assert.equal(response.status, 401);
    });

    it("passes a valid order to the function", async () => {
      const response = await call("/orders", {
        method: "POST",
        headers: {
          Authorization: await token(poolKeys, {}),
          "Idempotency-Key": "k-1",
          "Content-Type": "application/json",
        },
        body: JSON.stringify(order),
      });
      assert.equal(response.status, 200);
      assert.deepEqual(JSON.parse(invocations[0].event.body!), order);
    });
  });

  describe("Lambda proxy integration", () => {
    it("builds the REST proxy event exactly", async () => {
      const id = await token(poolKeys, { "cognito:groups": ["admin"] });
      await call("/orders/o-7?limit=5&tag=a&tag=b", {
        headers: { Authorization: id, "X-Trace": "one", "User-Agent": "test-agent" },
      });
      await call("/orders/o-8", { headers: { Authorization: id, "X-Forwarded-For": "203.0.113.9" } });
      assert.equal(invocations[1].event.headers["X-Forwarded-For"], "203.0.113.9, 127.0.0.1");
      const { event } = invocations[0];
      assert.equal(event.resource, "/orders/{orderId}");
      assert.equal(event.path, "/orders/o-7");
      assert.equal(event.httpMethod, "GET");
      assert.equal(event.headers["X-Trace"], "one");
      assert.deepEqual(event.multiValueHeaders["X-Trace"], ["one"]);
      assert.equal(event.headers.Authorization, id);
      assert.equal(event.headers["X-Forwarded-For"], "127.0.0.1");
      assert.equal(event.headers["X-Forwarded-Proto"], "http");
      assert.equal(event.headers["X-Forwarded-Port"], new URL(gateway.url).port);
      assert.match(event.headers["X-Amzn-Trace-Id"]!, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
      assert.deepEqual(event.queryStringParameters, { limit: "5", tag: "b" });
      assert.deepEqual(event.multiValueQueryStringParameters, { limit: ["5"], tag: ["a", "b"] });
      assert.deepEqual(event.pathParameters, { orderId: "o-7" });
      assert.equal(event.stageVariables, null);
      assert.equal(event.body, null);
      assert.equal(event.isBase64Encoded, false);
      const rc = event.requestContext;
      assert.equal(rc.resourcePath, "/orders/{orderId}");
      assert.equal(rc.httpMethod, "GET");
      assert.equal(rc.stage, "v1");
      assert.equal(rc.path, "/v1/orders/o-7");
      assert.match(rc.requestId, /^[0-9a-f-]{36}$/);
      assert.equal(rc.identity.sourceIp, "127.0.0.1");
      assert.equal(rc.identity.userAgent, "test-agent");
      assert.match(rc.requestTime ?? "", /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
      assert.equal(rc.authorizer!.claims.sub, "user-1");
    });

    it("returns the function's status, headers, multi-value headers and body", async () => {
      lambdaResult = {
        statusCode: 201,
        headers: { "Content-Type": "application/json", "X-One": "1" },
        multiValueHeaders: { "Set-Cookie": ["a=1", "b=2"] },
        body: '{"orderId":"o-1"}',
      };
      const response = await call("/orders", { headers: { Authorization: await token(poolKeys, {}) } });
      assert.equal(response.status, 201);
      assert.equal(response.headers.get("x-one"), "1");
      assert.deepEqual(response.headers.getSetCookie(), ["a=1", "b=2"]);
      assert.deepEqual(await response.json(), { orderId: "o-1" });
      assert.ok(response.headers.get("x-amzn-requestid"));
    });

    for (const [name, result] of [
      ["a body that is not a string", { statusCode: 200, body: { orderId: "o-1" } }],
      ["no statusCode", { body: "{}" }],
      ["a statusCode that is a string", { statusCode: "200", body: "{}" }],
      ["a key API Gateway does not know", { statusCode: 200, body: "{}", extra: 1 }],
      ["a plain value", "done"],
    ] as const) {
      it(`answers 502 for a malformed reply: ${name}`, async () => {
        lambdaResult = result;
        const response = await call("/orders", { headers: { Authorization: await token(poolKeys, {}) } });
        assert.equal(response.status, 502);
        assert.equal((await json(response)).error, "Internal server error");
        assert.equal(response.headers.get("access-control-allow-origin"), origin);
      });
    }

    it("answers 502 when the function fails", async () => {
      lambdaResult = new Error("boom");
      const response = await call("/orders", { headers: { Authorization: await token(poolKeys, {}) } });
      assert.equal(response.status, 502);
    });

    it("logs each request as the access log would, with gateway and backend time", async () => {
      logs.length = 0;
      const response = await call("/orders", { headers: { Authorization: await token(poolKeys, {}) } });
      assert.equal(logs.length, 1);
      assert.equal(logs[0].requestId, response.headers.get("x-amzn-requestid"));
      assert.equal(logs[0].resourcePath, "/orders");
      assert.equal(logs[0].path, "/v1/orders");
      assert.equal(logs[0].status, 200);
      assert.equal(logs[0].responseType, undefined);
      assert.ok(logs[0].integrationMs <= logs[0].totalMs);
    });
  });

  describe("POST /events (Kinesis PutRecords through the mapping templates)", () => {
    const events = [
      {
        eventId: "e-1",
        eventType: "page_view",
        sessionId: "s-1",
        timestamp: 1764590000000,
        page: { url: "https://shop.example/" },
      },
      {
        eventId: "e-2",
        eventType: "product_view",
        sessionId: "s-2",
        itemId: "SKU-1",
        timestamp: "2026-12-01T11:00:00Z",
      },
    ];
    const post = (body: unknown, headers: Record<string, string> = { "Content-Type": "application/json" }) =>
      call("/events", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });

    it("renders the exact PutRecords request", async () => {
      serviceReply = () => ({
        status: 200,
        body: JSON.stringify({
          FailedRecordCount: 0,
          Records: [
            { SequenceNumber: "1", ShardId: "shardId-000000000000" },
            { SequenceNumber: "2", ShardId: "shardId-000000000000" },
          ],
        }),
      });
      const response = await post({ events });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { accepted: 2, failed: 0, failedIndexes: [] });
      assert.equal(response.headers.get("access-control-allow-origin"), origin);
      assert.equal(serviceCalls.length, 1);
      const [request] = serviceCalls;
      assert.equal(request.service, "kinesis");
      assert.equal(request.action, "PutRecords");
      assert.equal(request.region, "eu-west-1");
      assert.deepEqual(request.headers, { "Content-Type": "application/x-amz-json-1.1" });
      const body = JSON.parse(request.body);
      assert.equal(body.StreamName, streamName);
      assert.deepEqual(
        body.Records,
        events.map((e) => ({ Data: Buffer.from(JSON.stringify(e)).toString("base64"), PartitionKey: e.sessionId })),
      );
    });

    it("tells the client which records to resend when Kinesis fails some", async () => {
      serviceReply = () => ({
        status: 200,
        body: JSON.stringify({
          FailedRecordCount: 1,
          Records: [
            { SequenceNumber: "1", ShardId: "shardId-000000000000" },
            { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "Rate exceeded" },
          ],
        }),
      });
      const response = await post({ events });
      assert.deepEqual(await response.json(), { accepted: 1, failed: 1, failedIndexes: [1] });
    });

    for (const [status, type, expected] of [
      [400, "ProvisionedThroughputExceededException", 429],
      [400, "KMSThrottlingException", 429],
      [400, "ValidationException", 400],
      [400, "AccessDeniedException", 500],
      [400, "ResourceNotFoundException", 500],
      [500, "InternalFailure", 503],
      [503, "ServiceUnavailable", 503],
    ] as const) {
      it(`maps a Kinesis ${status} ${type} to ${expected}`, async () => {
        serviceReply = () => ({ status, body: JSON.stringify({ __type: type, message: "no" }) });
        const response = await post({ events });
        assert.equal(response.status, expected);
        const reply = (await response.json()) as { error: unknown; reason: unknown };
        assert.equal(reply.reason, type);
        assert.equal(typeof reply.error, "string");
        assert.equal(response.headers.get("access-control-allow-origin"), origin);
      });
    }

    it("refuses a batch that breaks the model before calling Kinesis", async () => {
      for (const body of [
        { events: [] },
        { events: [{ ...events[0], eventType: "nope" }] },
        { events: [{ ...events[0], sessionId: undefined }] },
        { events: [{ ...events[0], extra: 1 }] },
        { events, extra: 1 },
      ]) {
        const response = await post(body);
        assert.equal(response.status, 400, JSON.stringify(body));
      }
      const tooMany = { events: Array.from({ length: 501 }, (_, i) => ({ ...events[0], eventId: `e-${i}` })) };
      assert.equal((await post(tooMany)).status, 400);
      assert.equal(serviceCalls.length, 0);
    });

    it("refuses a body that is not JSON with 415 (passthroughBehavior never)", async () => {
      const response = await post("events=1", { "Content-Type": "text/plain" });
      assert.equal(response.status, 415);
      assert.equal(response.headers.get("access-control-allow-origin"), origin);
      assert.equal(serviceCalls.length, 0);
    });
  });
});
