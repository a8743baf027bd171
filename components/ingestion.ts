// The clickstream pipeline: POST /events and /events/me (API Gateway → Kinesis PutRecords, no Lambda in the
// hot path) → KMS-encrypted Kinesis stream → ClickstreamProcessor (partial batch failures,
// bounded retries, dead-letter queue) → Amazon Personalize (by config) and Firehose → the
// S3 data lake (date/hour partitions, GZIP, tiered then expired by lifecycle).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ApiRoute } from "./api";
import type { PlatformConfig } from "./config";
import { createEventsRoutes } from "./ingestion-events-route";
import { PersonalizeDatasetGroup, personalizeWiring } from "./ingestion-personalize";
import { DeadLetterQueue } from "./lib/dead-letter-queue";
import { BundledFunction } from "./lib/function";
import { PolicyStatement, accountAdministersKey, callerContext, firehoseTrustPolicy, policyDocument } from "./lib/iam";
import { MonitoringTargets } from "./lib/monitoring-targets";
import { PrivateBucket } from "./lib/private-bucket";
import { statefulOptions } from "./lib/stateful";
import { StreamConsumer } from "./lib/stream-consumer";

export type IngestionConfig = Pick<PlatformConfig,
  "stage" | "region" | "awsProfile" | "tags" | "protectData" | "logRetentionDays" | "eventsRateLimit" | "eventsBurstLimit" |
  "streamMode" | "streamShardCount" | "streamRetentionHours" |
  "processorBatchSize" | "processorBatchWindowSeconds" | "processorParallelization" | "processorMemoryMb" | "processorTimeoutSeconds" |
  "streamMaxRetryAttempts" | "streamMaxRecordAgeSeconds" | "firehoseBufferSeconds" | "firehoseBufferMib" |
  "lakeInfrequentAccessDays" | "lakeGlacierDays" | "lakeExpirationDays" | "personalizeMode" | "personalizeTrackingId">;

export interface IngestionArgs {
  config: IngestionConfig;
  /** The storefront origin allowed by CORS on POST /events (e.g. https://d123.cloudfront.net). */
  allowedOrigin: pulumi.Input<string>;
}

export const processorEntry = "handlers/clickstream/index.ts";
/** Where Firehose writes events: one folder per UTC day and hour (Hive-style, for Athena/Glue). */
export const lakeEventsPrefix = "events/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/";
/** Where Firehose writes what it could not deliver, by error type. */
export const lakeErrorsPrefix = "errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/";
/** Where the processor keeps invalid events, with the reason. */
export const quarantinePrefix = "quarantine/";
/** Personalize PutEvents calls in flight per invocation (1,000 calls/s per dataset group). */
export const personalizeConcurrency = 8;
/** Days an overwritten or deleted lake object stays recoverable. */
export const lakeNoncurrentVersionDays = 30;
export const processorServiceName = "clickstream-processor";
export const processorMetricsNamespace = "Ecommerce/Clickstream";

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
    const viaService = (service: string) => ({ StringEquals: { "kms:ViaService": `${service}.${c.region}.amazonaws.com` } });

    this.key = new aws.kms.Key(`${name}-key`, {
      description: "Clickstream: Kinesis stream, Firehose buffer and data lake",
      enableKeyRotation: true,
      deletionWindowInDays: c.protectData ? 30 : 7,
      policy: clickstreamKeyPolicy(accountId, partition, c.region),
    }, { parent: this, ...statefulOptions(c, "companion") });

    this.stream = new aws.kinesis.Stream(`${name}-stream`, {
      streamModeDetails: { streamMode: c.streamMode },
      shardCount: c.streamMode === "PROVISIONED" ? c.streamShardCount : undefined,
      retentionPeriod: c.streamRetentionHours,
      encryptionType: "KMS",
      kmsKeyId: this.key.arn,
    }, { parent: this, ...statefulOptions(c, "transient") });

    const events = createEventsRoutes(`${name}-events-api`, {
      streamName: this.stream.name,
      streamArn: this.stream.arn,
      keyArn: this.key.arn,
      allowedOrigin: args.allowedOrigin,
      region: c.region,
      partition,
      throttle: { rateLimit: c.eventsRateLimit, burstLimit: c.eventsBurstLimit },
    }, this);
    this.apiRole = events.role;
    this.routes = events.routes;

    // `protect` (inherited by the bucket and its settings) keeps the lake through a destroy
    // in protected stages, and retainOnDelete keeps the data even once unprotected;
    // forceDestroy lets dev stacks go with their data.
    this.lakeBucket = new PrivateBucket(`${name}-lake`, { forceDestroy: !c.protectData, kmsKeyArn: this.key.arn }, { parent: this, ...statefulOptions(c, "store") });
    const lakeArn = this.lakeBucket.arn;
    const lifecycle = new aws.s3.BucketLifecycleConfiguration(`${name}-lake-lifecycle`, {
      bucket: this.lakeBucket.bucket.id,
      rules: [{
        id: "tier-then-expire",
        status: "Enabled",
        filter: { prefix: "" },
        transitions: [
          { days: c.lakeInfrequentAccessDays, storageClass: "STANDARD_IA" },
          { days: c.lakeGlacierDays, storageClass: "GLACIER" },
        ],
        expiration: { days: c.lakeExpirationDays },
        noncurrentVersionExpiration: { noncurrentDays: lakeNoncurrentVersionDays },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      }],
    }, { parent: this, dependsOn: this.lakeBucket.settings });

    // Firehose: its own log group and stream, and a role that may write only its prefixes.
    this.deliveryLogGroup = new aws.cloudwatch.LogGroup(`${name}-delivery-logs`, { retentionInDays: c.logRetentionDays }, { parent: this });
    const deliveryLogStream = new aws.cloudwatch.LogStream(`${name}-delivery-s3`, { logGroupName: this.deliveryLogGroup.name }, { parent: this });
    this.firehoseRole = new aws.iam.Role(`${name}-firehose-role`, {
      description: "Firehose writes clickstream events to the data lake",
      assumeRolePolicy: firehoseTrustPolicy(accountId),
    }, { parent: this });
    const firehosePolicy = new aws.iam.RolePolicy(`${name}-firehose-policy`, {
      role: this.firehoseRole.id,
      policy: policyDocument([
        { Sid: "LakeBucket", Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], Resource: lakeArn },
        {
          Sid: "LakeObjects",
          Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
          Resource: [pulumi.interpolate`${lakeArn}/events/*`, pulumi.interpolate`${lakeArn}/errors/*`],
        },
        { Sid: "EncryptLakeObjects", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: this.key.arn, Condition: viaService("s3") },
        { Sid: "WriteDeliveryLogs", Action: "logs:PutLogEvents", Resource: deliveryLogStream.arn },
      ]),
    }, { parent: this });

    this.deliveryStream = new aws.kinesis.FirehoseDeliveryStream(`${name}-delivery`, {
      destination: "extended_s3",
      // Records waiting in Firehose's buffer are encrypted with the clickstream key (Firehose
      // holds a grant on it, created at deployment).
      serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: this.key.arn },
      extendedS3Configuration: {
        roleArn: this.firehoseRole.arn,
        bucketArn: lakeArn,
        prefix: lakeEventsPrefix,
        errorOutputPrefix: lakeErrorsPrefix,
        compressionFormat: "GZIP",
        bufferingInterval: c.firehoseBufferSeconds,
        bufferingSize: c.firehoseBufferMib,
        kmsKeyArn: this.key.arn,
        cloudwatchLoggingOptions: { enabled: true, logGroupName: this.deliveryLogGroup.name, logStreamName: deliveryLogStream.name },
      },
    }, { parent: this, dependsOn: [firehosePolicy, lifecycle, ...this.lakeBucket.settings] });

    const personalize = personalizeWiring(`${name}-personalize`, c, this);
    this.trackingId = personalize.trackingId;
    this.personalize = personalize.datasetGroup;

    const processorPermissions: PolicyStatement[] = [
      { Sid: "DeliverToLake", Action: "firehose:PutRecordBatch", Resource: this.deliveryStream.arn },
      { Sid: "WriteQuarantine", Action: "s3:PutObject", Resource: pulumi.interpolate`${lakeArn}/${quarantinePrefix}*` },
      { Sid: "EncryptQuarantine", Action: "kms:GenerateDataKey", Resource: this.key.arn, Condition: viaService("s3") },
      ...personalize.statements,
    ];
    const environment: Record<string, pulumi.Input<string>> = {
      FIREHOSE_STREAM_NAME: this.deliveryStream.name,
      LAKE_BUCKET: this.lakeBucket.name,
      QUARANTINE_PREFIX: quarantinePrefix,
      PERSONALIZE_CONCURRENCY: String(personalizeConcurrency),
      POWERTOOLS_SERVICE_NAME: processorServiceName,
      POWERTOOLS_METRICS_NAMESPACE: processorMetricsNamespace,
    };
    if (personalize.trackingId) environment.PERSONALIZE_TRACKING_ID = personalize.trackingId;

    this.processor = new BundledFunction(`${name}-processor`, {
      entry: processorEntry,
      description: "ClickstreamProcessor: validates clickstream events and sends them to Personalize and the data lake",
      memoryMb: c.processorMemoryMb,
      timeoutSeconds: c.processorTimeoutSeconds,
      logRetentionDays: c.logRetentionDays,
      environment,
      policyStatements: processorPermissions,
    }, { parent: this });

    // Clickstream batches the processor gave up on (retries or record age exhausted).
    this.deadLetterQueue = new DeadLetterQueue(`${name}-processor-dlq`, { purpose: "clickstream-processor-failures" }, { parent: this });

    this.consumer = new StreamConsumer(`${name}-processor-source`, {
      function: this.processor,
      source: { kind: "kinesis", streamArn: this.stream.arn, kmsKeyArn: this.key.arn },
      deadLetterQueue: this.deadLetterQueue,
      batchSize: c.processorBatchSize,
      batchWindowSeconds: c.processorBatchWindowSeconds,
      parallelization: c.processorParallelization,
      maxRetryAttempts: c.streamMaxRetryAttempts,
      maxRecordAgeSeconds: c.streamMaxRecordAgeSeconds,
    }, { parent: this });

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
export function clickstreamKeyPolicy(accountId: pulumi.Input<string>, partition: pulumi.Input<string>, region: string): pulumi.Output<string> {
  const account = { AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root` };
  const service = (s: string) => `${s}.${region}.amazonaws.com`;
  return policyDocument([
    accountAdministersKey(accountId, partition),
    {
      Sid: "UseThroughClickstreamServices",
      Principal: account,
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": [service("kinesis"), service("firehose"), service("s3")] } },
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
