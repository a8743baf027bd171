// The Athena side: a workgroup on engine v3 whose settings callers cannot override (results
// location, encryption, the per-query bytes-scanned limit), its results in a bucket of their own
// encrypted with their own key and expired by lifecycle, and the named queries from analytics/*.sql.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { loadQueries } from "../analytics/queries";
import { accountAdministersKey, policyDocument } from "./lib/iam";
import { PrivateBucket } from "./lib/private-bucket";
import { statefulOptions } from "./lib/stateful";

export interface AnalyticsWorkgroupArgs {
  databaseName: pulumi.Input<string>;
  bytesScannedCutoffMib: number;
  resultsExpirationDays: number;
  protectData: boolean;
  region: string;
  accountId: pulumi.Input<string>;
  partition: pulumi.Input<string>;
}

export const athenaEngineVersion = "Athena engine version 3";
/** Where in the results bucket Athena writes. */
export const resultsPrefix = "results/";

export class AnalyticsWorkgroup extends pulumi.ComponentResource {
  public readonly resultsKey: aws.kms.Key;
  public readonly resultsBucket: PrivateBucket;
  public readonly workgroup: aws.athena.Workgroup;
  public readonly namedQueries: aws.athena.NamedQuery[];

  constructor(name: string, args: AnalyticsWorkgroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:analytics:AnalyticsWorkgroup", name, {}, opts);
    this.resultsKey = new aws.kms.Key(
      `${name}-results-key`,
      {
        description: "Athena query results of the analytics workgroup",
        enableKeyRotation: true,
        deletionWindowInDays: args.protectData ? 30 : 7,
        policy: resultsKeyPolicy(args.accountId, args.partition, args.region),
      },
      { parent: this },
    );

    // Results expire by lifecycle; like every bucket, it goes with its objects only where
    // data is not protected.
    this.resultsBucket = new PrivateBucket(
      `${name}-results`,
      { forceDestroy: !args.protectData, kmsKeyArn: this.resultsKey.arn },
      { parent: this, ...statefulOptions(args, "transient") },
    );
    const lifecycle = new aws.s3.BucketLifecycleConfiguration(
      `${name}-results-lifecycle`,
      {
        bucket: this.resultsBucket.bucket.id,
        rules: [
          {
            id: "expire-results",
            status: "Enabled",
            filter: { prefix: "" },
            expiration: { days: args.resultsExpirationDays },
            noncurrentVersionExpiration: { noncurrentDays: 1 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      { parent: this, dependsOn: this.resultsBucket.settings },
    );

    this.workgroup = new aws.athena.Workgroup(
      `${name}-workgroup`,
      {
        description: "Store analytics over the clickstream lake: the named queries and ad-hoc questions",
        state: "ENABLED",
        // Deleting the workgroup also deletes its query history and named queries.
        forceDestroy: !args.protectData,
        configuration: {
          enforceWorkgroupConfiguration: true,
          publishCloudwatchMetricsEnabled: true,
          bytesScannedCutoffPerQuery: args.bytesScannedCutoffMib * 1024 * 1024,
          engineVersion: { selectedEngineVersion: athenaEngineVersion },
          resultConfiguration: {
            outputLocation: pulumi.interpolate`s3://${this.resultsBucket.name}/${resultsPrefix}`,
            encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: this.resultsKey.arn },
            expectedBucketOwner: args.accountId,
          },
        },
      },
      { parent: this, dependsOn: [lifecycle, ...this.resultsBucket.settings] },
    );

    this.namedQueries = loadQueries().map(
      (q) =>
        new aws.athena.NamedQuery(
          `${name}-${q.name}`,
          {
            name: q.name,
            description: q.description.slice(0, 1024),
            database: args.databaseName,
            workgroup: this.workgroup.name,
            query: q.sql,
          },
          { parent: this },
        ),
    );

    this.registerOutputs({ workgroup: this.workgroup.name, resultsBucket: this.resultsBucket.name });
  }
}

/**
 * The results key: the account administers it; principals of this account use it only through
 * S3 in this region (Athena writes and reads results through S3 with the caller's credentials),
 * and still need an IAM grant (the analyst policy holds one).
 */
export function resultsKeyPolicy(
  accountId: pulumi.Input<string>,
  partition: pulumi.Input<string>,
  region: string,
): pulumi.Output<string> {
  return policyDocument([
    accountAdministersKey(accountId, partition),
    {
      Sid: "UseThroughS3",
      Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root` },
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": `s3.${region}.amazonaws.com` } },
    },
  ]);
}
