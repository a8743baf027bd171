// S3. With @pulumi/aws v7 a bucket's settings are separate resources, so most rules are stack
// policies that join each setting to its bucket (see ../lib/join.ts for the joining rule).
// A bucket configured through the deprecated inline arguments is judged on those as well.
import type { PolicyResource } from "@pulumi/policy";
import { ofType, resourceRule, stackRule } from "../lib/define";
import { deniesInsecureTransport, isPublicPrincipal, isScoped, statements } from "../lib/iam";
import { bucketIdentities, sidesOf } from "../lib/join";
import { asArray, peek } from "../lib/props";
import type { PackPolicy } from "../lib/types";

export const bucketTypes = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
export const s3Side = {
  publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  encryption: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  policy: ["aws:s3/bucketPolicy:BucketPolicy"],
  ownership: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
  logging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
  lifecycle: [
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  ],
  acl: ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"],
};

/** Calls `check` for each bucket with the side resources of `sideTypes` joined to it. */
function eachBucket(
  resources: PolicyResource[],
  sideTypes: string[],
  check: (bucket: PolicyResource, sides: PolicyResource[]) => void,
) {
  const buckets = ofType(resources, ...bucketTypes);
  for (const bucket of buckets)
    check(bucket, sidesOf(bucket, resources, sideTypes, "bucket", buckets, bucketIdentities));
}

/** The bucket's policy documents: its BucketPolicy resources and the inline `policy`. */
const bucketPolicies = (bucket: PolicyResource, sides: PolicyResource[]) => [
  ...sides.map((s) => () => s.props.policy),
  () => bucket.props.policy,
];

const publicAcls = ["public-read", "public-read-write", "authenticated-read"];
const publicGroupUris = [
  "http://acs.amazonaws.com/groups/global/AllUsers",
  "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

export const s3Rules: PackPolicy[] = [
  stackRule({
    name: "s3-public-access-block",
    service: "s3",
    maps: "AwsSolutions-S2 / CKV_AWS_53 / CKV_AWS_54 / CKV_AWS_55 / CKV_AWS_56",
    level: "mandatory",
    description: "Every S3 bucket has a public-access block with all four settings on.",
    remediation:
      "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true (PrivateBucket does).",
    validate: (resources, _args, report) =>
      eachBucket(resources, s3Side.publicAccessBlock, (bucket, blocks) => {
        const settings = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
        if (blocks.length === 0) return report(bucket, `Bucket ${bucket.name} has no BucketPublicAccessBlock.`);
        const off = settings.filter((s) => !blocks.some((b) => peek(() => b.props[s]) === true));
        if (off.length > 0) report(bucket, `Bucket ${bucket.name}'s public-access block leaves ${off.join(", ")} off.`);
      }),
  }),
  stackRule({
    name: "s3-default-encryption",
    service: "s3",
    maps: "CKV_AWS_19 / CKV_AWS_145 / NIST.800.53.R5-S3DefaultEncryptionKMS",
    level: "mandatory",
    description: "Every S3 bucket declares default server-side encryption (SSE-S3 or SSE-KMS).",
    remediation: "Add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm AES256 or aws:kms.",
    validate: (resources, _args, report) =>
      eachBucket(resources, s3Side.encryption, (bucket, configs) => {
        const algorithms = [
          ...configs.flatMap((c) => asArray(peek(() => c.props.rules))),
          ...asArray(peek(() => bucket.props.serverSideEncryptionConfiguration?.rule)),
        ].map((r: any) => r?.applyServerSideEncryptionByDefault?.sseAlgorithm);
        if (!algorithms.some((a) => ["AES256", "aws:kms", "aws:kms:dsse"].includes(a)))
          report(bucket, `Bucket ${bucket.name} declares no default encryption.`);
      }),
  }),
  stackRule({
    name: "s3-versioning",
    service: "s3",
    maps: "CKV_AWS_21 / NIST.800.53.R5-S3BucketVersioningEnabled",
    level: "mandatory",
    description: "Every S3 bucket has versioning enabled, so an overwrite or delete can be undone.",
    remediation:
      'Add an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled"; expire old versions with a lifecycle rule.',
    validate: (resources, _args, report) =>
      eachBucket(resources, s3Side.versioning, (bucket, configs) => {
        const enabled =
          configs.some((c) => peek(() => c.props.versioningConfiguration?.status) === "Enabled") ||
          peek(() => bucket.props.versioning?.enabled) === true;
        if (!enabled) report(bucket, `Bucket ${bucket.name} does not have versioning enabled.`);
      }),
  }),
  stackRule({
    name: "s3-tls-only",
    service: "s3",
    maps: "AwsSolutions-S10 / CKV_AWS_379",
    level: "mandatory",
    description: "Every S3 bucket policy denies requests not made over TLS (aws:SecureTransport false).",
    remediation:
      "Attach a bucket policy with a Deny of s3:* for Principal * on the bucket and its objects when aws:SecureTransport is false (PrivateBucket.attachPolicy does).",
    validate: (resources, _args, report) =>
      eachBucket(resources, s3Side.policy, (bucket, policies) => {
        const documents = bucketPolicies(bucket, policies).map((read) => peek(read));
        // A policy built from computed ARNs is unknown in preview; it is judged after the update.
        if (policies.length > 0 && documents.slice(0, policies.length).some((d) => d === undefined)) return;
        if (!documents.some((d) => deniesInsecureTransport(d, ["s3:*"])))
          report(bucket, `Bucket ${bucket.name} has no policy statement denying requests without TLS.`);
      }),
  }),
  stackRule({
    name: "s3-no-public-policy",
    service: "s3",
    maps: "CKV_AWS_70 / NIST.800.53.R5-S3BucketLevelPublicAccessProhibited",
    level: "mandatory",
    description:
      "No S3 bucket policy allows a public principal (*) without a condition pinning the caller (SourceArn, SourceAccount, org...).",
    remediation:
      'Name the exact principal (e.g. Service cloudfront.amazonaws.com with AWS:SourceArn of the distribution) instead of "*".',
    validate: (resources, _args, report) =>
      eachBucket(resources, s3Side.policy, (bucket, policies) => {
        for (const read of bucketPolicies(bucket, policies)) {
          for (const s of statements(peek(read))) {
            if (s.Effect === "Allow" && isPublicPrincipal(s) && !isScoped(s))
              report(
                bucket,
                `Bucket ${bucket.name}'s policy allows ${s.Action.join(", ")} to any principal${s.Sid ? ` (statement ${s.Sid})` : ""}.`,
              );
          }
        }
      }),
  }),
  stackRule({
    name: "s3-acls-disabled",
    service: "s3",
    maps: "CKV2_AWS_65",
    level: "mandatory",
    description:
      "Every S3 bucket disables ACLs (object ownership BucketOwnerEnforced); access is granted by policy only.",
    remediation:
      'Add an aws.s3.BucketOwnershipControls with rule.objectOwnership "BucketOwnerEnforced". Only a log bucket written with ACLs (CloudFront standard logs) may be suppressed.',
    validate: (resources, _args, report) =>
      eachBucket(resources, s3Side.ownership, (bucket, controls) => {
        const enforced = controls.some((c) => peek(() => c.props.rule?.objectOwnership) === "BucketOwnerEnforced");
        if (!enforced)
          report(bucket, `Bucket ${bucket.name} keeps ACLs enabled (object ownership is not BucketOwnerEnforced).`);
      }),
  }),
  resourceRule({
    name: "s3-no-public-acl",
    service: "s3",
    maps: "CKV_AWS_20 / CKV_AWS_57 / NIST.800.53.R5-S3BucketPublicReadProhibited",
    level: "mandatory",
    description: "No bucket or bucket ACL grants read or write to everyone or to all authenticated AWS users.",
    remediation:
      "Remove the canned ACL (public-read, public-read-write, authenticated-read) or the AllUsers/AuthenticatedUsers grant; serve content through CloudFront with OAC.",
    types: [...bucketTypes, ...s3Side.acl],
    validate: (props, _args, report) => {
      if (publicAcls.includes(props.acl)) report(`The canned ACL "${props.acl}" makes the bucket readable by anyone.`);
      const grants = [...asArray(props.accessControlPolicy?.grants), ...asArray(props.grants)];
      for (const g of grants as any[]) {
        const uri = g?.grantee?.uri ?? g?.uri;
        if (publicGroupUris.includes(uri))
          report(`A grant gives ${g.permission ?? asArray(g.permissions).join(",")} to ${uri}.`);
      }
    },
  }),
  stackRule({
    name: "s3-server-access-logs",
    service: "s3",
    maps: "AwsSolutions-S1 / CKV_AWS_18",
    level: "advisory",
    description: "S3 buckets log server access requests to a log bucket.",
    remediation:
      "Add an aws.s3.BucketLogging targeting the access-log bucket. Reads of the storefront go through CloudFront, whose own logs are on in prod.",
    validate: (resources, _args, report) =>
      eachBucket(resources, s3Side.logging, (bucket, logging) => {
        if (logging.length === 0 && !peek(() => bucket.props.logging?.targetBucket))
          report(bucket, `Bucket ${bucket.name} has no server access logging.`);
      }),
  }),
  stackRule({
    name: "s3-lifecycle",
    service: "s3",
    maps: "CKV2_AWS_61",
    level: "advisory",
    description: "S3 buckets have a lifecycle configuration (expiry of data, old versions and incomplete uploads).",
    remediation:
      "Add an aws.s3.BucketLifecycleConfiguration with at least one enabled rule (e.g. noncurrentVersionExpiration and abortIncompleteMultipartUpload).",
    validate: (resources, _args, report) =>
      eachBucket(resources, s3Side.lifecycle, (bucket, lifecycles) => {
        const enabled =
          lifecycles.some((l) => asArray(peek(() => l.props.rules)).some((r: any) => r?.status === "Enabled")) ||
          asArray(peek(() => bucket.props.lifecycleRules)).some((r: any) => r?.enabled === true);
        if (!enabled) report(bucket, `Bucket ${bucket.name} has no enabled lifecycle rule.`);
      }),
  }),
];
