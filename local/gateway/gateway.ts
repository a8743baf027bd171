// One request through the REST API, in API Gateway's order: resource and method, Cognito
// authorizer, request validator (parameters, then body), integration, method response.
// Every refusal is a gateway response. Not emulated: throttling and usage plans (the stage's
// and routes' limits are not applied locally), API keys, IAM authorization, caching, WAF.
import type { APIGatewayProxyEvent } from "aws-lambda";
import { randomUUID } from "node:crypto";
import { type CognitoOptions, CognitoTokenVerifier } from "./authorizer";
import { requestContext } from "./context";
import { type Api, type Method, readDocument, type OpenApiDocument } from "./document";
import { type GatewayError, GatewayResponses, type HttpResponse } from "./gateway-responses";
import { type BackendReply, integrationRequestBody, methodResponse, type TemplateScope } from "./integration-response";
import { proxyEvent, proxyResponse } from "./lambda-proxy";
import type { IncomingApiRequest } from "./request";
import { Router } from "./routing";
import { RequestValidator } from "./validation";

export interface LambdaInvocationContext {
  awsRequestId: string;
  functionName: string;
  invokedFunctionArn: string;
}

/** Runs the function `functionArn` names with a proxy event; resolves to what it returns. */
export type InvokeLambda = (
  functionArn: string,
  event: APIGatewayProxyEvent,
  context: LambdaInvocationContext,
) => Promise<unknown>;

/** An AWS service action as an `aws` integration calls it (e.g. kinesis PutRecords, JSON body). */
export type AwsServiceCall = (
  service: string,
  action: string,
  body: string,
  details: { region: string; headers: Record<string, string> },
) => Promise<BackendReply>;

/** What the stage's access log would say about one request ($context.* of the same names). */
export interface RequestLog {
  requestId: string;
  httpMethod: string;
  /** The resource template, "" when no resource matched. */
  resourcePath: string;
  path: string;
  status: number;
  /** For a gateway response: its type, $context.error.message and validationErrorString. */
  responseType?: string;
  errorMessage?: string;
  validationErrorString?: string;
  /** From the request's arrival to the response, milliseconds. */
  totalMs: number;
  /** Time spent waiting for the backend (Lambda or AWS service), milliseconds. */
  integrationMs: number;
}

export interface GatewayOptions {
  /** The OpenAPI document as deployed (the RestApiPut's `body`). */
  document: OpenApiDocument | string;
  stageName: string;
  invokeLambda?: InvokeLambda;
  awsServiceCall?: AwsServiceCall;
  /** Required when a method uses the Cognito authorizer. */
  cognito?: CognitoOptions;
  stageVariables?: Record<string, string>;
  accountId?: string;
  /** Called after each request: the access log line, with the split of gateway and backend time. */
  onRequest?: (log: RequestLog) => void;
}

class IntegrationTimeout extends Error {}

/** Resolves like `work`, or rejects with IntegrationTimeout after `ms` (API Gateway's 29 s). */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new IntegrationTimeout()), ms)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const internalError = (statusCode?: number): GatewayError => ({
  type: "DEFAULT_5XX",
  message: "Internal server error",
  statusCode,
});

export class RestApiGateway {
  private readonly api: Api;
  private readonly router: Router;
  private readonly validator: RequestValidator;
  private readonly responses: GatewayResponses;
  private readonly verifier?: CognitoTokenVerifier;
  private readonly stageVariables: Record<string, string>;

  constructor(
    private readonly options: GatewayOptions,
    private readonly domainName: () => string,
  ) {
    this.api = readDocument(options.document);
    this.router = new Router(this.api.methods);
    this.validator = new RequestValidator(this.api.models);
    this.validator.compileAll(this.api.methods);
    this.responses = new GatewayResponses(this.api.gatewayResponses);
    this.stageVariables = options.stageVariables ?? {};
    if (options.cognito) this.verifier = new CognitoTokenVerifier(options.cognito);
    for (const method of this.api.methods) this.checkServable(method);
  }

  /** Fails at start for a method this gateway could not serve, rather than on its first request. */
  private checkServable(method: Method): void {
    const where = `${method.httpMethod} ${method.resourcePath}`;
    if (method.authorizer && !this.verifier)
      throw new Error(`${where} needs the Cognito authorizer: pass the cognito option`);
    const type = method.integration.type;
    if (type === "aws_proxy" && !this.options.invokeLambda)
      throw new Error(`${where} invokes a Lambda function: pass invokeLambda`);
    if (type === "aws" && !this.options.awsServiceCall)
      throw new Error(`${where} calls an AWS service: pass awsServiceCall`);
    if (type !== "aws_proxy" && type !== "aws" && type !== "mock")
      throw new Error(`${where}: ${type} integrations are not emulated`);
  }

  async handle(request: IncomingApiRequest): Promise<HttpResponse> {
    const receivedAt = new Date();
    const requestId = randomUUID();
    const match = this.router.match(request.httpMethod, request.path);
    const timing = { integrationMs: 0 };
    let context = requestContext({
      request,
      method: match?.method,
      stage: this.options.stageName,
      requestId,
      apiId: "local",
      accountId: this.options.accountId ?? "000000000000",
      domainName: this.domainName(),
      receivedAt,
    });
    let refused: GatewayError | undefined;
    const refuse = (error: GatewayError) => {
      refused = error;
      return this.responses.render(error, request, context, this.stageVariables);
    };

    let response: HttpResponse;
    if (!match) {
      response = refuse({ type: "MISSING_AUTHENTICATION_TOKEN", message: "Missing Authentication Token" });
    } else {
      request.pathParameters = match.pathParameters;
      const method = match.method;
      let refusal: GatewayError | undefined;
      if (method.authorizer) {
        const result = await this.verifier!.authorize(method.authorizer, request);
        if ("error" in result) refusal = result.error;
        else context = { ...context, authorizer: { claims: result.claims } };
      }
      refusal ??= this.validator.checkParameters(method, request) ?? this.validator.checkBody(method, request);
      if (refusal) response = refuse(refusal);
      else {
        const scope: TemplateScope = { request, context, stageVariables: this.stageVariables };
        const outcome = await this.integrate(method, scope, timing);
        response = "error" in outcome ? refuse(outcome.error) : outcome.response;
      }
    }
    response.headers["x-amzn-RequestId"] = [requestId];
    response.headers["x-amz-apigw-id"] = [context.extendedRequestId];
    this.options.onRequest?.({
      requestId,
      httpMethod: request.httpMethod,
      resourcePath: match?.method.resourcePath ?? "",
      path: request.fullPath,
      status: response.statusCode,
      ...(refused
        ? {
            responseType: refused.type,
            errorMessage: refused.message,
            validationErrorString: refused.validationErrorString ?? "",
          }
        : {}),
      totalMs: Date.now() - receivedAt.getTime(),
      integrationMs: timing.integrationMs,
    });
    return response;
  }

  private async integrate(
    method: Method,
    scope: TemplateScope,
    timing: { integrationMs: number },
  ): Promise<{ response: HttpResponse } | { error: GatewayError }> {
    const integration = method.integration;
    const timeoutMs = integration.timeoutInMillis ?? 29000;
    const backend = async <T>(work: () => Promise<T>): Promise<T> => {
      const started = Date.now();
      try {
        return await within(timeoutMs, work());
      } finally {
        timing.integrationMs += Date.now() - started;
      }
    };
    try {
      if (integration.type === "aws_proxy") {
        const functionArn = /functions\/(.+)\/invocations$/.exec(integration.uri ?? "")?.[1];
        if (!functionArn) return { error: internalError() };
        const event = proxyEvent({
          request: scope.request,
          context: scope.context,
          stageVariables: scope.stageVariables,
          binaryMediaTypes: this.api.binaryMediaTypes,
        });
        const invocation = {
          awsRequestId: randomUUID(),
          functionName: functionArn.split(":").pop()!,
          invokedFunctionArn: functionArn,
        };
        let result: unknown;
        try {
          result = await backend(() => this.options.invokeLambda!(functionArn, event, invocation));
        } catch (error) {
          if (error instanceof IntegrationTimeout) throw error;
          return { error: internalError(502) }; // the function failed
        }
        const response = proxyResponse(result, this.api.binaryMediaTypes, scope.request.header("accept"));
        return response ? { response } : { error: internalError(502) }; // malformed Lambda proxy response
      }
      const body = integrationRequestBody(integration, scope);
      if (body === "unsupported")
        return { error: { type: "UNSUPPORTED_MEDIA_TYPE", message: "Unsupported Media Type" } };
      let reply: BackendReply;
      if (integration.type === "mock") {
        // The mock's request template says which integration response to use.
        let statusCode = 200;
        try {
          const parsed = JSON.parse(body);
          if (parsed && parsed.statusCode !== undefined) statusCode = Number(parsed.statusCode);
        } catch {
          return { error: internalError() };
        }
        reply = { status: statusCode, body: "" };
      } else {
        const target = /^arn:[^:]+:apigateway:([^:]+):([^:]+):action\/(.+)$/.exec(integration.uri ?? "");
        if (!target) return { error: internalError() };
        const [, region, service, action] = target;
        const headers: Record<string, string> = {};
        for (const [to, from] of Object.entries(integration.requestParameters ?? {})) {
          const name = /^integration\.request\.header\.(.+)$/.exec(to)?.[1];
          const literal =
            /^'(.*)'$/s.exec(from)?.[1] ??
            (from.startsWith("method.request.header.") ? scope.request.header(from.slice(22)) : undefined);
          if (name && literal !== undefined) headers[name] = literal;
        }
        reply = await backend(() => this.options.awsServiceCall!(service, action, body, { region, headers }));
      }
      const response = methodResponse(integration, reply, scope);
      return response ? { response } : { error: internalError() }; // no integration response matched
    } catch (error) {
      if (error instanceof IntegrationTimeout)
        return { error: { type: "INTEGRATION_TIMEOUT", message: "Endpoint request timed out" } };
      return { error: internalError() };
    }
  }
}
