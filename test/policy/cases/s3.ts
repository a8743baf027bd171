import { type Fixture, r } from "../harness";
import type { RuleCases } from "./types";

const tlsOnly = (arn: string, extra: object[] = []) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      ...extra,
    ],
  });

type Side = "pab" | "encryption" | "versioning" | "policy" | "ownership" | "logging" | "lifecycle";

/** A bucket with every v7 side resource, as PrivateBucket builds it; `change` replaces or drops one. */
export function bucketStack(change: Partial<Record<Side, Record<string, any> | null>> = {}, name = "site"): Fixture[] {
  const arn = `arn:aws:s3:::${name}-1234`;
  const sides: Record<Side, [string, Record<string, any>]> = {
    pab: [
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    ],
    encryption: [
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    ],
    versioning: ["aws:s3/bucketVersioning:BucketVersioning", { versioningConfiguration: { status: "Enabled" } }],
    policy: ["aws:s3/bucketPolicy:BucketPolicy", { policy: tlsOnly(arn) }],
    ownership: [
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      { rule: { objectOwnership: "BucketOwnerEnforced" } },
    ],
    logging: ["aws:s3/bucketLogging:BucketLogging", { targetBucket: "logs-1234", targetPrefix: `${name}/` }],
    lifecycle: [
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      { rules: [{ id: "old-versions", status: "Enabled", noncurrentVersionExpiration: { noncurrentDays: 30 } }] },
    ],
  };
  const fixtures: Fixture[] = [
    r("ecommerce:lib:PrivateBucket", name, {}),
    r(
      "aws:s3/bucket:Bucket",
      name,
      { forceDestroy: false },
      { parent: name, outputs: { bucket: `${name}-1234`, arn } },
    ),
  ];
  for (const side of Object.keys(sides) as Side[]) {
    const [type, inputs] = sides[side];
    const replaced = side in change ? change[side] : inputs;
    if (replaced === null || replaced === undefined) continue;
    // Joined by property dependency, as the engine reports `bucket: bucket.id`.
    fixtures.push(
      r(type, `${name}-${side}`, { bucket: `${name}-1234`, ...replaced }, { parent: name, deps: { bucket: [name] } }),
    );
  }
  // The bucket and the component share a name; keep the component first so parents resolve.
  return fixtures
    .map((f) => (f.type === "ecommerce:lib:PrivateBucket" ? { ...f, name: `${name}-component` } : f))
    .map((f) => (f.parent === name ? { ...f, parent: `${name}-component` } : f));
}

export const s3Cases: RuleCases = {
  "s3-public-access-block": {
    compliant: bucketStack(),
    violating: bucketStack({
      pab: { blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true, restrictPublicBuckets: true },
    }),
    expect: /leaves blockPublicPolicy off/,
  },
  "s3-default-encryption": {
    compliant: bucketStack(),
    violating: bucketStack({ encryption: null }),
    expect: /declares no default encryption/,
  },
  "s3-versioning": {
    compliant: bucketStack(),
    violating: bucketStack({ versioning: { versioningConfiguration: { status: "Suspended" } } }),
    expect: /versioning/,
  },
  "s3-tls-only": {
    compliant: bucketStack(),
    violating: bucketStack({
      policy: {
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: "arn:aws:iam::123456789012:root" },
              Action: "s3:GetObject",
              Resource: "*",
            },
          ],
        }),
      },
    }),
    expect: /denying requests without TLS/,
  },
  "s3-no-public-policy": {
    compliant: bucketStack({
      policy: {
        policy: tlsOnly("arn:aws:s3:::site-1234", [
          {
            Sid: "AllowCloudFrontRead",
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::site-1234/*",
            Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1" } },
          },
        ]),
      },
    }),
    violating: bucketStack({
      policy: {
        policy: tlsOnly("arn:aws:s3:::site-1234", [
          {
            Sid: "PublicRead",
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::site-1234/*",
          },
        ]),
      },
    }),
    expect: /allows s3:GetObject to any principal \(statement PublicRead\)/,
  },
  "s3-acls-disabled": {
    compliant: bucketStack(),
    violating: bucketStack({ ownership: { rule: { objectOwnership: "ObjectWriter" } } }),
    expect: /keeps ACLs enabled/,
  },
  "s3-no-public-acl": {
    compliant: [r("aws:s3/bucketAcl:BucketAcl", "site-acl", { bucket: "site-1234", acl: "private" })],
    violating: [
      r("aws:s3/bucketAcl:BucketAcl", "site-acl", {
        bucket: "site-1234",
        accessControlPolicy: {
          grants: [
            { grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" }, permission: "READ" },
          ],
          owner: { id: "abc" },
        },
      }),
    ],
    expect: /gives READ to http:\/\/acs.amazonaws.com\/groups\/global\/AllUsers/,
  },
  "s3-server-access-logs": {
    compliant: bucketStack(),
    violating: bucketStack({ logging: null }),
    expect: /no server access logging/,
  },
  "s3-lifecycle": {
    compliant: bucketStack(),
    violating: bucketStack({ lifecycle: { rules: [{ id: "off", status: "Disabled", expiration: { days: 30 } }] } }),
    expect: /no enabled lifecycle rule/,
  },
};
