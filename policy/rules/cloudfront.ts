// CloudFront distributions: HTTPS to viewers and origins, private S3 origins through Origin
// Access Control, security headers, access logs and WAF.
import { resourceRule } from "../lib/define";
import { asArray, peek, present } from "../lib/props";
import type { PackPolicy } from "../lib/types";

const distribution = ["aws:cloudfront/distribution:Distribution"];
const behaviors = (p: Record<string, any>): any[] =>
  [p.defaultCacheBehavior, ...asArray(p.orderedCacheBehaviors)].filter(Boolean);
const describe = (b: any) => (b.pathPattern ? `cache behavior ${b.pathPattern}` : "the default cache behavior");
/** Viewer security policies CloudFront offers that exclude SSLv3, TLS 1.0 and TLS 1.1. */
const modernViewerTls = ["TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

export const cloudfrontRules: PackPolicy[] = [
  resourceRule({
    name: "cloudfront-viewer-https",
    service: "cloudfront",
    maps: "CKV_AWS_34 / NIST.800.53.R5-CloudFrontDistributionHttpsViewerNoOutdatedSSL",
    level: "mandatory",
    description: "Every cache behavior sends viewers to HTTPS (redirect-to-https or https-only).",
    remediation: 'Set viewerProtocolPolicy to "redirect-to-https" on the default and every ordered cache behavior.',
    types: distribution,
    validate: (props, _args, report) => {
      for (const b of behaviors(props))
        if (b.viewerProtocolPolicy === "allow-all") report(`${describe(b)} allows plain HTTP.`);
    },
  }),
  resourceRule({
    name: "cloudfront-tls-policy",
    service: "cloudfront",
    maps: "AwsSolutions-CFR4 / AwsSolutions-CFR5 / CKV_AWS_174",
    level: "mandatory",
    description:
      "A distribution with its own certificate accepts TLS 1.2+ only, and custom origins are reached over HTTPS with TLS 1.2.",
    remediation:
      'Set viewerCertificate.minimumProtocolVersion to TLSv1.2_2021; for custom origins originProtocolPolicy "https-only" and originSslProtocols ["TLSv1.2"].',
    types: distribution,
    validate: (props, _args, report) => {
      const cert = props.viewerCertificate ?? {};
      if (
        (present(() => cert.acmCertificateArn) || present(() => cert.iamCertificateId)) &&
        !modernViewerTls.includes(cert.minimumProtocolVersion)
      ) {
        report(
          `The viewer certificate allows ${cert.minimumProtocolVersion ?? "the default (TLSv1)"}; require TLSv1.2_2021 or later.`,
        );
      }
      for (const o of asArray(props.origins) as any[]) {
        const custom = o.customOriginConfig;
        if (!custom) continue;
        if (custom.originProtocolPolicy !== "https-only")
          report(`Origin ${o.originId} is reached with originProtocolPolicy ${custom.originProtocolPolicy}.`);
        const old = asArray(custom.originSslProtocols as string[]).filter((p) => p !== "TLSv1.2");
        if (old.length > 0) report(`Origin ${o.originId} allows ${old.join(", ")}.`);
      }
    },
  }),
  resourceRule({
    name: "cloudfront-custom-certificate",
    service: "cloudfront",
    maps: "AwsSolutions-CFR4",
    level: "advisory",
    description:
      "Distributions serve a custom domain with an ACM certificate (the *.cloudfront.net certificate still negotiates TLS 1.0).",
    remediation:
      "Set storefrontDomainName and storefrontHostedZoneId in the stack config; the storefront then uses an ACM certificate with TLSv1.2_2021.",
    types: distribution,
    validate: (props, _args, report) => {
      if (props.viewerCertificate?.cloudfrontDefaultCertificate === true)
        report("The distribution uses the default *.cloudfront.net certificate.");
    },
  }),
  resourceRule({
    name: "cloudfront-s3-origin-access-control",
    service: "cloudfront",
    maps: "AwsSolutions-CFR7 / CKV2_AWS_46",
    level: "mandatory",
    description:
      "S3 origins are read through Origin Access Control (signed requests), not a public bucket or a legacy origin access identity.",
    remediation:
      "Create an aws.cloudfront.OriginAccessControl (signingBehavior always, sigv4) and set originAccessControlId on the S3 origin; allow cloudfront.amazonaws.com with AWS:SourceArn in the bucket policy.",
    types: distribution,
    validate: (props, _args, report) => {
      for (const o of asArray(props.origins) as any[]) {
        // The bucket's domain name is computed, so unknown in preview: then only an explicit
        // s3OriginConfig says it is S3.
        const domain = peek(() => o.domainName);
        const legacy = present(() => o.s3OriginConfig?.originAccessIdentity);
        const isS3 = (typeof domain === "string" && /\.s3[.-]/.test(domain)) || present(() => o.s3OriginConfig);
        if (isS3 && !present(() => o.originAccessControlId))
          report(
            `S3 origin ${o.originId} has no Origin Access Control${legacy ? " (it uses a legacy origin access identity)" : ""}.`,
          );
      }
    },
  }),
  resourceRule({
    name: "cloudfront-security-headers",
    service: "cloudfront",
    maps: "CKV2_AWS_32",
    level: "mandatory",
    description: "Every cache behavior attaches a response headers policy (HSTS, CSP, frame and content-type options).",
    remediation: "Set responseHeadersPolicyId on every cache behavior (the storefront's security-headers policy).",
    types: distribution,
    validate: (props, _args, report) => {
      for (const b of behaviors(props))
        if (!present(() => b.responseHeadersPolicyId)) report(`${describe(b)} has no response headers policy.`);
    },
  }),
  resourceRule({
    name: "cloudfront-access-logs",
    service: "cloudfront",
    maps: "AwsSolutions-CFR3 / CKV_AWS_86",
    level: "advisory",
    description: "Distributions write standard access logs.",
    remediation: "Set storefrontAccessLogs: true in the stack config (on in prod).",
    types: distribution,
    validate: (props, _args, report) => {
      if (!present(() => props.loggingConfig?.bucket)) report("The distribution writes no access logs.");
    },
  }),
  resourceRule({
    name: "cloudfront-waf",
    service: "cloudfront",
    maps: "AwsSolutions-CFR2 / CKV_AWS_68",
    level: "advisory",
    description: "Distributions are protected by an AWS WAF web ACL.",
    remediation:
      "Create an aws.wafv2.WebAcl (scope CLOUDFRONT, us-east-1) with the AWS managed rule groups and set webAclId.",
    types: distribution,
    validate: (props, _args, report) => {
      if (!present(() => props.webAclId)) report("The distribution has no WAF web ACL.");
    },
  }),
  resourceRule({
    name: "cloudfront-default-root-object",
    service: "cloudfront",
    maps: "CKV_AWS_305",
    level: "advisory",
    description: "Distributions define a default root object, so / never lists or exposes the origin.",
    remediation: 'Set defaultRootObject (e.g. "index.html").',
    types: distribution,
    validate: (props, _args, report) => {
      if (!props.defaultRootObject) report("The distribution has no default root object.");
    },
  }),
];
