// JSON responses for API Gateway's REST proxy integration, each with the CORS origin.
import type { APIGatewayProxyResult } from "aws-lambda";
import { cacheableJson } from "../lib/public-http";
import type { ErrorDetail } from "./errors";

export interface ResponseOptions {
  allowedOrigin: string;
  headers?: Record<string, string>;
}

export function jsonResponse(statusCode: number, body: unknown, options: ResponseOptions): APIGatewayProxyResult {
  return cacheableJson(statusCode, body, {
    allowedOrigin: options.allowedOrigin,
    // Responses are per caller: never let a shared cache hand one customer's orders to another.
    cacheControl: "no-store",
    headers: {
      // Let the storefront's script read the headers that carry meaning beyond the body.
      "Access-Control-Expose-Headers": "Location, Idempotent-Replayed, Retry-After",
      ...options.headers,
    },
  });
}

export function errorResponse(
  statusCode: number,
  error: string,
  details: ErrorDetail[],
  options: ResponseOptions,
): APIGatewayProxyResult {
  return jsonResponse(statusCode, { error, details }, options);
}
