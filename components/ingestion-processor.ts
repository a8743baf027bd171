// The ClickstreamProcessor: the Lambda reading the stream (partial batch failures, bisect,
// bounded retries, a dead-letter queue), built from its handler's contract. It may put
// record batches on the delivery stream and quarantine objects in the lake, nothing more.
// Children of the Ingestion component (their URNs do not change with this file).
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { clickstreamContract, quarantinePrefix } from "../handlers/clickstream/contract";
import { onDemandInitialShards, personalizeInFlightLimit } from "./clickstream-limits";
import type { IngestionConfig } from "./ingestion";
import { DeadLetterQueue } from "./lib/dead-letter-queue";
import { environmentFor } from "./lib/environment";
import { BundledFunction } from "./lib/function";
import type { PolicyStatement } from "./lib/iam";
import type { PrivateBucket } from "./lib/private-bucket";
import { StreamConsumer } from "./lib/stream-consumer";

export const processorEntry = "handlers/clickstream/index.ts";

export interface ClickstreamProcessor {
  processor: BundledFunction;
  deadLetterQueue: DeadLetterQueue;
  consumer: StreamConsumer;
}

export interface ClickstreamProcessorArgs {
  config: Pick<
    IngestionConfig,
    | "region"
    | "logRetentionDays"
    | "processorMemoryMb"
    | "processorTimeoutSeconds"
    | "processorBatchSize"
    | "processorBatchWindowSeconds"
    | "processorParallelization"
    | "streamMaxRetryAttempts"
    | "streamMaxRecordAgeSeconds"
    | "streamMode"
    | "streamShardCount"
    | "personalizePutEventsQuota"
  >;
  stream: aws.kinesis.Stream;
  keyArn: pulumi.Input<string>;
  deliveryStream: aws.kinesis.FirehoseDeliveryStream;
  lakeBucket: PrivateBucket;
  /** Set when Personalize is on: the tracking id and the permission to call PutEvents. */
  personalize: { trackingId?: pulumi.Input<string>; statements: PolicyStatement[] };
}

/**
 * Personalize PutEvents calls in flight per processor invocation: the account's quota shared by
 * every invocation the stream can run at once (its shards, or an on-demand stream's initial 4,
 * times the parallelization factor), so the processor goes as fast as the quota allows.
 */
export function personalizeConcurrency(
  c: Pick<
    IngestionConfig,
    "streamMode" | "streamShardCount" | "processorParallelization" | "personalizePutEventsQuota"
  >,
): number {
  const shards = c.streamMode === "PROVISIONED" ? c.streamShardCount : onDemandInitialShards;
  return personalizeInFlightLimit({
    quotaPerSecond: c.personalizePutEventsQuota,
    shards,
    parallelization: c.processorParallelization,
  });
}

export function createClickstreamProcessor(
  name: string,
  args: ClickstreamProcessorArgs,
  parent: pulumi.Resource,
): ClickstreamProcessor {
  const c = args.config;
  const lakeArn = args.lakeBucket.arn;
  const processor = new BundledFunction(
    name,
    {
      entry: processorEntry,
      description: "ClickstreamProcessor: validates clickstream events and sends them to Personalize and the data lake",
      memoryMb: c.processorMemoryMb,
      timeoutSeconds: c.processorTimeoutSeconds,
      logRetentionDays: c.logRetentionDays,
      environment: environmentFor(clickstreamContract, {
        FIREHOSE_STREAM_NAME: args.deliveryStream.name,
        LAKE_BUCKET: args.lakeBucket.name,
        QUARANTINE_PREFIX: quarantinePrefix,
        PERSONALIZE_CONCURRENCY: String(personalizeConcurrency(c)),
        PERSONALIZE_TRACKING_ID: args.personalize.trackingId,
      }),
      policyStatements: [
        { Sid: "DeliverToLake", Action: "firehose:PutRecordBatch", Resource: args.deliveryStream.arn },
        {
          Sid: "WriteQuarantine",
          Action: "s3:PutObject",
          Resource: pulumi.interpolate`${lakeArn}/${quarantinePrefix}*`,
        },
        {
          Sid: "EncryptQuarantine",
          Action: "kms:GenerateDataKey",
          Resource: args.keyArn,
          Condition: { StringEquals: { "kms:ViaService": `s3.${c.region}.amazonaws.com` } },
        },
        ...args.personalize.statements,
      ],
    },
    { parent },
  );

  // Clickstream batches the processor gave up on (retries or record age exhausted).
  const deadLetterQueue = new DeadLetterQueue(`${name}-dlq`, { purpose: "clickstream-processor-failures" }, { parent });
  const consumer = new StreamConsumer(
    `${name}-source`,
    {
      function: processor,
      source: { kind: "kinesis", streamArn: args.stream.arn, kmsKeyArn: args.keyArn },
      deadLetterQueue,
      batchSize: c.processorBatchSize,
      batchWindowSeconds: c.processorBatchWindowSeconds,
      parallelization: c.processorParallelization,
      maxRetryAttempts: c.streamMaxRetryAttempts,
      maxRecordAgeSeconds: c.streamMaxRecordAgeSeconds,
    },
    { parent },
  );
  return { processor, deadLetterQueue, consumer };
}
