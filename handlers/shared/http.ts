// The HTTP contract every API route shares (no SDK or Pulumi imports): the names the Api
// component, the handlers' routers, the storefront and local mode must spell alike, and the
// shape of a route as a handler's contract.ts declares it. Local mode serves the same list.
import type * as z from "../lib/zod";

/** The header carrying a client-chosen key that makes POST /orders safe to retry. */
export const idempotencyKeyHeader = "Idempotency-Key";

/** The Cognito group whose members may search every order and change its status. */
export const adminGroup = "admin";

/**
 * The request headers a browser may send cross-origin (Access-Control-Allow-Headers): the
 * Api's preflight and gateway responses and the handlers' own preflight answers list exactly
 * these. X-Amz-Date and X-Amz-Security-Token let a SigV4-signing client through as well.
 */
export const corsAllowedHeaders = [
  "Content-Type",
  "Authorization",
  idempotencyKeyHeader,
  "X-Amz-Date",
  "X-Amz-Security-Token",
] as const;

/** How long a browser may cache a preflight answer, in seconds. */
export const corsMaxAgeSeconds = 600;

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "ANY";

/** One method on one path, as the handler serves it and the Api deploys it. */
export interface RouteContract {
  method: HttpMethod;
  /** Resource path template, e.g. "/orders/{orderId}" (API Gateway's `event.resource`). */
  path: string;
  /** "cognito": a valid user-pool ID token is required (401 otherwise). */
  authorization: "cognito" | "none";
  /** The body's zod schema, checked by API Gateway (as JSON Schema) and again by the handler. */
  body?: { name: string; schema: z.ZodMiniType };
  requiredHeaders?: readonly string[];
  requiredQuery?: readonly string[];
  optionalQuery?: readonly string[];
}

/** A handler's routes by name (createOrder, getOrder, ...). */
export type RouteContracts = Record<string, RouteContract>;

/**
 * The dispatch table of a router: resource path → method → what answers it, one entry per
 * contract route. `handlers` must name an answer for every route the contract lists.
 */
export function routeTable<Routes extends RouteContracts, Answer>(
  routes: Routes,
  handlers: { [Name in keyof Routes]: Answer },
): Record<string, Record<string, Answer>> {
  const table: Record<string, Record<string, Answer>> = {};
  for (const [name, route] of Object.entries(routes))
    (table[route.path] ??= {})[route.method] = handlers[name as keyof Routes];
  return table;
}

/** The distinct resource paths of a handler's routes, in declaration order. */
export function routePaths(routes: RouteContracts): string[] {
  return [...new Set(Object.values(routes).map((route) => route.path))];
}

/** A query schema's parameters as a route declares them: its keys, in order. */
export function queryParameters(schema: z.ZodMiniObject): string[] {
  return Object.keys(schema.shape);
}
