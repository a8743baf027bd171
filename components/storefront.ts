// The storefront: a private S3 bucket served only through CloudFront (Origin Access Control),
// HTTPS with modern protocols and security headers, single-page-app routing, optional custom
// domain and access logs, and the site's files with a per-stack config.json.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import type { PlatformConfig } from "./config";
import { repoRoot } from "./lib/bundle";
import { aliasRecords, validatedCertificate } from "./lib/dns";
import type { MonitoringTargets } from "./lib/monitoring-targets";
import { PrivateBucket } from "./lib/private-bucket";
import { hostedUiOrigin } from "./auth";
import { callerContext } from "./lib/iam";
import { statefulOptions } from "./lib/stateful";
import { buildSiteSync } from "./site-build";
import { noCache } from "./site-files";

export type StorefrontConfig = Pick<
  PlatformConfig,
  | "project"
  | "stack"
  | "authDomainPrefix"
  | "stage"
  | "region"
  | "tags"
  | "awsProfile"
  | "protectData"
  | "logRetentionDays"
  | "storefrontPriceClass"
  | "storefrontSpaFallback"
  | "storefrontDomainName"
  | "storefrontHostedZoneId"
  | "storefrontAccessLogs"
>;

export interface StorefrontArgs {
  config: StorefrontConfig;
  /**
   * The origin the site's API calls go to (the REST API's endpoint, or its custom domain): the
   * CSP admits exactly it. Its value may come later in the program (a deferred output): the
   * API's id does not depend on the storefront, though its CORS origin does.
   */
  apiOrigin: pulumi.Input<string>;
  /** Directory of the site's sources; default `site/` at the repository root. */
  siteDir?: string;
}

/** What the page reads from /config.json to find this stack's API and sign-in. */
export interface SiteRuntimeConfig {
  apiUrl: pulumi.Input<string>;
  region: pulumi.Input<string>;
  userPoolId: pulumi.Input<string>;
  userPoolClientId: pulumi.Input<string>;
  hostedUiUrl: pulumi.Input<string>;
  /**
   * The ID tokens' issuer. Left out on AWS, where the site derives it
   * (https://cognito-idp.<region>.amazonaws.com/<userPoolId>); local mode's sign-in names its own.
   */
  issuer?: pulumi.Input<string>;
}

// AWS managed policy "Managed-CachingOptimized".
const cachingOptimizedPolicyId = "658327ea-f89d-4fab-a63d-7e88639e58f6";

export class Storefront extends pulumi.ComponentResource {
  public readonly bucket: PrivateBucket;
  public readonly distribution: aws.cloudfront.Distribution;
  public readonly responseHeadersPolicy: aws.cloudfront.ResponseHeadersPolicy;
  public readonly logBucket?: PrivateBucket;
  /** https://<custom domain or CloudFront domain>, no trailing slash. */
  public readonly url: pulumi.Output<string>;
  public readonly monitoring: MonitoringTargets;
  /** The uploaded site files, one object each. */
  public readonly siteObjects: pulumi.Resource[];

  private readonly logicalName: string;

  constructor(name: string, args: StorefrontArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:storefront:Storefront", name, {}, opts);
    this.logicalName = name;
    const c = args.config;
    // The site is rebuilt from site/ on every deploy: no protection, and old versions go.
    this.bucket = new PrivateBucket(
      `${name}-site`,
      { forceDestroy: !c.protectData, deferPolicy: true },
      { parent: this, ...statefulOptions(c, "transient") },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-site-old-versions`,
      {
        bucket: this.bucket.bucket.id,
        rules: [
          {
            id: "expire-replaced-files",
            status: "Enabled",
            filter: { prefix: "" },
            noncurrentVersionExpiration: { noncurrentDays: 30 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      { parent: this.bucket },
    );

    const oac = new aws.cloudfront.OriginAccessControl(
      `${name}-oac`,
      {
        description: "CloudFront reads the storefront bucket with signed requests",
        originAccessControlOriginType: "s3",
        signingBehavior: "always",
        signingProtocol: "sigv4",
      },
      { parent: this },
    );

    const { accountId } = callerContext({ parent: this });
    const csp = pulumi
      .all([args.apiOrigin, hostedUiOrigin(c, accountId)])
      .apply(([api, signIn]) => contentSecurityPolicy({ apiOrigins: [api], signInOrigin: signIn }));
    this.responseHeadersPolicy = new aws.cloudfront.ResponseHeadersPolicy(
      `${name}-security-headers`,
      {
        comment: "Security headers for the storefront",
        securityHeadersConfig: {
          strictTransportSecurity: {
            accessControlMaxAgeSec: 63072000,
            includeSubdomains: true,
            preload: true,
            override: true,
          },
          contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: "DENY", override: true },
          referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
        },
      },
      { parent: this },
    );

    if (c.storefrontAccessLogs) {
      this.logBucket = new PrivateBucket(
        `${name}-access-logs`,
        {
          forceDestroy: !c.protectData,
          objectOwnership: "BucketOwnerPreferred",
        },
        { parent: this, ...statefulOptions(c, "store") },
      );
      new aws.s3.BucketLifecycleConfiguration(
        `${name}-access-logs-expiry`,
        {
          bucket: this.logBucket.bucket.id,
          rules: [
            {
              id: "expire-access-logs",
              status: "Enabled",
              filter: { prefix: "" },
              expiration: { days: c.logRetentionDays },
              noncurrentVersionExpiration: { noncurrentDays: 7 },
              abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
            },
          ],
        },
        { parent: this.logBucket },
      );
    }

    const domain = c.storefrontDomainName ? this.customDomain(name, c) : undefined;

    this.distribution = new aws.cloudfront.Distribution(
      `${name}-cdn`,
      {
        comment: `Storefront (${c.stage})`,
        enabled: true,
        httpVersion: "http2and3",
        isIpv6Enabled: true,
        defaultRootObject: "index.html",
        priceClass: c.storefrontPriceClass,
        aliases: domain ? [c.storefrontDomainName] : undefined,
        origins: [
          {
            originId: "storefront-bucket",
            domainName: this.bucket.bucket.bucketRegionalDomainName,
            originAccessControlId: oac.id,
          },
        ],
        defaultCacheBehavior: {
          targetOriginId: "storefront-bucket",
          viewerProtocolPolicy: "redirect-to-https",
          allowedMethods: ["GET", "HEAD", "OPTIONS"],
          cachedMethods: ["GET", "HEAD"],
          compress: true,
          cachePolicyId: cachingOptimizedPolicyId,
          responseHeadersPolicyId: this.responseHeadersPolicy.id,
        },
        // The bucket answers 403 for a missing key (CloudFront may not list it): both mean
        // "a client-side route", served by the app shell.
        customErrorResponses: c.storefrontSpaFallback
          ? [403, 404].map((errorCode) => ({
              errorCode,
              responseCode: 200,
              responsePagePath: "/index.html",
              errorCachingMinTtl: 10,
            }))
          : undefined,
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: domain
          ? {
              acmCertificateArn: domain.certificateArn,
              sslSupportMethod: "sni-only",
              minimumProtocolVersion: "TLSv1.2_2021",
            }
          : { cloudfrontDefaultCertificate: true },
        loggingConfig: this.logBucket
          ? { bucket: this.logBucket.bucket.bucketDomainName, prefix: "cloudfront/", includeCookies: false }
          : undefined,
      },
      { parent: this, dependsOn: this.logBucket ? this.logBucket.settings : [] },
    );

    // Only this distribution may read the bucket, and only objects (no listing).
    this.bucket.attachPolicy([
      {
        Sid: "AllowCloudFrontRead",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: pulumi.interpolate`${this.bucket.arn}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": this.distribution.arn } },
      },
    ]);

    if (domain) domain.aliasRecords(this.distribution);
    this.url = domain
      ? pulumi.output(`https://${c.storefrontDomainName}`)
      : pulumi.interpolate`https://${this.distribution.domainName}`;
    this.siteObjects = this.uploadSite(name, args.siteDir ?? path.join(repoRoot, "site"));

    this.monitoring = { distributions: [this.distribution] };
    this.registerOutputs({ url: this.url, bucketName: this.bucket.name, distributionId: this.distribution.id });
  }

  /** Writes /config.json, which the page reads to find this stack's API and sign-in. */
  publishRuntimeConfig(config: SiteRuntimeConfig): aws.s3.BucketObjectv2 {
    return new aws.s3.BucketObjectv2(
      `${this.logicalName}-config-json`,
      {
        bucket: this.bucket.bucket.id,
        key: "config.json",
        content: pulumi.jsonStringify(config),
        contentType: "application/json",
        cacheControl: noCache,
      },
      { parent: this, dependsOn: this.bucket.settings },
    );
  }

  /** One object per file of the build (components/site-build.ts), made while the program runs. */
  private uploadSite(name: string, siteDir: string): pulumi.Resource[] {
    return buildSiteSync(siteDir).map(
      (file) =>
        new aws.s3.BucketObjectv2(
          `${name}-file-${file.key}`,
          {
            bucket: this.bucket.bucket.id,
            key: file.key,
            contentBase64: file.body.toString("base64"),
            contentType: file.contentType,
            cacheControl: file.cacheControl,
          },
          { parent: this, dependsOn: this.bucket.settings },
        ),
    );
  }

  /** ACM certificate in us-east-1 (CloudFront's region), validated in Route 53, plus aliases. */
  private customDomain(name: string, c: StorefrontConfig) {
    const usEast1 = new aws.Provider(
      `${name}-us-east-1`,
      {
        region: "us-east-1",
        profile: c.awsProfile,
        defaultTags: { tags: c.tags },
      },
      { parent: this },
    );
    const domain = { domainName: c.storefrontDomainName, zoneId: c.storefrontHostedZoneId };
    const validation = validatedCertificate(name, domain, { parent: this, provider: usEast1 });
    const aliasRecordsTo = (distribution: aws.cloudfront.Distribution) =>
      aliasRecords(name, domain, { name: distribution.domainName, zoneId: distribution.hostedZoneId }, this);
    return { certificateArn: validation.certificateArn, aliasRecords: aliasRecordsTo };
  }
}

export interface SiteOrigins {
  /** Where the site's API calls go. */
  apiOrigins: string[];
  /** The hosted UI (token, revoke and logout endpoints): https://<prefix>.auth.<region>.amazoncognito.com. */
  signInOrigin: string;
}

/**
 * Scripts, styles, images and fonts only from the site itself (nothing inline); fetches only
 * to the site, the API and the sign-in domain. Everything else is refused.
 */
export function contentSecurityPolicy(origins: SiteOrigins): string {
  // Exact origins only: a wildcard or a path would admit more than the site calls.
  for (const origin of [...origins.apiOrigins, origins.signInOrigin]) {
    if (!/^https?:\/\/[a-z0-9.-]+(:\d+)?$/i.test(origin))
      throw new Error(`CSP origin ${JSON.stringify(origin)} is not one exact scheme://host[:port]`);
  }
  return [
    "default-src 'self'",
    `connect-src 'self' ${[...origins.apiOrigins, origins.signInOrigin].join(" ")}`,
    "img-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
