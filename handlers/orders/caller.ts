// Who is calling: the Cognito user pool authorizer has verified the token and put its
// claims on the request context; the handler trusts only those, never a header or the body.
import type { APIGatewayProxyEvent } from "aws-lambda";
import { unauthorized } from "./errors";

export const adminGroup = "admin";

export interface Caller {
  /** The Cognito `sub`: the customerId of every order this caller creates or reads. */
  customerId: string;
  /** Member of the `admin` group: may search every customer's orders. */
  isAdmin: boolean;
}

/**
 * Groups as the REST API authorizer flattens them ("admin,staff"), as an HTTP API renders
 * them ("[admin staff]"), or as a real array.
 */
export function parseGroups(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== "string") return [];
  return claim
    .replace(/^\[|\]$/g, "")
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** The caller, or a 401 when the claims are missing (an authorizer misconfiguration). */
export function callerOf(event: APIGatewayProxyEvent): Caller {
  const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  const sub = claims?.sub;
  if (typeof sub !== "string" || sub.length === 0) throw unauthorized();
  return { customerId: sub, isAdmin: parseGroups(claims?.["cognito:groups"]).includes(adminGroup) };
}
