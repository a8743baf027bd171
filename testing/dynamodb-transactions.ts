// dynalite with TransactWriteItems: the same HTTP server answers the call itself, in process,
// against dynalite's own store (testing/dynalite-transact-write.ts), and hands every other
// call to dynalite untouched. One server, one port, no proxy hop.
//
// `ClientRequestToken` (optional; the SDK sends one per call) makes a retry within 10 minutes
// of a success return that success without applying it again; the same token with another
// request is an `IdempotentParameterMismatchException`.
import { randomUUID } from "node:crypto";
import type http from "node:http";
import { ParsedExpressions } from "./dynalite-parsed-expressions";
import { type DynaliteError, type DynaliteStore, transactWriteItems } from "./dynalite-transact-write";

export interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  /** Directory for a LevelDB store; in memory when absent. */
  path?: string;
}

const transactWriteTarget = "DynamoDB_20120810.TransactWriteItems";
const errorPrefix = "com.amazonaws.dynamodb.v20120810#";
const idempotencyWindowMs = 10 * 60 * 1000;

interface WireResponse {
  status: number;
  body: string;
}

/** A dynalite HTTP server (not listening yet) that also answers TransactWriteItems. */
export function transactionalDynalite(options: DynaliteOptions): http.Server {
  const { server, store } = dynaliteWithStore(options);
  const [dynaliteHandler] = server.listeners("request") as ((...args: unknown[]) => void)[];
  server.removeAllListeners("request");
  const expressions = new ParsedExpressions();
  const transact = tokenIdempotent((body) => transactWriteItems(store, body, expressions));
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method !== "POST" || req.headers["x-amz-target"] !== transactWriteTarget) return dynaliteHandler(req, res);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const answer = req.headers.authorization?.trim().startsWith("AWS4-")
        ? transact(Buffer.concat(chunks).toString("utf8"))
        : Promise.resolve(
            wire(400, {
              __type: "com.amazon.coral.service#MissingAuthenticationTokenException",
              message: "Request is missing Authentication Token",
            }),
          );
      answer
        .catch((err: Error) => wire(500, { __type: `${errorPrefix}InternalServerError`, Message: err.message }))
        .then(({ status, body }) => {
          res.writeHead(status, {
            "content-type": "application/x-amz-json-1.0",
            "content-length": Buffer.byteLength(body),
            "x-amzn-requestid": randomUUID(),
          });
          res.end(body);
        });
    });
  });
  return server;
}

/**
 * dynalite and the store it serves. dynalite keeps its store private; it makes it with its
 * db module's `create`, so that is wrapped for the one call to learn it.
 */
function dynaliteWithStore(options: DynaliteOptions): { server: http.Server; store: DynaliteStore } {
  // biome-ignore lint/style/noCommonJs: dynalite ships no types; loaded only when an emulator starts
  const dynalite = require("dynalite");
  // biome-ignore lint/style/noCommonJs: dynalite's db module, as dynalite itself loads it
  const dynaliteDb = require("dynalite/db");
  const create = dynaliteDb.create;
  let store: DynaliteStore | undefined;
  dynaliteDb.create = (...args: unknown[]) => (store = create(...args));
  try {
    const server: http.Server = dynalite(options);
    if (!store) throw new Error("dynalite did not create its store through db.create");
    return { server, store };
  } finally {
    dynaliteDb.create = create;
  }
}

function wire(status: number, body: Record<string, unknown>): WireResponse {
  return { status, body: JSON.stringify(body) };
}

function wireError(err: unknown): WireResponse {
  const known = err as Partial<DynaliteError>;
  if (typeof known.statusCode !== "number" || !known.body) throw err;
  return wire(known.statusCode, known.body);
}

/** A request's parameters but its ClientRequestToken, as one string: what "the same request" compares. */
function parametersOf(body: Record<string, any>): string {
  const { ClientRequestToken: _token, ...request } = body;
  return JSON.stringify(request);
}

/**
 * The transaction behind ClientRequestToken: a success is remembered for 10 minutes, with the
 * request's text as it came. Only a request that reuses a token is compared with it (its
 * parameters against the remembered ones), so a new token costs no hashing or re-serializing.
 */
function tokenIdempotent(
  run: (body: Record<string, any>) => Promise<Record<string, unknown>>,
): (text: string) => Promise<WireResponse> {
  const outcomes = new Map<string, { requestText: string; at: number } & WireResponse>();
  return async (text) => {
    let body: Record<string, any>;
    try {
      body = JSON.parse(text);
    } catch {
      return wire(400, { __type: "com.amazon.coral.service#SerializationException" });
    }
    const token = body.ClientRequestToken as unknown;
    if (token !== undefined && (typeof token !== "string" || token.length < 1 || token.length > 36)) {
      return wire(400, {
        __type: "com.amazon.coral.validate#ValidationException",
        message:
          "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length between 1 and 36",
      });
    }
    const now = Date.now();
    const expired = (outcome: { at: number }) => now - outcome.at > idempotencyWindowMs;
    // Oldest first (a Map keeps insertion order): forget the expired ones, stop at the first that is not.
    for (const [key, outcome] of outcomes) {
      if (!expired(outcome)) break;
      outcomes.delete(key);
    }
    const remembered = token === undefined ? undefined : outcomes.get(token);
    const previous = remembered && !expired(remembered) ? remembered : undefined;
    // Compared before `run`, which may normalise the parsed body in place (dynalite's type checks do).
    if (previous && parametersOf(JSON.parse(previous.requestText)) !== parametersOf(body)) {
      return wire(400, {
        __type: `${errorPrefix}IdempotentParameterMismatchException`,
        Message: "The request uses the same client token as a previous, but non-identical request.",
      });
    }
    if (previous) return previous;
    let outcome: WireResponse;
    try {
      outcome = wire(200, await run(body));
    } catch (err) {
      outcome = wireError(err);
    }
    // AWS documents the replay of a successful call; a refused or cancelled one may be retried as new.
    if (typeof token === "string" && outcome.status === 200)
      outcomes.set(token, { requestText: text, at: now, ...outcome });
    return outcome;
  };
}
