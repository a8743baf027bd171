// A loopback HTTP server speaking an AWS JSON 1.1 protocol: the action comes in the
// X-Amz-Target header, the input and the answer are JSON. The Firehose and Athena stand-ins
// are both served this way; each only says how it answers an action.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface AwsJsonReply {
  status: number;
  body: Record<string, unknown>;
}

export interface AwsJsonServerOptions {
  /** The service's target prefix, e.g. "Firehose_20150804." or "AmazonAthena.". */
  targetPrefix: string;
  handle: (action: string, input: any) => Promise<AwsJsonReply>;
  /** The service's own 5xx shape (its error type and message key) for a handler that threw. */
  serverError: (err: unknown) => Record<string, unknown>;
  port?: number;
}

export interface AwsJsonServer {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startAwsJsonServer(options: AwsJsonServerOptions): Promise<AwsJsonServer> {
  const receive = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let reply: AwsJsonReply;
    try {
      const action = String(req.headers["x-amz-target"] ?? "").replace(options.targetPrefix, "");
      reply = await options.handle(action, JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"));
    } catch (err) {
      reply = { status: 500, body: options.serverError(err) };
    }
    const payload = JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      "content-type": "application/x-amz-json-1.1",
      "content-length": Buffer.byteLength(payload),
    });
    res.end(payload);
  };
  const server = createServer((req, res) => void receive(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
