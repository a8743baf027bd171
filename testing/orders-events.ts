// API Gateway REST proxy events and Lambda contexts for the orders routes, shaped as API
// Gateway sends them (resource template, method, Cognito authorizer claims).
import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import { randomUUID } from "node:crypto";

export interface OrdersEventOptions {
  resource: string;
  method: string;
  /** Concrete path; derived from resource + pathParameters when omitted. */
  path?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else is JSON-encoded. */
  body?: unknown;
  /** Authorizer claims; `null` means the authorizer sent none. */
  claims?: Record<string, string> | null;
}

export function ordersEvent(options: OrdersEventOptions): APIGatewayProxyEvent {
  const path =
    options.path ??
    Object.entries(options.pathParameters ?? {}).reduce((p, [k, v]) => p.replace(`{${k}}`, v), options.resource);
  const headers = options.headers ?? {};
  const body =
    options.body === undefined ? null : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  const query = options.query ?? null;
  return {
    resource: options.resource,
    path,
    httpMethod: options.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      authorizer: options.claims === null ? null : { claims: options.claims ?? { sub: "customer-1" } },
      protocol: "HTTP/1.1",
      httpMethod: options.method,
      identity: {} as APIGatewayProxyEvent["requestContext"]["identity"],
      path: `/dev${path}`,
      stage: "dev",
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: "res",
      resourcePath: options.resource,
    },
  };
}

/** POST /orders as customer `sub` with an Idempotency-Key. */
export function createOrderEvent(sub: string, idempotencyKey: string | undefined, body: unknown): APIGatewayProxyEvent {
  return ordersEvent({
    resource: "/orders",
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(idempotencyKey === undefined ? {} : { "Idempotency-Key": idempotencyKey }),
    },
    body,
    claims: { sub },
  });
}

/** A Lambda context; `remainingTimeMs` is what getRemainingTimeInMillis answers. */
export function lambdaContext(remainingTimeMs = 10_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "orders-test",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:orders-test",
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: "/aws/lambda/orders-test",
    logStreamName: "stream",
    getRemainingTimeInMillis: () => remainingTimeMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
