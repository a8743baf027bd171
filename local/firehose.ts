// A stand-in for the Firehose delivery stream, speaking the Firehose API (PutRecord,
// PutRecordBatch) on 127.0.0.1 and writing the lake exactly as the recorded delivery stream is
// configured: its prefix with the !{timestamp:...} partitions rendered in UTC, GZIP when
// configured, and Firehose's object names. Unlike Firehose it does not buffer: every call is
// written at once as one object. A call is refused whole past Firehose's limits; when S3 fails,
// every record is answered as failed, so the caller resends (nothing is lost).
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { DeliveryStreamPlan } from "./stack-plan";
import { type AwsJsonReply, type AwsJsonServer, startAwsJsonServer } from "./aws-json-server";

/** The delivery stream as the program configures it (read from the rendered stack). */
export type DeliveryStreamSpec = DeliveryStreamPlan;

export const firehoseLimits = { recordsPerBatch: 500, bytesPerBatch: 4 * 1024 * 1024, bytesPerRecord: 1000 * 1024 };

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Renders Firehose's !{timestamp:<Java date format>} and !{firehose:...} expressions (UTC). */
export function renderPrefix(prefix: string, at: Date, errorOutputType = "processing-failed"): string {
  return prefix.replace(/!\{([a-z]+):([^}]*)\}/g, (whole, namespace: string, value: string) => {
    if (namespace === "firehose") {
      if (value === "error-output-type") return errorOutputType;
      if (value === "random-string") return randomUUID().replace(/-/g, "").slice(0, 11);
      return whole;
    }
    if (namespace !== "timestamp") return whole;
    return value
      .replace(/yyyy/g, String(at.getUTCFullYear()))
      .replace(/MM/g, pad(at.getUTCMonth() + 1))
      .replace(/dd/g, pad(at.getUTCDate()))
      .replace(/HH/g, pad(at.getUTCHours()))
      .replace(/mm/g, pad(at.getUTCMinutes()))
      .replace(/ss/g, pad(at.getUTCSeconds()));
  });
}

/** DeliveryStreamName-DeliveryStreamVersion-YYYY-MM-DD-HH-MM-SS-RandomString, as Firehose names objects. */
export function objectName(stream: DeliveryStreamSpec, at: Date): string {
  const stamp = `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}-${pad(at.getUTCHours())}-${pad(at.getUTCMinutes())}-${pad(at.getUTCSeconds())}`;
  return `${stream.name}-1-${stamp}-${randomUUID()}${stream.compressionFormat === "GZIP" ? ".gz" : ""}`;
}

type FirehoseReply = AwsJsonReply;

const clientError = (type: string, message: string): FirehoseReply => ({
  status: 400,
  body: { __type: type, message },
});

export class LocalFirehose {
  private server?: AwsJsonServer;
  endpoint = "";
  /** Objects written (keys), for tests and the bench. */
  readonly written: string[] = [];

  constructor(
    private readonly streams: DeliveryStreamSpec[],
    private readonly s3: S3Client,
  ) {}

  async start(port = 0): Promise<this> {
    this.server = await startAwsJsonServer({
      targetPrefix: "Firehose_20150804.",
      handle: (action, input) => this.handle(action, input),
      serverError: (err) => ({ __type: "ServiceUnavailableException", message: String(err) }),
      port,
    });
    this.endpoint = this.server.endpoint;
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  private async handle(action: string, body: any): Promise<FirehoseReply> {
    if (action !== "PutRecordBatch" && action !== "PutRecord")
      return clientError("InvalidArgumentException", `${action} is not supported locally`);
    const stream = this.streams.find((s) => s.name === body.DeliveryStreamName);
    if (!stream)
      return clientError(
        "ResourceNotFoundException",
        `Firehose ${body.DeliveryStreamName} under account 123456789012 not found.`,
      );
    const records: { Data?: string }[] = action === "PutRecord" ? [body.Record ?? {}] : (body.Records ?? []);
    if (records.length === 0 || records.length > firehoseLimits.recordsPerBatch)
      return clientError(
        "InvalidArgumentException",
        `Records must hold 1 to ${firehoseLimits.recordsPerBatch} records`,
      );
    const data = records.map((r) => Buffer.from(r.Data ?? "", "base64"));
    const tooBig = data.findIndex((d) => d.length > firehoseLimits.bytesPerRecord);
    if (tooBig >= 0)
      return clientError("InvalidArgumentException", `Record ${tooBig} exceeds ${firehoseLimits.bytesPerRecord} bytes`);
    const total = data.reduce((sum, d) => sum + d.length, 0);
    if (total > firehoseLimits.bytesPerBatch)
      return clientError("InvalidArgumentException", `The batch exceeds ${firehoseLimits.bytesPerBatch} bytes`);

    const at = new Date();
    const key = `${renderPrefix(stream.prefix, at)}${objectName(stream, at)}`;
    const content = Buffer.concat(data);
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: stream.bucket,
          Key: key,
          Body: stream.compressionFormat === "GZIP" ? gzipSync(content) : content,
        }),
      );
      this.written.push(key);
    } catch (err) {
      const failed = records.map(() => ({
        ErrorCode: "ServiceUnavailableException",
        ErrorMessage: `S3 write failed: ${(err as Error).message}`,
      }));
      return action === "PutRecord"
        ? { status: 503, body: { __type: "ServiceUnavailableException", message: failed[0].ErrorMessage } }
        : { status: 200, body: { FailedPutCount: records.length, Encrypted: true, RequestResponses: failed } };
    }
    const ids = records.map(() => randomUUID().replace(/-/g, ""));
    return action === "PutRecord"
      ? { status: 200, body: { RecordId: ids[0], Encrypted: true } }
      : {
          status: 200,
          body: { FailedPutCount: 0, Encrypted: true, RequestResponses: ids.map((RecordId) => ({ RecordId })) },
        };
  }
}
