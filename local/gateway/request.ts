// An HTTP request as API Gateway sees it: headers in the case and order the client sent them
// (duplicates kept), the query string, the body bytes and the caller's address.
import type { IncomingMessage } from "node:http";

/** A proxy event's pair of maps: `headers` / `queryStringParameters` and their multi-value twins. */
export interface ProxyEventMaps {
  /** The last value of each name, as API Gateway fills the single-value map. */
  single: Record<string, string>;
  multi: Record<string, string[]>;
}

function proxyEventMaps(pairs: Iterable<[string, string]>): ProxyEventMaps {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of pairs) {
    single[key] = value;
    (multi[key] ??= []).push(value);
  }
  return { single, multi };
}

export class IncomingApiRequest {
  /** [name, value] pairs as sent. */
  readonly headerPairs: Array<[string, string]>;
  readonly query: URLSearchParams;
  pathParameters: Record<string, string> = {};

  constructor(
    readonly httpMethod: string,
    /** The path after the stage, e.g. "/orders/o-1" ("/" for the stage root). */
    readonly path: string,
    /** The path as requested, with the stage, e.g. "/v1/orders/o-1". */
    readonly fullPath: string,
    rawHeaders: string[],
    search: string,
    readonly body: Buffer,
    readonly sourceIp: string,
  ) {
    this.headerPairs = [];
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) this.headerPairs.push([rawHeaders[i], rawHeaders[i + 1]]);
    this.query = new URLSearchParams(search);
  }

  static from(
    message: IncomingMessage,
    stagePath: { path: string; fullPath: string; search: string },
    body: Buffer,
  ): IncomingApiRequest {
    return new IncomingApiRequest(
      message.method ?? "GET",
      stagePath.path,
      stagePath.fullPath,
      message.rawHeaders,
      stagePath.search,
      body,
      message.socket.remoteAddress ?? "127.0.0.1",
    );
  }

  /** The last value of a header, any case. */
  header(name: string): string | undefined {
    const lower = name.toLowerCase();
    let found: string | undefined;
    for (const [key, value] of this.headerPairs) if (key.toLowerCase() === lower) found = value;
    return found;
  }

  /** Headers as the proxy event's `headers` (last value wins) and `multiValueHeaders`. */
  headerMaps(): ProxyEventMaps {
    return proxyEventMaps(this.headerPairs);
  }

  /** Query parameters as the proxy event's two maps (last value wins in the single one). */
  queryMaps(): ProxyEventMaps {
    return proxyEventMaps(this.query);
  }

  /** The media type of the body, lower case, without parameters; API Gateway assumes JSON. */
  contentType(): string {
    return (this.header("content-type") ?? "application/json").split(";")[0].trim().toLowerCase();
  }
}
