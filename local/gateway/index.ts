// The local API gateway: serves the REST API the Api component deploys, from its very OpenAPI
// document, on 127.0.0.1 under the stage prefix (http://127.0.0.1:<port>/v1/...), as API
// Gateway would. A library: local mode (`npm start`) and the tests start and stop it.
//
// Where it differs from API Gateway (for the README's table):
// - No throttling, usage plans, API keys, caching or WAF; no TLS (http on loopback).
// - The aws integration's `credentials` role is not assumed: calls go to the local backend as
//   given (kinesisServiceCall signs with fixed local credentials).
// - Validation findings use API Gateway's wording for the common draft-04 keywords; rarer
//   ones read as ajv words them. An empty body is validated as `{}` (not verified on AWS).
// - Mapping templates run on velocityjs with Java's String methods added; `$input.path` gives
//   JavaScript values, so printing a whole object differs from Java's `{a=1}` rendering.
// - Claim objects (none in Cognito ID tokens) are flattened to JSON, an assumption.
// - Resource ids, the API id ("local") and the account id are stand-ins.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type GatewayOptions, RestApiGateway } from "./gateway";
import type { HttpResponse } from "./gateway-responses";
import { IncomingApiRequest } from "./request";

export type { AwsServiceCall, GatewayOptions, InvokeLambda, LambdaInvocationContext, RequestLog } from "./gateway";
export type { CognitoOptions } from "./authorizer";
export type { OpenApiDocument } from "./document";

export interface LocalGatewayOptions extends GatewayOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface LocalGateway {
  /** The invoke URL, with the stage and no trailing slash: http://127.0.0.1:<port>/v1. */
  url: string;
  close(): Promise<void>;
}

/** API Gateway's payload limit for REST APIs (10 MB). */
const maxPayloadBytes = 10 * 1024 * 1024;

function readBody(message: IncomingMessage): Promise<Buffer | "too large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    message.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxPayloadBytes) chunks.push(chunk);
    });
    message.on("end", () => resolve(size > maxPayloadBytes ? "too large" : Buffer.concat(chunks)));
    message.on("error", reject);
  });
}

function send(res: ServerResponse, response: HttpResponse): void {
  res.statusCode = response.statusCode;
  for (const [name, values] of Object.entries(response.headers)) res.setHeader(name, values);
  res.end(response.body);
}

const json = (statusCode: number, message: string): HttpResponse => ({
  statusCode,
  headers: { "Content-Type": ["application/json"] },
  body: JSON.stringify({ message }),
});

export async function createLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  let domainName = "127.0.0.1";
  const gateway = new RestApiGateway(options, () => domainName);
  const stagePrefix = `/${options.stageName}`;

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      // Outside the stage there is no API: the execute-api endpoint answers 403 Forbidden.
      if (url.pathname !== stagePrefix && !url.pathname.startsWith(`${stagePrefix}/`)) {
        req.resume();
        return send(res, json(403, "Forbidden"));
      }
      const body = await readBody(req);
      const path = url.pathname.slice(stagePrefix.length) || "/";
      const request = IncomingApiRequest.from(
        req,
        { path, fullPath: url.pathname, search: url.search },
        body === "too large" ? Buffer.alloc(0) : body,
      );
      if (body === "too large") return send(res, json(413, "Request Too Long"));
      send(res, await gateway.handle(request));
    } catch (error) {
      // A fault of this emulator, not an API Gateway behaviour: say so plainly.
      send(res, json(500, `Local gateway error: ${(error as Error).message}`));
    }
  });

  // Idle keep-alive connections are the client's to close: with Node's 5 s default the server
  // can drop one just as a client (fetch keeps sockets 4 s) reuses it after a long template
  // render, and the request dies with ECONNRESET.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  domainName = `${address}:${port}`;
  return {
    url: `http://${address}:${port}${stagePrefix}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
