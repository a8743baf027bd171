// Reads a kinesalite stream shard by shard from TRIM_HORIZON (the mapping's startingPosition),
// turning each record into the Records[] entry a Kinesis event source mapping delivers.
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from "@aws-sdk/client-kinesis";
import type { SourceRecord } from "./batches";
import type { ShardReader } from "./poller";

export interface KinesisSourceOptions {
  client: KinesisClient;
  streamName: string;
  streamArn: string;
  region: string;
  /** The function's execution role: Lambda reads the stream with it (invokeIdentityArn). */
  roleArn: string;
}

class KinesisShardReader implements ShardReader {
  private iterator?: string;

  constructor(
    private readonly options: KinesisSourceOptions,
    private readonly shardId: string,
  ) {}

  async read(limit: number): Promise<SourceRecord[]> {
    const { client, streamName } = this.options;
    if (!this.iterator) {
      const started = await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: this.shardId,
          ShardIteratorType: "TRIM_HORIZON",
        }),
      );
      this.iterator = started.ShardIterator;
    }
    const page = await client.send(
      new GetRecordsCommand({ ShardIterator: this.iterator, Limit: Math.min(limit, 10_000) }),
    );
    this.iterator = page.NextShardIterator ?? this.iterator;
    return (page.Records ?? []).map((record) => {
      const arrival = record.ApproximateArrivalTimestamp ?? new Date();
      return {
        sequenceNumber: record.SequenceNumber!,
        arrivalMs: arrival.getTime(),
        eventRecord: {
          kinesis: {
            kinesisSchemaVersion: "1.0",
            partitionKey: record.PartitionKey,
            sequenceNumber: record.SequenceNumber,
            data: Buffer.from(record.Data ?? new Uint8Array()).toString("base64"),
            approximateArrivalTimestamp: arrival.getTime() / 1000,
          },
          eventSource: "aws:kinesis",
          eventVersion: "1.0",
          eventID: `${this.shardId}:${record.SequenceNumber}`,
          eventName: "aws:kinesis:record",
          invokeIdentityArn: this.options.roleArn,
          awsRegion: this.options.region,
          eventSourceARN: this.options.streamArn,
        },
      };
    });
  }
}

export async function kinesisShardReaders(
  options: KinesisSourceOptions,
): Promise<{ shardId: string; reader: ShardReader }[]> {
  const shards = await options.client.send(new ListShardsCommand({ StreamName: options.streamName }));
  return (shards.Shards ?? []).map((shard) => ({
    shardId: shard.ShardId!,
    reader: new KinesisShardReader(options, shard.ShardId!),
  }));
}
