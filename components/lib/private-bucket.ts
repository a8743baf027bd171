// An S3 bucket nobody outside this account can reach by accident: ACLs off (unless a log
// writer needs them), all four public-access blocks, default encryption, versioning, and a
// bucket policy refusing any request not made over TLS, plus the statements the owner adds.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, type PolicyStatement } from "./iam";

export interface PrivateBucketArgs {
  /** Delete the objects with the bucket (dev) or refuse to (protected stages). */
  forceDestroy: boolean;
  /** KMS key for SSE-KMS; default SSE-S3 (AES-256). */
  kmsKeyArn?: pulumi.Input<string>;
  /** CloudFront standard logs are written with ACLs, so a log bucket keeps them enabled. */
  objectOwnership?: "BucketOwnerEnforced" | "BucketOwnerPreferred";
  /** Leave the policy to `attachPolicy`, for statements that name resources made later. */
  deferPolicy?: boolean;
}

export class PrivateBucket extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly arn: pulumi.Output<string>;
  public readonly name: pulumi.Output<string>;
  /** Everything that must exist before objects are written or the bucket is used. */
  public readonly settings: pulumi.Resource[];
  private policy?: aws.s3.BucketPolicy;
  private readonly logicalName: string;

  /** `opts.retainOnDelete` (from statefulOptions) keeps the bucket itself: Pulumi passes it to no child. */
  constructor(name: string, args: PrivateBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    const { retainOnDelete, ...componentOpts } = opts ?? {};
    super("ecommerce:lib:PrivateBucket", name, {}, componentOpts);
    this.logicalName = name;
    this.bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy }, { parent: this, retainOnDelete });
    const bucket = this.bucket.id;
    this.settings = [
      new aws.s3.BucketOwnershipControls(
        `${name}-ownership`,
        {
          bucket,
          rule: { objectOwnership: args.objectOwnership ?? "BucketOwnerEnforced" },
        },
        { parent: this },
      ),
      new aws.s3.BucketPublicAccessBlock(
        `${name}-public-access`,
        {
          bucket,
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        },
        { parent: this },
      ),
      new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-encryption`,
        {
          bucket,
          rules: [
            {
              applyServerSideEncryptionByDefault: args.kmsKeyArn
                ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }
                : { sseAlgorithm: "AES256" },
              bucketKeyEnabled: args.kmsKeyArn ? true : undefined,
            },
          ],
        },
        { parent: this },
      ),
      new aws.s3.BucketVersioning(
        `${name}-versioning`,
        {
          bucket,
          versioningConfiguration: { status: "Enabled" },
        },
        { parent: this },
      ),
    ];
    this.arn = this.bucket.arn;
    this.name = this.bucket.bucket;
    if (!args.deferPolicy) this.attachPolicy([]);
    this.registerOutputs({ arn: this.arn, name: this.name });
  }

  /** The bucket policy: TLS only, plus `statements`. Called once. */
  attachPolicy(statements: pulumi.Input<PolicyStatement>[]): aws.s3.BucketPolicy {
    if (this.policy) throw new Error("PrivateBucket.attachPolicy called twice: pass every statement at once");
    const denyInsecureTransport: PolicyStatement = {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [this.bucket.arn, pulumi.interpolate`${this.bucket.arn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
    this.policy = new aws.s3.BucketPolicy(
      `${this.logicalName}-policy`,
      {
        bucket: this.bucket.id,
        policy: policyDocument([denyInsecureTransport, ...statements]),
      },
      { parent: this, dependsOn: this.settings },
    );
    this.settings.push(this.policy);
    return this.policy;
  }
}
