// The clickstream pipeline: POST /events and /events/me (API Gateway → Kinesis PutRecords, no Lambda in the
// hot path) → KMS-encrypted Kinesis stream → ClickstreamProcessor (partial batch failures,
// bounded retries, dead-letter queue) → Amazon Personalize (by config) and Firehose → the
// S3 data lake (date/hour partitions, GZIP, tiered then expired by lifecycle).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ApiRoute } from "./api";
import type { PlatformConfig } from "./config";
import { createEventsRoutes } from "./ingestion-events-route";
import { createLake, createLakeDelivery } from "./ingestion-lake";
import { type PersonalizeDatasetGroup, personalizeWiring } from "./ingestion-personalize";
import { createClickstreamProcessor } from "./ingestion-processor";
import type { DeadLetterQueue } from "./lib/dead-letter-queue";
import type { BundledFunction } from "./lib/function";
import { accountAdministersKey, callerContext, policyDocument } from "./lib/iam";
import type { MonitoringTargets } from "./lib/monitoring-targets";
import type { PrivateBucket } from "./lib/private-bucket";
import { statefulOptions } from "./lib/stateful";
import type { StreamConsumer } from "./lib/stream-consumer";

export type IngestionConfig = Pick<
  PlatformConfig,
  | "stage"
  | "region"
  | "awsProfile"
  | "tags"
  | "protectData"
  | "logRetentionDays"
  | "eventsRateLimit"
  | "eventsBurstLimit"
  | "streamMode"
  | "streamShardCount"
  | "streamRetentionHours"
  | "processorBatchSize"
  | "processorBatchWindowSeconds"
  | "processorParallelization"
  | "processorMemoryMb"
  | "processorTimeoutSeconds"
  | "streamMaxRetryAttempts"
  | "streamMaxRecordAgeSeconds"
  | "firehoseBufferSeconds"
  | "firehoseBufferMib"
  | "lakeInfrequentAccessDays"
  | "lakeGlacierDays"
  | "lakeExpirationDays"
  | "personalizeMode"
  | "personalizeTrackingId"
  | "personalizePutEventsQuota"
>;

export interface IngestionArgs {
  config: IngestionConfig;
  /** The storefront origin allowed by CORS on POST /events (e.g. https://d123.cloudfront.net). */
  allowedOrigin: pulumi.Input<string>;
}

export {
  quarantinePrefix,
  serviceName as processorServiceName,
  metricsNamespace as processorMetricsNamespace,
} from "../handlers/clickstream/contract";
export { lakeErrorsPrefix, lakeEventsPrefix, lakeNoncurrentVersionDays } from "./ingestion-lake";
export { personalizeConcurrency, processorEntry } from "./ingestion-processor";

export class Ingestion extends pulumi.ComponentResource {
  /** Encrypts the stream, the Firehose buffer and the lake. */
  public readonly key: aws.kms.Key;
  public readonly stream: aws.kinesis.Stream;
  public readonly lakeBucket: PrivateBucket;
  public readonly deliveryStream: aws.kinesis.FirehoseDeliveryStream;
  public readonly deliveryLogGroup: aws.cloudwatch.LogGroup;
  public readonly processor: BundledFunction;
  public readonly deadLetterQueue: DeadLetterQueue;
  public readonly consumer: StreamConsumer;
  /** The role API Gateway assumes for PutRecords. */
  public readonly apiRole: aws.iam.Role;
  public readonly firehoseRole: aws.iam.Role;
  /** POST /events (anonymous) and POST /events/me (signed in), for the Api. */
  public readonly routes: ApiRoute[];
  /** The Personalize tracking id the processor uses; undefined when Personalize is disabled. */
  public readonly trackingId?: pulumi.Output<string>;
  /** Set in `create` mode. */
  public readonly personalize?: PersonalizeDatasetGroup;
  public readonly monitoring: MonitoringTargets;

  constructor(name: string, args: IngestionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:ingestion:Ingestion", name, {}, opts);
    const c = args.config;
    const { accountId, partition } = callerContext({ parent: this });

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: "Clickstream: Kinesis stream, Firehose buffer and data lake",
        enableKeyRotation: true,
        deletionWindowInDays: c.protectData ? 30 : 7,
        policy: clickstreamKeyPolicy(accountId, partition, c.region),
      },
      { parent: this, ...statefulOptions(c, "companion") },
    );

    this.stream = new aws.kinesis.Stream(
      `${name}-stream`,
      {
        streamModeDetails: { streamMode: c.streamMode },
        shardCount: c.streamMode === "PROVISIONED" ? c.streamShardCount : undefined,
        retentionPeriod: c.streamRetentionHours,
        encryptionType: "KMS",
        kmsKeyId: this.key.arn,
      },
      { parent: this, ...statefulOptions(c, "transient") },
    );

    const events = createEventsRoutes(
      `${name}-events-api`,
      {
        streamName: this.stream.name,
        streamArn: this.stream.arn,
        keyArn: this.key.arn,
        allowedOrigin: args.allowedOrigin,
        region: c.region,
        partition,
        throttle: { rateLimit: c.eventsRateLimit, burstLimit: c.eventsBurstLimit },
      },
      this,
    );
    this.apiRole = events.role;
    this.routes = events.routes;

    const lake = createLake(`${name}-lake`, { config: c, keyArn: this.key.arn }, this);
    this.lakeBucket = lake.bucket;
    const delivery = createLakeDelivery(name, { config: c, accountId, lake, keyArn: this.key.arn }, this);
    this.deliveryStream = delivery.deliveryStream;
    this.deliveryLogGroup = delivery.logGroup;
    this.firehoseRole = delivery.role;

    const personalize = personalizeWiring(`${name}-personalize`, c, this);
    this.trackingId = personalize.trackingId;
    this.personalize = personalize.datasetGroup;

    const processing = createClickstreamProcessor(
      `${name}-processor`,
      {
        config: c,
        stream: this.stream,
        keyArn: this.key.arn,
        deliveryStream: this.deliveryStream,
        lakeBucket: this.lakeBucket,
        personalize,
      },
      this,
    );
    this.processor = processing.processor;
    this.deadLetterQueue = processing.deadLetterQueue;
    this.consumer = processing.consumer;

    this.monitoring = {
      streamConsumers: [this.processor],
      deadLetterQueues: [this.deadLetterQueue],
      streams: [this.stream],
      deliveryStreams: [this.deliveryStream],
    };
    this.registerOutputs({
      streamName: this.stream.name,
      lakeBucket: this.lakeBucket.name,
      deliveryStream: this.deliveryStream.name,
      processor: this.processor.name,
      deadLetterQueue: this.deadLetterQueue.url,
      trackingId: this.trackingId,
    });
  }
}

/**
 * The key policy. The account administers the key; principals of this account may use it only
 * through Kinesis, Firehose and S3 in this region (and still need an IAM grant: the roles of
 * this component carry exactly theirs); Firehose may hold a grant for its buffer encryption.
 * Nobody can decrypt with it directly, and no other account can use it at all.
 */
export function clickstreamKeyPolicy(
  accountId: pulumi.Input<string>,
  partition: pulumi.Input<string>,
  region: string,
): pulumi.Output<string> {
  const account = { AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root` };
  const service = (s: string) => `${s}.${region}.amazonaws.com`;
  return policyDocument([
    accountAdministersKey(accountId, partition),
    {
      Sid: "UseThroughClickstreamServices",
      Principal: account,
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:CallerAccount": accountId,
          "kms:ViaService": [service("kinesis"), service("firehose"), service("s3")],
        },
      },
    },
    {
      Sid: "FirehoseBufferEncryptionGrant",
      Principal: account,
      Action: "kms:CreateGrant",
      Resource: "*",
      Condition: {
        StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": service("firehose") },
        Bool: { "kms:GrantIsForAWSResource": "true" },
      },
    },
  ]);
}
