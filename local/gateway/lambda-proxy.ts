// aws_proxy (Lambda proxy) integrations: the REST API's proxy event (payload format 1.0)
// built from the request, and the function's reply checked the way API Gateway checks it:
// anything but { statusCode, headers?, multiValueHeaders?, body? (string), isBase64Encoded? }
// is a "Malformed Lambda proxy response", answered 502.
import type { APIGatewayProxyEvent } from "aws-lambda";
import type { RequestContext } from "./context";
import type { HttpResponse } from "./gateway-responses";
import type { IncomingApiRequest } from "./request";

export function proxyEvent(args: {
  request: IncomingApiRequest;
  context: RequestContext;
  stageVariables: Record<string, string>;
  binaryMediaTypes: string[];
}): APIGatewayProxyEvent {
  const { request, context } = args;
  const headers = request.headerMaps();
  // A regional endpoint adds the forwarding headers and a trace id (X-Forwarded-For gets the
  // caller's address appended to any the client sent).
  const forwardedFor = [request.header("x-forwarded-for"), context.identity.sourceIp].filter(Boolean).join(", ");
  const added: Record<string, string> = {
    "X-Amzn-Trace-Id": `Root=1-${Math.floor(context.requestTimeEpoch / 1000).toString(16)}-${context.requestId.replace(/-/g, "").slice(0, 24)}`,
    "X-Forwarded-For": forwardedFor,
    "X-Forwarded-Port": context.domainName.split(":")[1] ?? "443",
    "X-Forwarded-Proto": "http",
  };
  for (const [name, value] of Object.entries(added)) {
    for (const existing of Object.keys(headers.single).filter((h) => h.toLowerCase() === name.toLowerCase())) {
      delete headers.single[existing];
      delete headers.multi[existing];
    }
    headers.single[name] = value;
    headers.multi[name] = [value];
  }
  const query = request.queryMaps();
  const hasQuery = Object.keys(query.single).length > 0;
  const binary = isBinary(request.header("content-type"), args.binaryMediaTypes);
  return {
    resource: context.resourcePath,
    path: request.path,
    httpMethod: request.httpMethod,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: hasQuery ? query.single : null,
    multiValueQueryStringParameters: hasQuery ? query.multi : null,
    pathParameters: Object.keys(request.pathParameters).length ? { ...request.pathParameters } : null,
    stageVariables: Object.keys(args.stageVariables).length ? { ...args.stageVariables } : null,
    requestContext: { ...context, authorizer: context.authorizer },
    body: request.body.length === 0 ? null : binary ? request.body.toString("base64") : request.body.toString("utf8"),
    isBase64Encoded: request.body.length > 0 && binary,
  };
}

/** Whether a content type is one of the API's binary media types (exact or type/*). */
export function isBinary(contentType: string | undefined, binaryMediaTypes: string[]): boolean {
  if (!contentType) return false;
  const type = contentType.split(";")[0].trim().toLowerCase();
  return binaryMediaTypes.some((t) => {
    const wanted = t.toLowerCase();
    return wanted === type || wanted === "*/*" || (wanted.endsWith("/*") && type.startsWith(wanted.slice(0, -1)));
  });
}

const allowedKeys = new Set(["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"]);
const scalar = (v: unknown) => typeof v === "string" || typeof v === "number" || typeof v === "boolean";

/** The HTTP response for a function's reply, or undefined when API Gateway would call it malformed. */
export function proxyResponse(
  result: unknown,
  binaryMediaTypes: string[],
  accept: string | undefined,
): HttpResponse | undefined {
  if (!result || typeof result !== "object" || Array.isArray(result)) return undefined;
  const reply = result as Record<string, unknown>;
  if (Object.keys(reply).some((k) => !allowedKeys.has(k))) return undefined;
  const statusCode = reply.statusCode;
  if (typeof statusCode !== "number" || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599)
    return undefined;
  if (reply.body !== undefined && reply.body !== null && typeof reply.body !== "string") return undefined;
  const headers: Record<string, string[]> = {};
  // Both maps are merged; a name in multiValueHeaders takes its values from there only.
  if (reply.headers !== undefined && reply.headers !== null) {
    if (typeof reply.headers !== "object") return undefined;
    for (const [name, value] of Object.entries(reply.headers)) {
      if (!scalar(value)) return undefined;
      headers[name] = [String(value)];
    }
  }
  if (reply.multiValueHeaders !== undefined && reply.multiValueHeaders !== null) {
    if (typeof reply.multiValueHeaders !== "object") return undefined;
    for (const [name, values] of Object.entries(reply.multiValueHeaders)) {
      if (!Array.isArray(values) || !values.every(scalar)) return undefined;
      headers[name] = values.map(String);
    }
  }
  if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
    headers["Content-Type"] = ["application/json"];
  const text = (reply.body as string | undefined) ?? "";
  // A base64 body is decoded only for a binary media type the client accepts; otherwise the
  // client gets the base64 text, as from API Gateway.
  const contentType = Object.entries(headers).find(([h]) => h.toLowerCase() === "content-type")![1][0];
  const decode =
    reply.isBase64Encoded === true &&
    isBinary(contentType, binaryMediaTypes) &&
    (accept === undefined ||
      isBinary(accept.split(",")[0], binaryMediaTypes) ||
      accept.includes(contentType.split(";")[0]));
  return { statusCode, headers, body: decode ? Buffer.from(text, "base64") : text };
}
