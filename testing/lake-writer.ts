// Writes a lake on disk the way AWS does, through the ClickstreamProcessor's own code: raw
// events go in as Kinesis records; valid ones come out of its Firehose sink and are stored as
// Firehose stores them (gzip JSON lines under events/dt=YYYY-MM-DD/hour=HH/, by arrival), and
// refused ones through its quarantine sink (one JSON document under quarantine/dt=.../), into
// a folder or into an S3 bucket (s3rver, as local mode keeps the lake).
import { PutObjectCommand, type PutObjectCommandOutput, type S3Client } from "@aws-sdk/client-s3";
import type { PutRecordBatchCommand, PutRecordBatchCommandOutput } from "@aws-sdk/client-firehose";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { lakeEventsPrefix, quarantinePrefix } from "../components/ingestion";
import { processClickstreamBatch } from "../handlers/clickstream/process-batch";
import { kinesisStreamEvent, syntheticSequenceNumber } from "./clickstream-events";
import { instantRetryPolicy, silentLogger } from "./clickstream-fakes";

const deliveryStreamName = "ingestion-delivery";
const pad = (n: number) => String(n).padStart(2, "0");

/** The object key Firehose gives a delivery: its prefix evaluated at `at`, then `<stream>-1-<time>-<uuid>.gz`. */
export function firehoseObjectKey(at: Date): string {
  const prefix = lakeEventsPrefix
    .replace("!{timestamp:yyyy-MM-dd}", at.toISOString().slice(0, 10))
    .replace("!{timestamp:HH}", pad(at.getUTCHours()));
  const time = `${at.toISOString().slice(0, 10)}-${pad(at.getUTCHours())}-${pad(at.getUTCMinutes())}-${pad(at.getUTCSeconds())}`;
  return `${prefix}${deliveryStreamName}-1-${time}-${randomUUID()}.gz`;
}

/** Where the lake's objects go: a folder (keys as paths) or a bucket. */
export type LakeTarget = string | { s3: S3Client; bucket: string };

/** An S3 client for the quarantine sink that writes objects as files under `lakeDir`. */
class S3ToDisk {
  constructor(private readonly lakeDir: string) {}
  async send(command: PutObjectCommand): Promise<PutObjectCommandOutput> {
    const file = path.join(this.lakeDir, command.input.Key!);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, command.input.Body as string | Buffer);
    return { $metadata: { httpStatusCode: 200 } };
  }
}

const s3Of = (target: LakeTarget) =>
  typeof target === "string"
    ? { client: new S3ToDisk(target), bucket: "lake" }
    : { client: target.s3, bucket: target.bucket };

/** Firehose stand-in: each PutRecordBatch becomes one gzip object per arrival hour. */
class FirehoseToLake {
  constructor(private readonly target: LakeTarget) {}
  async send(command: PutRecordBatchCommand): Promise<PutRecordBatchCommandOutput> {
    const byHour = new Map<string, { at: Date; lines: Buffer[] }>();
    for (const record of command.input.Records ?? []) {
      const line = Buffer.from(record.Data as Uint8Array);
      const at = new Date(JSON.parse(line.toString("utf8")).receivedAt);
      const hour = at.toISOString().slice(0, 13);
      if (!byHour.has(hour)) byHour.set(hour, { at, lines: [] });
      byHour.get(hour)!.lines.push(line);
    }
    const { client, bucket } = s3Of(this.target);
    for (const { at, lines } of byHour.values()) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: firehoseObjectKey(at), Body: gzipSync(Buffer.concat(lines)) }),
      );
    }
    const count = command.input.Records?.length ?? 0;
    return {
      $metadata: { httpStatusCode: 200 },
      FailedPutCount: 0,
      Encrypted: true,
      RequestResponses: Array.from({ length: count }, (_, i) => ({ RecordId: String(i) })),
    };
  }
}

export interface Arrival {
  /** When Kinesis accepted the record. */
  at: Date;
  /** A raw event (any value: invalid ones are quarantined) or undecodable bytes. */
  record: unknown;
}

let sequence = 0;

/** Sends the records through the processor, one batch, into the lake at `target`. */
export async function writeLake(target: LakeTarget, arrivals: Arrival[]): Promise<void> {
  const event = kinesisStreamEvent(
    arrivals.map((a) => ({
      sequenceNumber: syntheticSequenceNumber(++sequence),
      partitionKey: "session",
      shardId: "shardId-000000000000",
      approximateArrivalTimestamp: a.at.getTime() / 1000,
      data: a.record instanceof Uint8Array ? a.record : Buffer.from(JSON.stringify(a.record)),
    })),
  );
  const outcome = await processClickstreamBatch(event, {
    firehose: { client: new FirehoseToLake(target), deliveryStreamName },
    quarantine: { ...s3Of(target), prefix: quarantinePrefix },
    logger: silentLogger(),
    retry: instantRetryPolicy(),
  });
  if (outcome.response.batchItemFailures.length > 0)
    throw new Error("the processor reported failures writing the test lake");
}
