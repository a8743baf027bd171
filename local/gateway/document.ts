// The parts of an API Gateway OpenAPI 3 document (as the Api component deploys it) that decide
// how a request is served: resources and methods, request validators, the Cognito authorizer,
// models and gateway responses. Read once when the gateway starts.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
  components?: {
    schemas?: Record<string, Record<string, unknown>>;
    securitySchemes?: Record<string, Record<string, unknown>>;
  };
  security?: Array<Record<string, string[]>>;
  "x-amazon-apigateway-request-validators"?: Record<
    string,
    { validateRequestBody?: boolean; validateRequestParameters?: boolean }
  >;
  "x-amazon-apigateway-request-validator"?: string;
  "x-amazon-apigateway-gateway-responses"?: Record<string, GatewayResponseDefinition>;
  "x-amazon-apigateway-binary-media-types"?: string[];
  [key: string]: unknown;
}

export interface GatewayResponseDefinition {
  statusCode?: number | string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string>;
}

export interface IntegrationResponse {
  statusCode: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string>;
}

export interface Integration {
  type: "aws_proxy" | "aws" | "mock" | "http" | "http_proxy";
  uri?: string;
  httpMethod?: string;
  passthroughBehavior?: "when_no_match" | "when_no_templates" | "never";
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string>;
  /** Keyed by selection pattern (a regular expression over the backend status), or "default". */
  responses?: Record<string, IntegrationResponse>;
  timeoutInMillis?: number;
}

export interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
}

export interface CognitoAuthorizer {
  name: string;
  /** The request header carrying the token (the security scheme's `name`). */
  header: string;
  /** OAuth scopes the method requires; none means an ID token is required. */
  scopes: string[];
}

/** One method of one resource, everything API Gateway needs to serve it. */
export interface Method {
  /** The resource path template, e.g. "/orders/{orderId}". */
  resourcePath: string;
  /** GET, POST, ... or ANY. */
  httpMethod: string;
  parameters: Parameter[];
  /** Request models by content type, as schema names. */
  bodyModels: Record<string, string>;
  validateBody: boolean;
  validateParameters: boolean;
  authorizer?: CognitoAuthorizer;
  integration: Integration;
}

export interface Api {
  methods: Method[];
  /** Model name → JSON Schema (draft-04). */
  models: Record<string, Record<string, unknown>>;
  gatewayResponses: Record<string, GatewayResponseDefinition>;
  binaryMediaTypes: string[];
}

const httpMethods = ["get", "put", "post", "delete", "options", "head", "patch"];

function schemaName(ref: unknown): string | undefined {
  const match = typeof ref === "string" ? /^#\/components\/schemas\/(.+)$/.exec(ref) : null;
  return match?.[1];
}

function authorizerOf(
  document: OpenApiDocument,
  security: Array<Record<string, string[]>> | undefined,
): CognitoAuthorizer | undefined {
  for (const requirement of security ?? []) {
    for (const [name, scopes] of Object.entries(requirement)) {
      const scheme = document.components?.securitySchemes?.[name];
      const authorizer = scheme?.["x-amazon-apigateway-authorizer"] as { type?: string } | undefined;
      if (authorizer?.type?.toLowerCase() !== "cognito_user_pools") {
        throw new Error(`Security scheme ${name}: only Cognito user pool authorizers are emulated`);
      }
      return { name, header: String(scheme?.name ?? "Authorization"), scopes };
    }
  }
  return undefined;
}

/** Reads the document; throws on what the local gateway cannot serve faithfully. */
export function readDocument(input: OpenApiDocument | string): Api {
  const document: OpenApiDocument = typeof input === "string" ? JSON.parse(input) : input;
  const validators = document["x-amazon-apigateway-request-validators"] ?? {};
  const methods: Method[] = [];
  for (const [resourcePath, operations] of Object.entries(document.paths ?? {})) {
    const pathLevelParameters = (operations.parameters as Parameter[] | undefined) ?? [];
    for (const [key, value] of Object.entries(operations)) {
      const httpMethod =
        key === "x-amazon-apigateway-any-method" ? "ANY" : httpMethods.includes(key) ? key.toUpperCase() : undefined;
      if (!httpMethod) continue;
      const operation = value as Record<string, any>;
      const integration = operation["x-amazon-apigateway-integration"] as Integration | undefined;
      if (!integration) throw new Error(`${httpMethod} ${resourcePath} has no x-amazon-apigateway-integration`);
      const validatorName =
        operation["x-amazon-apigateway-request-validator"] ?? document["x-amazon-apigateway-request-validator"];
      const validator = validatorName ? validators[validatorName] : undefined;
      if (validatorName && !validator)
        throw new Error(`${httpMethod} ${resourcePath}: unknown request validator ${validatorName}`);
      const content = (operation.requestBody?.content ?? {}) as Record<string, { schema?: { $ref?: string } }>;
      const bodyModels: Record<string, string> = {};
      for (const [contentType, media] of Object.entries(content)) {
        const name = schemaName(media.schema?.$ref);
        if (name) bodyModels[contentType.toLowerCase()] = name;
      }
      methods.push({
        resourcePath,
        httpMethod,
        parameters: [...pathLevelParameters, ...((operation.parameters as Parameter[] | undefined) ?? [])].map((p) => ({
          name: p.name,
          in: p.in,
          required: Boolean(p.required),
        })),
        bodyModels,
        validateBody: Boolean(validator?.validateRequestBody),
        validateParameters: Boolean(validator?.validateRequestParameters),
        authorizer: authorizerOf(document, operation.security ?? document.security),
        integration: { ...integration, type: String(integration.type).toLowerCase() as Integration["type"] },
      });
    }
  }
  return {
    methods,
    models: document.components?.schemas ?? {},
    gatewayResponses: document["x-amazon-apigateway-gateway-responses"] ?? {},
    binaryMediaTypes: document["x-amazon-apigateway-binary-media-types"] ?? [],
  };
}
