// The `aws` integration's backend for Kinesis actions: the rendered request template is sent
// as is (the bytes API Gateway would send) to a Kinesis endpoint such as kinesalite, signed
// with SigV4 like any AWS JSON 1.1 call; the reply's status and body go back to the gateway.
import { SignatureV4 } from "@smithy/signature-v4";
import { createHash, createHmac } from "node:crypto";
import type { AwsServiceCall } from "./gateway";

const bytes = (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof data === "string"
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** SHA-256 / HMAC-SHA-256 in the shape SignatureV4 wants, from node:crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

export interface KinesisEndpoint {
  /** e.g. http://127.0.0.1:4567 */
  endpoint: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function kinesisServiceCall(target: KinesisEndpoint): AwsServiceCall {
  const url = new URL(target.endpoint);
  return async (service, action, body, { region, headers }) => {
    if (service !== "kinesis") throw new Error(`No local backend for ${service}:${action}`);
    const signer = new SignatureV4({
      service,
      region,
      sha256: Sha256,
      credentials: target.credentials ?? { accessKeyId: "local", secretAccessKey: "local" },
    });
    const signed = await signer.sign({
      method: "POST",
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: "/",
      headers: {
        host: url.host,
        "content-type": "application/x-amz-json-1.1",
        ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
        "x-amz-target": `Kinesis_20131202.${action}`,
      },
      body,
    });
    const response = await fetch(new URL("/", url), {
      method: "POST",
      headers: signed.headers as Record<string, string>,
      body,
    });
    return { status: response.status, body: await response.text(), headers: Object.fromEntries(response.headers) };
  };
}
