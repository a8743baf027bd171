// The clickstream data lake and how its events reach it: the bucket (KMS, versioned, tiered
// then expired) and the Firehose delivery stream writing date/hour partitions into it, with
// its own log stream and a role that may write only its prefixes. Children of the Ingestion
// component (their URNs do not change with this file).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IngestionConfig } from "./ingestion";
import { firehoseTrustPolicy, policyDocument } from "./lib/iam";
import { statefulOptions } from "./lib/stateful";
import { PrivateBucket } from "./lib/private-bucket";

/** Where Firehose writes events: one folder per UTC day and hour (Hive-style, for Athena/Glue). */
export const lakeEventsPrefix = "events/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/";
/** Where Firehose writes what it could not deliver, by error type. */
export const lakeErrorsPrefix = "errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/";
/** Days an overwritten or deleted lake object stays recoverable. */
export const lakeNoncurrentVersionDays = 30;

export interface Lake {
  bucket: PrivateBucket;
  lifecycle: aws.s3.BucketLifecycleConfiguration;
}

type LakeConfig = Pick<
  IngestionConfig,
  "protectData" | "lakeInfrequentAccessDays" | "lakeGlacierDays" | "lakeExpirationDays"
>;

export function createLake(
  name: string,
  args: { config: LakeConfig; keyArn: pulumi.Input<string> },
  parent: pulumi.Resource,
): Lake {
  const c = args.config;
  // `protect` (inherited by the bucket and its settings) keeps the lake through a destroy
  // in protected stages, and retainOnDelete keeps the data even once unprotected;
  // forceDestroy lets dev stacks go with their data.
  const bucket = new PrivateBucket(
    name,
    { forceDestroy: !c.protectData, kmsKeyArn: args.keyArn },
    { parent, ...statefulOptions(c, "store") },
  );
  const lifecycle = new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    {
      bucket: bucket.bucket.id,
      rules: [
        {
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
        },
      ],
    },
    { parent, dependsOn: bucket.settings },
  );
  return { bucket, lifecycle };
}

export interface LakeDelivery {
  deliveryStream: aws.kinesis.FirehoseDeliveryStream;
  logGroup: aws.cloudwatch.LogGroup;
  role: aws.iam.Role;
}

export interface LakeDeliveryArgs {
  config: Pick<IngestionConfig, "region" | "logRetentionDays" | "firehoseBufferSeconds" | "firehoseBufferMib">;
  accountId: pulumi.Input<string>;
  lake: Lake;
  /** The clickstream key: encrypts Firehose's buffer and the objects it writes. */
  keyArn: pulumi.Input<string>;
}

/** Firehose: its own log group and stream, and a role that may write only its prefixes. */
export function createLakeDelivery(name: string, args: LakeDeliveryArgs, parent: pulumi.Resource): LakeDelivery {
  const c = args.config;
  const lakeArn = args.lake.bucket.arn;
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-delivery-logs`,
    { retentionInDays: c.logRetentionDays },
    { parent },
  );
  const logStream = new aws.cloudwatch.LogStream(`${name}-delivery-s3`, { logGroupName: logGroup.name }, { parent });
  const role = new aws.iam.Role(
    `${name}-firehose-role`,
    {
      description: "Firehose writes clickstream events to the data lake",
      assumeRolePolicy: firehoseTrustPolicy(args.accountId),
    },
    { parent },
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-firehose-policy`,
    {
      role: role.id,
      policy: policyDocument([
        {
          Sid: "LakeBucket",
          Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
          Resource: lakeArn,
        },
        {
          Sid: "LakeObjects",
          Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
          Resource: [pulumi.interpolate`${lakeArn}/events/*`, pulumi.interpolate`${lakeArn}/errors/*`],
        },
        {
          Sid: "EncryptLakeObjects",
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: args.keyArn,
          Condition: { StringEquals: { "kms:ViaService": `s3.${c.region}.amazonaws.com` } },
        },
        { Sid: "WriteDeliveryLogs", Action: "logs:PutLogEvents", Resource: logStream.arn },
      ]),
    },
    { parent },
  );

  const deliveryStream = new aws.kinesis.FirehoseDeliveryStream(
    `${name}-delivery`,
    {
      destination: "extended_s3",
      // Records waiting in Firehose's buffer are encrypted with the clickstream key (Firehose
      // holds a grant on it, created at deployment).
      serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: args.keyArn },
      extendedS3Configuration: {
        roleArn: role.arn,
        bucketArn: lakeArn,
        prefix: lakeEventsPrefix,
        errorOutputPrefix: lakeErrorsPrefix,
        compressionFormat: "GZIP",
        bufferingInterval: c.firehoseBufferSeconds,
        bufferingSize: c.firehoseBufferMib,
        kmsKeyArn: args.keyArn,
        cloudwatchLoggingOptions: { enabled: true, logGroupName: logGroup.name, logStreamName: logStream.name },
      },
    },
    { parent, dependsOn: [policy, args.lake.lifecycle, ...args.lake.bucket.settings] },
  );
  return { deliveryStream, logGroup, role };
}
