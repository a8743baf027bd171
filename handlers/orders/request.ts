// Reading the parts of an API Gateway REST proxy event the routes need.
import type { APIGatewayProxyEvent } from "aws-lambda";
import { badRequest, HttpError } from "./errors";

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
    if ((list?.length ?? 0) > 1)
      throw badRequest("invalid query", [{ path: key, message: `${key} is given more than once` }]);
  }
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) params[key] = value;
  }
  return params;
}

/** `application/json`, optionally with `charset=utf-8` (JSON is UTF-8: RFC 8259 §8.1). */
const jsonMediaType = /^application\/json[ \t]*(?:;[ \t]*charset[ \t]*=[ \t]*"?utf-8"?[ \t]*)?$/i;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The body parsed as JSON. Only `Content-Type: application/json` (charset utf-8, if any) is
 * read (415 otherwise); a leading byte-order mark is skipped, as RFC 8259 allows parsers to.
 * API Gateway base64-encodes binary media types: that is decoded, and must be UTF-8.
 */
export function jsonBody(event: APIGatewayProxyEvent): unknown {
  const types = headerValues(event, "Content-Type");
  if (types.length !== 1 || !jsonMediaType.test(types[0].trim())) {
    throw new HttpError(415, "request body must be JSON", [
      {
        path: "headers.Content-Type",
        message: `send Content-Type: application/json (optionally ; charset=utf-8), not ${types.length === 0 ? "none" : JSON.stringify(types.join(", "))}`,
      },
    ]);
  }
  if (event.body === null || event.body === undefined || event.body === "") {
    throw badRequest("request body is required", [{ path: "", message: "send a JSON object" }]);
  }
  let text = event.body;
  if (event.isBase64Encoded) {
    try {
      text = utf8.decode(Buffer.from(event.body, "base64"));
    } catch {
      throw badRequest("request body is not UTF-8", [{ path: "", message: "send JSON encoded as UTF-8" }]);
    }
  }
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest("request body is not valid JSON", [{ path: "", message: (err as Error).message }]);
  }
}
