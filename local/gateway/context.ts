// The request context API Gateway gives a request: `$context` in templates, the proxy event's
// requestContext, and the variables of gateway responses.
import type { APIGatewayEventIdentity, APIGatewayProxyEvent } from "aws-lambda";
import type { Method } from "./document";
import type { IncomingApiRequest } from "./request";

/** The REST proxy event's requestContext, with the fields API Gateway always sets made required. */
export interface RequestContext
  extends Omit<
    APIGatewayProxyEvent["requestContext"],
    "authorizer" | "domainName" | "domainPrefix" | "extendedRequestId" | "requestTime"
  > {
  /** Only on methods with the Cognito authorizer. */
  authorizer?: { claims: Record<string, string> };
  domainName: string;
  domainPrefix: string;
  extendedRequestId: string;
  identity: APIGatewayEventIdentity;
  requestTime: string;
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad = (n: number) => String(n).padStart(2, "0");

/** CLF time as API Gateway writes $context.requestTime: "01/Dec/2026:11:13:34 +0000". */
export function requestTime(at: Date): string {
  return `${pad(at.getUTCDate())}/${months[at.getUTCMonth()]}/${at.getUTCFullYear()}:${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} +0000`;
}

export function requestContext(args: {
  request: IncomingApiRequest;
  method?: Method;
  stage: string;
  requestId: string;
  apiId: string;
  accountId: string;
  domainName: string;
  receivedAt: Date;
  claims?: Record<string, string>;
}): RequestContext {
  const { request } = args;
  return {
    accountId: args.accountId,
    apiId: args.apiId,
    ...(args.claims ? { authorizer: { claims: args.claims } } : {}),
    domainName: args.domainName,
    domainPrefix: args.domainName.split(".")[0],
    extendedRequestId: args.requestId.replace(/-/g, "").slice(0, 16),
    httpMethod: request.httpMethod,
    identity: {
      accessKey: null,
      accountId: null,
      apiKey: null,
      apiKeyId: null,
      caller: null,
      clientCert: null,
      cognitoAuthenticationProvider: null,
      cognitoAuthenticationType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      principalOrgId: null,
      sourceIp: request.sourceIp.replace(/^::ffff:/, ""),
      user: null,
      userAgent: request.header("user-agent") ?? null,
      userArn: null,
    },
    path: request.fullPath,
    protocol: "HTTP/1.1",
    requestId: args.requestId,
    requestTime: requestTime(args.receivedAt),
    requestTimeEpoch: args.receivedAt.getTime(),
    resourceId: args.method ? resourceId(args.method.resourcePath) : "",
    resourcePath: args.method?.resourcePath ?? "",
    stage: args.stage,
  };
}

/** A stable short id per resource path, standing in for API Gateway's random resource ids. */
function resourceId(path: string): string {
  let hash = 0;
  for (const char of path) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash.toString(36).padStart(6, "0").slice(-6);
}
