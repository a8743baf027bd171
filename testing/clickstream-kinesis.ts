// Puts records into kinesalite the way the collector does (PutRecords, partition key =
// sessionId) and reads them back with GetRecords, so handler tests run on real records.
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  PutRecordsCommand,
  type ShardIteratorType,
} from "@aws-sdk/client-kinesis";
import type { StreamRecord } from "./clickstream-events";

export async function createStream(kinesis: KinesisClient, streamName: string): Promise<string> {
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
  for (let i = 0; i < 50; i++) {
    const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName: streamName }));
    if (StreamDescription?.StreamStatus === "ACTIVE") return StreamDescription.Shards![0].ShardId!;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`stream ${streamName} did not become ACTIVE`);
}

export async function putRecords(
  kinesis: KinesisClient,
  streamName: string,
  records: { data: Uint8Array | string; partitionKey: string }[],
) {
  const reply = await kinesis.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: records.map((r) => ({
        Data: typeof r.data === "string" ? Buffer.from(r.data) : r.data,
        PartitionKey: r.partitionKey,
      })),
    }),
  );
  if (reply.FailedRecordCount) throw new Error(`kinesalite refused ${reply.FailedRecordCount} records`);
  return reply.Records!.map((r) => r.SequenceNumber!);
}

/** Every record of the shard from `from` (default: the start), as the event source mapping sees them. */
export async function readRecords(
  kinesis: KinesisClient,
  streamName: string,
  shardId: string,
  from?: { type: ShardIteratorType; sequenceNumber: string },
): Promise<StreamRecord[]> {
  const { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: shardId,
      ShardIteratorType: from?.type ?? "TRIM_HORIZON",
      StartingSequenceNumber: from?.sequenceNumber,
    }),
  );
  const reply = await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 10000 }));
  return (reply.Records ?? []).map((r) => ({
    sequenceNumber: r.SequenceNumber!,
    partitionKey: r.PartitionKey!,
    data: r.Data!,
    approximateArrivalTimestamp: r.ApproximateArrivalTimestamp!.getTime() / 1000,
    shardId,
  }));
}
