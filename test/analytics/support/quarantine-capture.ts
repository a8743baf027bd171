// The quarantine sink's document as it would be stored: its own code, an S3 client that keeps the body.
import type { PutObjectCommand, PutObjectCommandOutput } from "@aws-sdk/client-s3";
import { writeQuarantine as sinkWrite, type QuarantineEntry } from "../../../handlers/clickstream/quarantine-sink";

export type PutObjectCommandLike = PutObjectCommand;

export async function writeQuarantine(entries: QuarantineEntry[]): Promise<string> {
  let body = "";
  const client = { send: async (command: PutObjectCommand): Promise<PutObjectCommandOutput> => { body = command.input.Body as string; return { $metadata: {} }; } };
  await sinkWrite(entries, { client, bucket: "lake", prefix: "quarantine/" }, new Date("2026-11-30T10:00:02Z"));
  return body;
}
