// A small OpenSearch client: `fetch` with every request signed with SigV4 for service "es"
// (the domain's access policy admits only the Lambda roles, and fine-grained access control
// maps the role). It replaces @opensearch-project/opensearch in the handlers, whose transport
// and generated API were most of each bundle; the signatures are byte-identical to that
// client's on the request shapes used here (test/handlers/lib/opensearch-client.test.ts).
// It never retries: each caller retries what is worth retrying, with handlers/lib/retry. Each
// request is an X-Ray subsegment of the invocation's trace when it is traced (./xray-http.ts).
import { SignatureV4 } from "@smithy/signature-v4";
import type { SourceData } from "@smithy/types";
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { traceHttpRequest } from "./xray-http";
import { traceHeaderName } from "./xray-trace-header";

/** What the signer needs; `expiration` lets the provider refresh temporary credentials before they lapse. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface OpenSearchClientOptions {
  /** https://<domain endpoint> in AWS; tests pass http://127.0.0.1:<port>. */
  endpoint: string;
  region: string;
  /** An SDK credential provider (the runtime's chain in Lambda); static credentials in tests. */
  credentials: () => Promise<SigningCredentials>;
  /** Per request, unless the request says otherwise. */
  requestTimeoutMs?: number;
  /** The signing clock; tests pin it. */
  now?: () => Date;
}

export interface OpenSearchRequest {
  method: "GET" | "HEAD" | "POST" | "PUT" | "DELETE";
  /** Path below the endpoint, e.g. "/orders/_search". */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** A JSON body (serialised here), or an NDJSON string for `_bulk`. */
  body?: object;
  ndjson?: string;
  timeoutMs?: number;
}

/** Every HTTP status comes back as a response; only a request that got no answer throws. */
export interface OpenSearchResponse<T = unknown> {
  statusCode: number;
  /** Parsed JSON, or the text when the reply is not JSON; undefined for HEAD. */
  body: T;
}

export interface OpenSearchClient {
  request<T = unknown>(request: OpenSearchRequest): Promise<OpenSearchResponse<T>>;
}

/** The answer OpenSearch gives with an error status: `{ error: { type, reason }, status }`. */
export interface OpenSearchErrorBody {
  error?: { type?: string; reason?: string } | string;
  message?: string;
}

/** A request that got no answer: refused, reset, or over its timeout. */
export class OpenSearchConnectionError extends Error {
  override name = "OpenSearchConnectionError";
}

/** SHA-256 and HMAC-SHA256 as the signer wants them (the interface of @smithy/hash-node). */
export class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === "string") return data;
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

/** The headers of one signed request (also what the signature test compares). */
export async function signedHeaders(
  signer: SignatureV4,
  url: URL,
  request: OpenSearchRequest,
  body: string | undefined,
  signingDate: Date,
): Promise<Record<string, string>> {
  const headers: Record<string, string> = { host: url.host };
  if (body !== undefined) {
    headers["content-type"] = request.ndjson !== undefined ? "application/x-ndjson" : "application/json";
    headers["content-length"] = String(Buffer.byteLength(body));
  }
  headers["x-amz-content-sha256"] = createHash("sha256")
    .update(body ?? "", "utf8")
    .digest("hex");
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) query[key] = String(value);
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: request.path,
      query,
      headers,
      body,
    },
    { signingDate },
  );
  return signed.headers;
}

export function createOpenSearchClient(options: OpenSearchClientOptions): OpenSearchClient {
  const base = new URL(options.endpoint);
  const signer = new SignatureV4({
    service: "es",
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  const now = options.now ?? (() => new Date());
  return {
    async request<T>(request: OpenSearchRequest): Promise<OpenSearchResponse<T>> {
      const url = new URL(request.path, base);
      for (const [key, value] of Object.entries(request.query ?? {}))
        if (value !== undefined) url.searchParams.set(key, String(value));
      const body = request.ndjson ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
      const headers = await signedHeaders(signer, base, request, body, now());
      // fetch sets Host and Content-Length itself, to the values signed here.
      delete headers.host;
      delete headers["content-length"];
      return traceHttpRequest(
        { method: request.method, url },
        // The trace header goes on unsigned: SigV4 never signs X-Amzn-Trace-Id (it may change in transit).
        (traceHeader) =>
          send<T>(url, request, traceHeader ? { ...headers, [traceHeaderName]: traceHeader } : headers, body),
        (answer) => answer.statusCode,
      );
    },
  };

  async function send<T>(
    url: URL,
    request: OpenSearchRequest,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<OpenSearchResponse<T>> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(request.timeoutMs ?? options.requestTimeoutMs ?? 10_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const what =
        (err as Error).name === "TimeoutError"
          ? "timed out"
          : `failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`;
      throw new OpenSearchConnectionError(`${request.method} ${request.path} ${what}`, { cause: err });
    }
    const text = request.method === "HEAD" ? "" : await response.text();
    let parsed: unknown = text || undefined;
    if (text && (response.headers.get("content-type") ?? "").includes("json")) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { statusCode: response.status, body: parsed as T };
  }
}

/** "HTTP 409 version_conflict_engine_exception: ..." for logs and errors. */
export function describeResponse(response: OpenSearchResponse): string {
  const body = response.body as OpenSearchErrorBody | undefined;
  const error = body?.error;
  const detail = typeof error === "object" ? `${error.type}: ${error.reason}` : (error ?? body?.message ?? "");
  return `HTTP ${response.statusCode}${detail ? ` ${detail}` : ""}`;
}
