// API Gateway's own answers (unknown route, refused token, failed validation, backend failure)
// shaped by the document's x-amazon-apigateway-gateway-responses. API Gateway does not run
// VTL here: it only substitutes `$context.*` and `$stageVariables.*`, so neither does this.
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-gateway-responses.responseTemplates.html)
import type { GatewayResponseDefinition } from "./document";
import type { IncomingApiRequest } from "./request";

export type GatewayResponseType =
  | "MISSING_AUTHENTICATION_TOKEN"
  | "UNAUTHORIZED"
  | "BAD_REQUEST_PARAMETERS"
  | "BAD_REQUEST_BODY"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "REQUEST_TOO_LARGE"
  | "THROTTLED"
  | "QUOTA_EXCEEDED"
  | "INTEGRATION_FAILURE"
  | "INTEGRATION_TIMEOUT"
  | "API_CONFIGURATION_ERROR"
  | "DEFAULT_4XX"
  | "DEFAULT_5XX";

/** The status API Gateway gives each response type when the document does not set one. */
const defaultStatus: Record<GatewayResponseType, number> = {
  MISSING_AUTHENTICATION_TOKEN: 403,
  UNAUTHORIZED: 401,
  BAD_REQUEST_PARAMETERS: 400,
  BAD_REQUEST_BODY: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  REQUEST_TOO_LARGE: 413,
  THROTTLED: 429,
  QUOTA_EXCEEDED: 429,
  INTEGRATION_FAILURE: 504,
  INTEGRATION_TIMEOUT: 504,
  API_CONFIGURATION_ERROR: 500,
  DEFAULT_4XX: 400,
  DEFAULT_5XX: 500,
};

/** The x-amzn-ErrorType header API Gateway sends with the common ones. */
const errorTypeHeader: Partial<Record<GatewayResponseType, string>> = {
  MISSING_AUTHENTICATION_TOKEN: "MissingAuthenticationTokenException",
  UNAUTHORIZED: "UnauthorizedException",
  BAD_REQUEST_PARAMETERS: "BadRequestException",
  BAD_REQUEST_BODY: "BadRequestException",
  UNSUPPORTED_MEDIA_TYPE: "UnsupportedMediaTypeException",
};

const builtInTemplate = '{"message":$context.error.messageString}';

export interface GatewayError {
  type: GatewayResponseType;
  message: string;
  /** The validator's findings (BAD_REQUEST_*), else empty. */
  validationErrorString?: string;
  /** A status other than the type's default (502 for a malformed Lambda reply). */
  statusCode?: number;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string[]>;
  body: string | Buffer;
}

/** Looks up a dotted path ("error.message", "authorizer.claims.sub") in a nested object. */
export function lookup(root: unknown, path: string): unknown {
  let value: any = root;
  for (const key of path.split(".")) {
    if (value === null || value === undefined || typeof value !== "object") return undefined;
    value = value[key];
  }
  return value;
}

/** Plain `$context.x.y` / `$stageVariables.x` substitution, as gateway responses get. */
export function substitute(
  template: string,
  variables: { context: object; stageVariables: Record<string, string> },
): string {
  return template.replace(
    /\$(context|stageVariables)((?:\.[A-Za-z0-9_:-]+)+)/g,
    (_whole, root: string, dotted: string) => {
      const value =
        root === "context" ? lookup(variables.context, dotted.slice(1)) : variables.stageVariables[dotted.slice(1)];
      return value === undefined || value === null
        ? ""
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value);
    },
  );
}

/** A header mapping value: 'literal', or a request parameter / context / stage variable. */
export function mappedValue(
  expression: string,
  request: IncomingApiRequest,
  context: object,
  stageVariables: Record<string, string>,
): string | undefined {
  const literal = /^'(.*)'$/s.exec(expression);
  if (literal) return literal[1];
  const header = /^method\.request\.header\.(.+)$/.exec(expression);
  if (header) return request.header(header[1]);
  const query = /^method\.request\.querystring\.(.+)$/.exec(expression);
  if (query) return request.query.get(query[1]) ?? undefined;
  const path = /^method\.request\.path\.(.+)$/.exec(expression);
  if (path) return request.pathParameters[path[1]];
  const stage = /^stageVariables\.(.+)$/.exec(expression);
  if (stage) return stageVariables[stage[1]];
  const ctx = /^context\.(.+)$/.exec(expression);
  if (ctx) {
    const value = lookup(context, ctx[1]);
    return value === undefined ? undefined : String(value);
  }
  return undefined;
}

/** Picks the template for the client's Accept header, else application/json, else the first. */
export function chooseTemplate(
  templates: Record<string, string> | undefined,
  accept: string | undefined,
): [string, string] | undefined {
  const entries = Object.entries(templates ?? {});
  if (entries.length === 0) return undefined;
  const wanted = (accept ?? "").split(",").map((t) => t.split(";")[0].trim().toLowerCase());
  return (
    entries.find(([type]) => wanted.includes(type.toLowerCase())) ??
    entries.find(([type]) => type === "application/json") ??
    entries[0]
  );
}

export class GatewayResponses {
  constructor(private readonly definitions: Record<string, GatewayResponseDefinition>) {}

  /** The document's response for `type`, else its DEFAULT_4XX / DEFAULT_5XX, else API Gateway's. */
  private definitionFor(type: GatewayResponseType, status: number): GatewayResponseDefinition {
    return this.definitions[type] ?? this.definitions[status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX"] ?? {};
  }

  render(
    error: GatewayError,
    request: IncomingApiRequest,
    context: object,
    stageVariables: Record<string, string>,
  ): HttpResponse {
    const builtIn = error.statusCode ?? defaultStatus[error.type];
    const definition = this.definitionFor(error.type, builtIn);
    const statusCode =
      error.statusCode ??
      (definition.statusCode !== undefined && this.definitions[error.type] ? Number(definition.statusCode) : builtIn);
    const errorContext = {
      ...context,
      error: {
        message: error.message,
        messageString: JSON.stringify(error.message),
        responseType: error.type,
        validationErrorString: error.validationErrorString ?? "",
      },
    };
    const [contentType, template] = chooseTemplate(definition.responseTemplates, request.header("accept")) ?? [
      "application/json",
      builtInTemplate,
    ];
    const headers: Record<string, string[]> = { "Content-Type": [contentType] };
    const errorType = errorTypeHeader[error.type];
    if (errorType) headers["x-amzn-ErrorType"] = [errorType];
    for (const [target, expression] of Object.entries(definition.responseParameters ?? {})) {
      const name = /^gatewayresponse\.header\.(.+)$/.exec(target)?.[1];
      const value = name ? mappedValue(expression, request, errorContext, stageVariables) : undefined;
      if (name && value !== undefined) headers[name] = [value];
    }
    return { statusCode, headers, body: substitute(template, { context: errorContext, stageVariables }) };
  }
}
