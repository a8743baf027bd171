// Who is calling: the Cognito user pool authorizer has verified the token and put its
// claims on the request context; the handler trusts only what that token says, never the body.
import type { APIGatewayProxyEvent } from "aws-lambda";
import { adminGroup } from "../shared/http";
import { unauthorized } from "./errors";
import { headerValues } from "./request";

export interface Caller {
  /** The Cognito `sub`: the customerId of every order this caller creates or reads. */
  customerId: string;
  /** Member of the group named exactly `admin`: may search every customer's orders. */
  isAdmin: boolean;
}

/**
 * Groups as the REST API authorizer flattens the token's array into a claim string: the
 * names joined by "," with nothing trimmed ("staff,admin"); an array stays an array. Names
 * are compared exactly: " admin ", "[admin" or "admin\tstaff" are groups of their own.
 */
export function parseGroups(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === "string");
  if (typeof claim !== "string" || claim === "") return [];
  return claim.split(",");
}

/**
 * The groups of the ID token the authorizer verified, read from that token itself: the
 * flattened claim cannot tell a group named "ops,admin" from the groups "ops" and "admin",
 * the token's array can. Used only when the request carries exactly one Authorization value
 * whose payload names the same `sub` as the verified claims; otherwise undefined.
 */
export function verifiedTokenGroups(event: APIGatewayProxyEvent, sub: string): string[] | undefined {
  const values = headerValues(event, "Authorization");
  if (values.length !== 1) return undefined;
  const token = values[0].replace(/^Bearer /, "");
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as Record<string, unknown>;
    if (payload.sub !== sub) return undefined;
    const groups = payload["cognito:groups"];
    if (groups === undefined) return [];
    return Array.isArray(groups) && groups.every((g) => typeof g === "string") ? groups : undefined;
  } catch {
    return undefined;
  }
}

/** The caller, or a 401 when the claims are missing (an authorizer misconfiguration). */
export function callerOf(event: APIGatewayProxyEvent): Caller {
  const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  const sub = claims?.sub;
  if (typeof sub !== "string" || sub.length === 0) throw unauthorized();
  const groups = verifiedTokenGroups(event, sub) ?? parseGroups(claims?.["cognito:groups"]);
  return { customerId: sub, isAdmin: groups.includes(adminGroup) };
}
