// Reading the parts of an API Gateway REST proxy event the routes need.
import type { APIGatewayProxyEvent } from "aws-lambda";
import { badRequest } from "./errors";

/** Every value of a header, matched case-insensitively (HTTP header names are). */
export function headerValues(event: APIGatewayProxyEvent, name: string): string[] {
  const wanted = name.toLowerCase();
  const values = new Set<string>();
  for (const [key, list] of Object.entries(event.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === wanted) for (const v of list ?? []) values.add(v);
  }
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) values.add(value);
  }
  return [...values];
}

/** The query string as a plain object; a parameter given twice is ambiguous and refused. */
export function queryParameters(event: APIGatewayProxyEvent): Record<string, string> {
  for (const [key, list] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if ((list?.length ?? 0) > 1) throw badRequest("invalid query", [{ path: key, message: `${key} is given more than once` }]);
  }
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) params[key] = value;
  }
  return params;
}

/** The body parsed as JSON (API Gateway base64-encodes binary media types). */
export function jsonBody(event: APIGatewayProxyEvent): unknown {
  if (event.body === null || event.body === undefined || event.body === "") {
    throw badRequest("request body is required", [{ path: "", message: "send a JSON object" }]);
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest("request body is not valid JSON", [{ path: "", message: (err as Error).message }]);
  }
}
