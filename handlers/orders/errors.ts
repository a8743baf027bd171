// Errors a route answers with a 4xx (or a deliberate 5xx): the router turns each into
// `{ "error": message, "details": [...] }` with its status code and headers.
import type * as z from "../lib/zod";

/** One problem with the request, e.g. `{ path: "lines[2].sku", message: "unknown sku XYZ-1" }`. */
export interface ErrorDetail {
  path: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** `["lines", 2, "sku"]` → `"lines[2].sku"`; the root is `""`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((segment, i) => (typeof segment === "number" ? `[${segment}]` : `${i === 0 ? "" : "."}${String(segment)}`))
    .join("");
}

/** Unknown fields named in one detail; the rest are counted. */
const maxNamedKeys = 5;
/** Characters of an unknown field's name shown. */
const maxShownKeyLength = 64;

/**
 * An issue's message, bounded: zod names every unknown field in full, so a body of a million
 * fields (or one named by a megabyte) would be answered, and logged, at its own size, past
 * the 6 MB a Lambda may answer. The first few are named, shortened, and the rest counted.
 */
function boundedMessage(issue: z.core.$ZodIssue): string {
  if (issue.code !== "unrecognized_keys") return issue.message;
  const named = issue.keys
    .slice(0, maxNamedKeys)
    .map((key) => JSON.stringify(key.length > maxShownKeyLength ? `${key.slice(0, maxShownKeyLength)}…` : key));
  const more = issue.keys.length - named.length;
  return `Unrecognized key${issue.keys.length === 1 ? "" : "s"}: ${named.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
}

/** Every zod issue as a detail, with a path prefix naming where the input came from. */
export function zodDetails(error: z.core.$ZodError, prefix = ""): ErrorDetail[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    return { path: prefix && path ? `${prefix}.${path}` : prefix || path, message: boundedMessage(issue) };
  });
}

export const badRequest = (message: string, details: ErrorDetail[] = []) => new HttpError(400, message, details);
export const unauthorized = () => new HttpError(401, "missing caller identity");
export const notFound = (message: string) => new HttpError(404, message);
export const conflict = (message: string, headers: Record<string, string> = {}) =>
  new HttpError(409, message, [], headers);
export const serviceUnavailable = (message: string) => new HttpError(503, message, [], { "Retry-After": "1" });
