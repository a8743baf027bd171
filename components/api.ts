// The REST API: one regional API Gateway defined by a single OpenAPI document assembled from
// the routes the other components declare. A route change changes the document, whose hash
// redeploys the stage. The stage has JSON access logs, metrics, X-Ray and throttling.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import * as z from "zod";
import { corsAllowedHeaders, corsMaxAgeSeconds, type HttpMethod, type RouteContract } from "../handlers/shared/http";
import type { PlatformConfig } from "./config";
import { gatewayModel, isValidModelName } from "./lib/api-model";
import { aliasRecords, validatedCertificate } from "./lib/dns";
import type { BundledFunction } from "./lib/function";
import { apiGatewayTrustPolicy, callerContext } from "./lib/iam";
import type { MonitoringTargets } from "./lib/monitoring-targets";

export type ApiConfig = Pick<
  PlatformConfig,
  "stage" | "region" | "logRetentionDays" | "apiRateLimit" | "apiBurstLimit" | "apiAccountSettings"
> &
  Partial<Pick<PlatformConfig, "apiDomainName" | "apiHostedZoneId">>;

export type { HttpMethod };

/** One method on one path, as another component declares it. */
export interface ApiRoute {
  /** Resource path, e.g. "/orders/{orderId}". */
  path: string;
  method: HttpMethod;
  /** "cognito": a valid user-pool token is required (401 otherwise). */
  authorization: "cognito" | "none";
  /** The `x-amazon-apigateway-integration` object (see lambdaProxy / mockJson). */
  integration: pulumi.Input<Record<string, unknown>>;
  /** The function the integration invokes: the Api grants API Gateway this exact route. */
  invokes?: BundledFunction;
  /**
   * JSON Schema (draft-04) the request body must satisfy; checked before the backend runs.
   * The document carries only what API Gateway's import keeps of it (lib/api-model.ts): the
   * backend validates the whole schema again.
   */
  bodySchema?: { name: string; schema: Record<string, unknown> };
  /** Headers and query-string parameters that must be present. */
  requiredHeaders?: string[];
  requiredQuery?: string[];
  /** Optional query-string parameters (documented; not required). */
  optionalQuery?: string[];
  /** Route throttling tighter or looser than the stage's. */
  throttle?: { rateLimit: number; burstLimit: number };
  /**
   * Serve this public GET from the stage cache for this many seconds, keyed by its path and
   * query parameters. Only for answers that are the same for every caller. 0 or absent: never.
   */
  cacheTtlSeconds?: number;
}

export interface ApiArgs {
  config: ApiConfig;
  /** The user pool whose tokens the Cognito authorizer accepts. */
  userPoolArn: pulumi.Input<string>;
  /** The one browser origin allowed by CORS (the storefront URL). */
  allowedOrigin: pulumi.Input<string>;
  routes: ApiRoute[];
}

export const stageName = "v1";

/** The partition an ARN lives in (aws, aws-cn, aws-us-gov): `arn:<partition>:...`. */
const partitionOf = (arn: string) => arn.split(":")[1];

/** Lambda proxy integration for `fn` (the function answers with status, headers and body). */
export function lambdaProxy(fn: BundledFunction, region: string): pulumi.Output<Record<string, unknown>> {
  // API Gateway's service ARN is in the function's partition.
  return fn.arn
    .apply((arn) => `arn:${partitionOf(arn)}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`)
    .apply(
      (uri): Record<string, unknown> => ({
        type: "aws_proxy",
        httpMethod: "POST",
        uri,
        passthroughBehavior: "when_no_match",
        timeoutInMillis: 29000,
      }),
    );
}

/** A mock integration answering 200 with a fixed JSON body. */
export function mockJson(
  body: Record<string, unknown>,
  allowedOrigin: pulumi.Input<string>,
): pulumi.Output<Record<string, unknown>> {
  return pulumi.output(allowedOrigin).apply(
    (origin): Record<string, unknown> => ({
      type: "mock",
      requestTemplates: { "application/json": '{"statusCode": 200}' },
      passthroughBehavior: "when_no_match",
      responses: {
        default: {
          statusCode: "200",
          responseParameters: { "method.response.header.Access-Control-Allow-Origin": `'${origin}'` },
          responseTemplates: { "application/json": JSON.stringify(body) },
        },
      },
    }),
  );
}

/** The request model of a contract's body schema: JSON Schema draft-04, as API Gateway reads it. */
export function bodyModel(body: NonNullable<RouteContract["body"]>): NonNullable<ApiRoute["bodySchema"]> {
  return {
    name: body.name,
    schema: { title: body.name, ...z.toJSONSchema(body.schema, { target: "draft-4" }) } as Record<string, unknown>,
  };
}

/** A handler's contract route, deployed with its integration (and whatever the stack adds). */
export function contractRoute(
  route: RouteContract,
  wiring: Pick<ApiRoute, "integration" | "invokes"> & Partial<Pick<ApiRoute, "throttle" | "cacheTtlSeconds">>,
): ApiRoute {
  return {
    path: route.path,
    method: route.method,
    authorization: route.authorization,
    ...(route.body ? { bodySchema: bodyModel(route.body) } : {}),
    ...(route.requiredHeaders ? { requiredHeaders: [...route.requiredHeaders] } : {}),
    ...(route.requiredQuery ? { requiredQuery: [...route.requiredQuery] } : {}),
    ...(route.optionalQuery ? { optionalQuery: [...route.optionalQuery] } : {}),
    ...wiring,
  };
}

const corsAllowHeaders = corsAllowedHeaders.join(",");

/** Seconds a client waits after API Gateway's own 429s (THROTTLED, QUOTA_EXCEEDED). */
export const throttledRetryAfterSeconds = 1;
export const quotaRetryAfterSeconds = 3600;

/** Gateway-response parameters sending a static Retry-After the browser may read. */
const retryAfter = (seconds: number) => ({
  "gatewayresponse.header.Retry-After": `'${seconds}'`,
  "gatewayresponse.header.Access-Control-Expose-Headers": "'Retry-After'",
});

/**
 * API Gateway's own error responses (401, 403, 404, 413, 429, 5xx...), with CORS headers and
 * JSON bodies. A gateway-response template is NOT run by VTL: API Gateway only substitutes
 * `$context` variables, so `$util` calls or `#set` would reach the client verbatim. The bodies
 * therefore use only variables that are JSON by themselves: `$context.error.messageString`
 * (the message, already quoted: AWS's own default is `{"message":$context.error.messageString}`)
 * and `$context.error.responseType` (an enum token). `$context.error.validationErrorString` is
 * raw text with quotes in it (`["events"]`): it cannot go into a JSON body without escaping, so
 * it goes to the access log (`validationError`), and the body names the failed check.
 */
export function gatewayResponses(
  origin: string,
): Record<
  string,
  { statusCode?: string; responseParameters: Record<string, string>; responseTemplates: Record<string, string> }
> {
  const responseParameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin": `'${origin}'`,
    "gatewayresponse.header.Access-Control-Allow-Headers": `'${corsAllowHeaders}'`,
  };
  const json = (template: string) => ({ "application/json": template });
  const errorBody = json(
    '{"error":$context.error.messageString,"type":"$context.error.responseType","requestId":"$context.requestId"}',
  );
  return {
    DEFAULT_4XX: { responseParameters, responseTemplates: errorBody },
    DEFAULT_5XX: { responseParameters, responseTemplates: errorBody },
    // A failed request model or required-parameter check (the details are in the access log).
    BAD_REQUEST_BODY: { statusCode: "400", responseParameters, responseTemplates: errorBody },
    BAD_REQUEST_PARAMETERS: { statusCode: "400", responseParameters, responseTemplates: errorBody },
    // A body over API Gateway's 10 MB payload limit: say which limit, not just "Request Too Long".
    REQUEST_TOO_LARGE: {
      statusCode: "413",
      responseParameters,
      responseTemplates: json(
        '{"error":"Request body too large: API Gateway accepts at most 10 MB per request","type":"$context.error.responseType","requestId":"$context.requestId"}',
      ),
    },
    // API Gateway's own 429s (stage or route throttle; a usage plan's quota) say nothing about
    // when to come back: a static Retry-After does, exposed to the storefront's scripts (it is
    // not a CORS-safelisted response header). The throttle refills its bucket every second; a
    // quota lasts its period (day, week or month), so the client is told to wait a while.
    THROTTLED: {
      statusCode: "429",
      responseParameters: { ...responseParameters, ...retryAfter(throttledRetryAfterSeconds) },
      responseTemplates: errorBody,
    },
    QUOTA_EXCEEDED: {
      statusCode: "429",
      responseParameters: { ...responseParameters, ...retryAfter(quotaRetryAfterSeconds) },
      responseTemplates: errorBody,
    },
    // API Gateway says "Missing Authentication Token" for paths it does not know.
    MISSING_AUTHENTICATION_TOKEN: {
      statusCode: "404",
      responseParameters,
      responseTemplates: json(
        '{"error":"Not found","type":"$context.error.responseType","requestId":"$context.requestId"}',
      ),
    },
  };
}

function preflight(methods: string[], origin: string) {
  return {
    summary: "CORS preflight",
    responses: {
      "204": {
        description: "CORS headers",
        headers: Object.fromEntries(
          [
            "Access-Control-Allow-Origin",
            "Access-Control-Allow-Methods",
            "Access-Control-Allow-Headers",
            "Access-Control-Max-Age",
          ].map((h) => [h, { schema: { type: "string" } }]),
        ),
      },
    },
    "x-amazon-apigateway-integration": {
      type: "mock",
      requestTemplates: { "application/json": '{"statusCode": 204}' },
      passthroughBehavior: "when_no_match",
      responses: {
        default: {
          statusCode: "204",
          responseParameters: {
            "method.response.header.Access-Control-Allow-Origin": `'${origin}'`,
            "method.response.header.Access-Control-Allow-Methods": `'${[...methods, "OPTIONS"].join(",")}'`,
            "method.response.header.Access-Control-Allow-Headers": `'${corsAllowHeaders}'`,
            "method.response.header.Access-Control-Max-Age": `'${corsMaxAgeSeconds}'`,
          },
        },
      },
    },
  };
}

type ResolvedRoute = Omit<ApiRoute, "integration" | "invokes"> & { integration: Record<string, unknown> };

/** The stage cache's key for a cached route: every path and query parameter it declares. */
export function cacheKeyParameters(route: Pick<ApiRoute, "path" | "requiredQuery" | "optionalQuery">): string[] {
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => `method.request.path.${m[1]}`);
  const query = [...(route.requiredQuery ?? []), ...(route.optionalQuery ?? [])].map(
    (q) => `method.request.querystring.${q}`,
  );
  return [...pathParams, ...query];
}

const isCached = (route: Pick<ApiRoute, "cacheTtlSeconds">) => (route.cacheTtlSeconds ?? 0) > 0;

/** The stage cache's size in GB: the smallest there is; the cached answers (the catalog) are small. */
export const cacheClusterSizeGb = "0.5";

/** The https origin of a REST API's default endpoint (China's regions are under amazonaws.com.cn). */
export function executeApiOrigin(restApiId: pulumi.Input<string>, region: string): pulumi.Output<string> {
  const dnsSuffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return pulumi.interpolate`https://${restApiId}.execute-api.${region}.${dnsSuffix}`;
}

/** The OpenAPI 3 document of the whole API, with API Gateway's extensions. */
export function openApiDocument(
  title: string,
  routes: ResolvedRoute[],
  userPoolArn: string,
  origin: string,
  description?: string,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  for (const route of routes) {
    const methods = (paths[route.path] ??= {});
    const key = route.method === "ANY" ? "x-amazon-apigateway-any-method" : route.method.toLowerCase();
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const parameters = [
      ...pathParams.map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
      ...(route.requiredHeaders ?? []).map((name) => ({
        name,
        in: "header",
        required: true,
        schema: { type: "string" },
      })),
      ...(route.requiredQuery ?? []).map((name) => ({ name, in: "query", required: true, schema: { type: "string" } })),
      ...(route.optionalQuery ?? []).map((name) => ({
        name,
        in: "query",
        required: false,
        schema: { type: "string" },
      })),
    ];
    if (route.bodySchema) {
      if (!isValidModelName(route.bodySchema.name))
        throw new Error(`Model name ${route.bodySchema.name} must be alphanumeric (API Gateway)`);
      schemas[route.bodySchema.name] = gatewayModel(route.bodySchema.schema).model;
    }
    methods[key] = {
      ...(parameters.length ? { parameters } : {}),
      ...(route.bodySchema
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: { $ref: `#/components/schemas/${route.bodySchema.name}` } } },
            },
          }
        : {}),
      ...(route.authorization === "cognito" ? { security: [{ cognito: [] }] } : {}),
      "x-amazon-apigateway-request-validator": route.bodySchema ? "body-and-params" : "params",
      "x-amazon-apigateway-integration": isCached(route)
        ? { ...route.integration, cacheKeyParameters: cacheKeyParameters(route), cacheNamespace: route.path }
        : route.integration,
      responses: {
        "200": { description: "Success", headers: { "Access-Control-Allow-Origin": { schema: { type: "string" } } } },
      },
    };
  }
  for (const methods of Object.values(paths)) {
    const declared = Object.keys(methods).map((m) =>
      m === "x-amazon-apigateway-any-method" ? "GET,POST,PUT,PATCH,DELETE" : m.toUpperCase(),
    );
    methods.options = preflight([...new Set(declared.join(",").split(","))], origin);
  }
  return {
    openapi: "3.0.1",
    // The import (overwrite) takes the API's name and description from here.
    info: { title, ...(description ? { description } : {}), version: "1.0" },
    paths,
    components: {
      schemas,
      securitySchemes: {
        cognito: {
          type: "apiKey",
          name: "Authorization",
          in: "header",
          "x-amazon-apigateway-authtype": "cognito_user_pools",
          "x-amazon-apigateway-authorizer": { type: "cognito_user_pools", providerARNs: [userPoolArn] },
        },
      },
    },
    "x-amazon-apigateway-request-validators": {
      "body-and-params": { validateRequestBody: true, validateRequestParameters: true },
      params: { validateRequestBody: false, validateRequestParameters: true },
    },
    "x-amazon-apigateway-gateway-responses": gatewayResponses(origin),
  };
}

/** Two components declaring the same method on the same path is a wiring mistake: fail early. */
function assertUniqueRoutes(routes: ApiRoute[]): void {
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`Route ${key} is declared twice`);
    seen.add(key);
  }
}

/** API Gateway's method-settings key for a route: path without the leading slash, then the method. */
function methodPath(route: ApiRoute): string {
  return `${route.path.replace(/^\//, "")}/${route.method === "ANY" ? "*" : route.method}`;
}

/** The execute-api ARN pattern of one route, with path parameters as wildcards. */
function routeArn(executionArn: pulumi.Input<string>, route: ApiRoute): pulumi.Output<string> {
  const method = route.method === "ANY" ? "*" : route.method;
  return pulumi.interpolate`${executionArn}/${stageName}/${method}${route.path.replace(/\{[^}]+\}/g, "*")}`;
}

export const accessLogFormat = {
  requestId: "$context.requestId",
  extendedRequestId: "$context.extendedRequestId",
  ip: "$context.identity.sourceIp",
  userAgent: "$context.identity.userAgent",
  caller: "$context.authorizer.claims.sub",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  responseLatency: "$context.responseLatency",
  integrationLatency: "$context.integrationLatency",
  integrationStatus: "$context.integrationStatus",
  errorMessage: "$context.error.message",
  // Which field failed the request model or which parameter is missing (BAD_REQUEST_*).
  validationError: "$context.error.validationErrorString",
  xrayTraceId: "$context.xrayTraceId",
};

export class Api extends pulumi.ComponentResource {
  public readonly restApi: aws.apigateway.RestApi;
  /** The API's definition: the OpenAPI document put into restApi. */
  public readonly definition: aws.apigateway.RestApiPut;
  /** https://<id>.execute-api.<region>.<dns suffix>: the origin the storefront calls (its CSP names it). */
  public readonly origin: pulumi.Output<string>;
  public readonly stage: aws.apigateway.Stage;
  public readonly accessLogs: aws.cloudwatch.LogGroup;
  /** The whole OpenAPI document as deployed. */
  public readonly document: pulumi.Output<string>;
  /** https://<id>.execute-api.<region>.amazonaws.com/v1 (no trailing slash). */
  public readonly url: pulumi.Output<string>;
  public readonly routes: ApiRoute[];
  public readonly monitoring: MonitoringTargets;

  constructor(name: string, args: ApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:api:Api", name, {}, opts);
    const c = args.config;
    const { accountId, partition } = callerContext({ parent: this });
    this.routes = [
      {
        path: "/health",
        method: "GET",
        authorization: "none",
        integration: mockJson({ status: "ok" }, args.allowedOrigin),
      },
      ...args.routes,
    ];
    assertUniqueRoutes(this.routes);

    const resolvedRoutes = pulumi.all(
      this.routes.map(({ integration, invokes: _fn, ...route }) =>
        pulumi.output(integration).apply((i) => ({ ...route, integration: i })),
      ),
    );
    this.document = pulumi
      .all([resolvedRoutes, args.userPoolArn, args.allowedOrigin])
      .apply(([routes, userPoolArn, origin]) =>
        JSON.stringify({
          ...openApiDocument(
            `ecommerce-${c.stage}`,
            routes as ResolvedRoute[],
            userPoolArn,
            origin,
            `E-commerce API (${c.stage})`,
          ),
          // With a custom domain, clients use only it (the import would otherwise turn the endpoint back on).
          ...(c.apiDomainName
            ? { "x-amazon-apigateway-endpoint-configuration": { disableExecuteApiEndpoint: true } }
            : {}),
        }),
      );

    // The API exists before its definition is put: its id (so its origin) does not wait for the
    // document, which names the storefront's origin. The storefront's CSP can then name this
    // API's origin exactly, though the API's CORS origin is the storefront's own domain.
    const title = `ecommerce-${c.stage}`;
    this.restApi = new aws.apigateway.RestApi(
      `${name}-rest`,
      {
        // The import sets the API's name from info.title: the same name, so no perpetual diff.
        name: title,
        description: `E-commerce API (${c.stage})`,
        endpointConfiguration: { types: "REGIONAL" },
        disableExecuteApiEndpoint: c.apiDomainName ? true : undefined,
      },
      { parent: this },
    );
    this.origin = c.apiDomainName
      ? pulumi.output(`https://${c.apiDomainName}`)
      : executeApiOrigin(this.restApi.id, c.region);
    this.definition = new aws.apigateway.RestApiPut(
      `${name}-definition`,
      {
        restApiId: this.restApi.id,
        body: this.document,
        // An import warning (a construct API Gateway would drop or ignore) fails the deploy
        // instead of deploying an API that enforces less than its document says.
        failOnWarnings: true,
      },
      { parent: this },
    );

    for (const route of this.routes.filter((r) => r.invokes)) {
      new aws.lambda.Permission(
        `${name}-invoke-${route.method.toLowerCase()}${route.path.replace(/[{}]/g, "").replace(/\//g, "-")}`,
        {
          action: "lambda:InvokeFunction",
          function: route.invokes!.name,
          principal: "apigateway.amazonaws.com",
          sourceArn: routeArn(this.restApi.executionArn, route),
          sourceAccount: accountId,
        },
        { parent: this },
      );
    }

    const deployment = new aws.apigateway.Deployment(
      `${name}-deployment`,
      {
        restApi: this.restApi.id,
        description: "Redeployed whenever the OpenAPI document changes",
        triggers: { document: this.document.apply((d) => createHash("sha256").update(d).digest("hex")) },
      },
      { parent: this, dependsOn: [this.definition] },
    );

    this.accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      { retentionInDays: c.logRetentionDays },
      { parent: this },
    );
    const logging = c.apiAccountSettings ? [this.cloudWatchLogging(name, partition)] : [];

    const cachedRoutes = this.routes.filter(isCached);
    this.stage = new aws.apigateway.Stage(
      `${name}-stage`,
      {
        restApi: this.restApi.id,
        deployment: deployment.id,
        stageName,
        xrayTracingEnabled: true,
        // A cache cluster only when a route is cached: it is billed by the hour.
        cacheClusterEnabled: cachedRoutes.length > 0,
        cacheClusterSize: cachedRoutes.length > 0 ? cacheClusterSizeGb : undefined,
        accessLogSettings: { destinationArn: this.accessLogs.arn, format: JSON.stringify(accessLogFormat) },
      },
      { parent: this, dependsOn: logging },
    );

    new aws.apigateway.MethodSettings(
      `${name}-all-methods`,
      {
        restApi: this.restApi.id,
        stageName: this.stage.stageName,
        methodPath: "*/*",
        // Caching off for everything not cached explicitly: with a cache cluster, API Gateway
        // would otherwise cache every GET, including a customer's own orders, for every caller.
        settings: {
          metricsEnabled: true,
          loggingLevel: "ERROR",
          dataTraceEnabled: false,
          throttlingRateLimit: c.apiRateLimit,
          throttlingBurstLimit: c.apiBurstLimit,
          cachingEnabled: false,
        },
      },
      { parent: this },
    );
    for (const route of this.routes.filter((r) => r.throttle || isCached(r))) {
      const throttle = route.throttle ?? { rateLimit: c.apiRateLimit, burstLimit: c.apiBurstLimit };
      new aws.apigateway.MethodSettings(
        `${name}-${route.throttle ? "throttle" : "cache"}-${methodPath(route).replace(/[^a-zA-Z0-9]+/g, "-")}`,
        {
          restApi: this.restApi.id,
          stageName: this.stage.stageName,
          methodPath: methodPath(route),
          settings: {
            metricsEnabled: true,
            loggingLevel: "ERROR",
            dataTraceEnabled: false,
            throttlingRateLimit: throttle.rateLimit,
            throttlingBurstLimit: throttle.burstLimit,
            ...(isCached(route)
              ? {
                  cachingEnabled: true,
                  cacheTtlInSeconds: route.cacheTtlSeconds,
                  cacheDataEncrypted: true,
                  // A client's `Cache-Control: max-age=0` must not empty the cache for everyone:
                  // only signed requests with execute-api:InvalidateCache may, and others are ignored.
                  requireAuthorizationForCacheControl: true,
                  unauthorizedCacheControlHeaderStrategy: "SUCCEED_WITHOUT_RESPONSE_HEADER",
                }
              : { cachingEnabled: false }),
          },
        },
        { parent: this },
      );
    }

    this.monitoring = { restApis: [{ restApi: this.restApi, stage: this.stage }] };
    if (c.apiDomainName) {
      const basePath = this.customDomain(name, c.apiDomainName, c.apiHostedZoneId ?? "");
      this.url = basePath.basePath.apply((p) => `https://${c.apiDomainName}/${p}`);
    } else {
      this.url = pulumi.interpolate`${this.stage.invokeUrl}`.apply((u) => u.replace(/\/$/, ""));
    }
    this.registerOutputs({ url: this.url, restApiId: this.restApi.id });
  }

  /**
   * The API under its own domain: an ACM certificate in the stack's region (a regional endpoint),
   * validated in Route 53, the domain name with TLS 1.2, the stage mapped under its name (so the
   * URL keeps its /v1), and alias records to the regional endpoint.
   */
  private customDomain(name: string, domainName: string, zoneId: string): aws.apigateway.BasePathMapping {
    const validation = validatedCertificate(name, { domainName, zoneId }, { parent: this });
    const domain = new aws.apigateway.DomainName(
      `${name}-domain`,
      {
        domainName,
        regionalCertificateArn: validation.certificateArn,
        endpointConfiguration: { types: "REGIONAL" },
        securityPolicy: "TLS_1_2",
      },
      { parent: this },
    );
    aliasRecords(
      name,
      { domainName, zoneId },
      { name: domain.regionalDomainName, zoneId: domain.regionalZoneId },
      this,
    );
    return new aws.apigateway.BasePathMapping(
      `${name}-base-path`,
      {
        restApi: this.restApi.id,
        stageName: this.stage.stageName,
        domainName: domain.domainName,
        basePath: stageName,
      },
      { parent: this },
    );
  }

  /**
   * API Gateway writes access and execution logs with one role per account and region. Setting
   * it here makes a fresh account work. Deleting the setting would reset it for every API of
   * the account and region, so it, the role and its policy outlive the stack (retainOnDelete);
   * `apiAccountSettings: false` leaves it to the one stack that owns it.
   */
  private cloudWatchLogging(name: string, partition: pulumi.Input<string>): aws.apigateway.Account {
    const keep = { parent: this, retainOnDelete: true };
    const role = new aws.iam.Role(
      `${name}-cloudwatch-role`,
      {
        description: "API Gateway writes stage logs to CloudWatch Logs",
        assumeRolePolicy: apiGatewayTrustPolicy(),
      },
      keep,
    );
    const attachment = new aws.iam.RolePolicyAttachment(
      `${name}-cloudwatch-role-logs`,
      {
        role: role.name,
        // aws.iam.ManagedPolicy's constants carry the aws partition: build the ARN in ours.
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
      },
      keep,
    );
    return new aws.apigateway.Account(
      `${name}-account-logging`,
      { cloudwatchRoleArn: role.arn },
      { ...keep, dependsOn: [attachment] },
    );
  }
}
