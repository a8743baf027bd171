import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cacheControlFor, contentTypeFor, immutable, listSiteFiles, noCache, shortLived } from "../../components/site-files";
import { Storefront } from "../../components/storefront";
import { statements } from "./policy-json";
import { runComponents } from "../../testing/program";

const run = (stack: "dev" | "prod", config: Record<string, unknown> = {}) =>
  runComponents(stack, (c) => {
    const storefront = new Storefront("storefront", { config: c });
    storefront.publishRuntimeConfig({ apiUrl: "https://api.example/v1", region: c.region, userPoolId: "pool", userPoolClientId: "client", hostedUiUrl: "https://auth.example" });
  }, { config });

describe("Storefront", () => {
  it("the bucket is private: ownership enforced, all public-access blocks, encryption, versioning", async () => {
    const mocks = await run("dev");
    assert.equal(mocks.named("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "storefront-site-ownership").inputs.rule.objectOwnership, "BucketOwnerEnforced");
    const pab = mocks.named("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "storefront-site-public-access").inputs;
    assert.deepEqual([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets], [true, true, true, true]);
    assert.equal(mocks.named("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "storefront-site-encryption").inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
    assert.equal(mocks.named("aws:s3/bucketVersioning:BucketVersioning", "storefront-site-versioning").inputs.versioningConfiguration.status, "Enabled");
  });

  it("replaced site files are kept 30 days, then expire", async () => {
    const rule = (await run("dev")).named("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "storefront-site-old-versions").inputs.rules[0];
    assert.deepEqual(rule.noncurrentVersionExpiration, { noncurrentDays: 30 });
    assert.equal(rule.expiration, undefined, "current files never expire");
  });

  it("only this distribution may read objects (OAC, SourceArn condition), only over TLS", async () => {
    const mocks = await run("dev");
    const distribution = mocks.named("aws:cloudfront/distribution:Distribution", "storefront-cdn");
    const bucket = mocks.named("aws:s3/bucket:Bucket", "storefront-site");
    const [tls, read] = statements(mocks.named("aws:s3/bucketPolicy:BucketPolicy", "storefront-site-policy").inputs.policy);
    assert.equal(tls.Effect, "Deny");
    assert.deepEqual(tls.Condition, { Bool: { "aws:SecureTransport": "false" } });
    assert.deepEqual(read, {
      Sid: "AllowCloudFrontRead",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "s3:GetObject",
      Resource: `${bucket.state.arn}/*`,
      Condition: { StringEquals: { "AWS:SourceArn": distribution.state.arn } },
    });
    const oac = mocks.named("aws:cloudfront/originAccessControl:OriginAccessControl", "storefront-oac");
    assert.equal(oac.inputs.originAccessControlOriginType, "s3");
    assert.equal(oac.inputs.signingBehavior, "always");
    assert.equal(oac.inputs.signingProtocol, "sigv4");
    assert.equal(distribution.inputs.origins[0].originAccessControlId, oac.id);
    assert.equal(distribution.inputs.origins[0].domainName, bucket.state.bucketRegionalDomainName);
  });

  it("CloudFront: HTTPS redirect, HTTP/2 and 3, compression, root object, SPA fallback, price class", async () => {
    const mocks = await run("dev");
    const d = mocks.named("aws:cloudfront/distribution:Distribution", "storefront-cdn").inputs;
    assert.equal(d.defaultCacheBehavior.viewerProtocolPolicy, "redirect-to-https");
    assert.equal(d.httpVersion, "http2and3");
    assert.equal(d.defaultCacheBehavior.compress, true);
    assert.equal(d.defaultRootObject, "index.html");
    assert.equal(d.priceClass, "PriceClass_100");
    assert.deepEqual(d.customErrorResponses.map((r: any) => [r.errorCode, r.responseCode, r.responsePagePath]), [[403, 200, "/index.html"], [404, 200, "/index.html"]]);
    assert.deepEqual(d.viewerCertificate, { cloudfrontDefaultCertificate: true });
    assert.equal(d.loggingConfig, undefined);
    assert.equal((await run("prod")).named("aws:cloudfront/distribution:Distribution", "storefront-cdn").inputs.priceClass, "PriceClass_All");
  });

  it("SPA fallback can be switched off", async () => {
    const mocks = await run("dev", { "ecommerce:storefrontSpaFallback": false });
    assert.equal(mocks.named("aws:cloudfront/distribution:Distribution", "storefront-cdn").inputs.customErrorResponses, undefined);
  });

  it("security headers: HSTS, CSP, nosniff, frame options, referrer policy", async () => {
    const mocks = await run("dev");
    const policy = mocks.named("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "storefront-security-headers");
    const h = policy.inputs.securityHeadersConfig;
    assert.equal(h.strictTransportSecurity.accessControlMaxAgeSec, 63072000);
    assert.equal(h.strictTransportSecurity.includeSubdomains, true);
    assert.match(h.contentSecurityPolicy.contentSecurityPolicy, /default-src 'self'/);
    assert.match(h.contentSecurityPolicy.contentSecurityPolicy, /frame-ancestors 'none'/);
    assert.match(h.contentSecurityPolicy.contentSecurityPolicy, /connect-src 'self' https:\/\/\*\.execute-api\.eu-west-1\.amazonaws\.com/);
    assert.equal(h.contentTypeOptions.override, true);
    assert.equal(h.frameOptions.frameOption, "DENY");
    assert.equal(h.referrerPolicy.referrerPolicy, "strict-origin-when-cross-origin");
    assert.equal(mocks.named("aws:cloudfront/distribution:Distribution", "storefront-cdn").inputs.defaultCacheBehavior.responseHeadersPolicyId, policy.id);
  });

  it("prod writes access logs to a log bucket that expires them", async () => {
    const mocks = await run("prod");
    const logs = mocks.named("aws:s3/bucket:Bucket", "storefront-access-logs");
    const d = mocks.named("aws:cloudfront/distribution:Distribution", "storefront-cdn").inputs;
    assert.deepEqual(d.loggingConfig, { bucket: logs.state.bucketDomainName, prefix: "cloudfront/", includeCookies: false });
    assert.equal(mocks.named("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "storefront-access-logs-ownership").inputs.rule.objectOwnership, "BucketOwnerPreferred");
    assert.equal(mocks.named("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "storefront-access-logs-expiry").inputs.rules[0].expiration.days, 365);
  });

  it("a custom domain gets a us-east-1 certificate validated in Route 53 and alias records", async () => {
    const mocks = await run("dev", { "ecommerce:storefrontDomainName": "shop.example.com", "ecommerce:storefrontHostedZoneId": "Z0123456789ABC" });
    const provider = mocks.named("pulumi:providers:aws", "storefront-us-east-1");
    assert.equal(provider.inputs.region, "us-east-1");
    const cert = mocks.named("aws:acm/certificate:Certificate", "storefront-certificate");
    assert.equal(cert.inputs.domainName, "shop.example.com");
    assert.equal(cert.inputs.validationMethod, "DNS");
    assert.ok(cert.provider?.includes("storefront-us-east-1"));
    const d = mocks.named("aws:cloudfront/distribution:Distribution", "storefront-cdn").inputs;
    assert.deepEqual(d.aliases, ["shop.example.com"]);
    assert.equal(d.viewerCertificate.sslSupportMethod, "sni-only");
    assert.equal(d.viewerCertificate.minimumProtocolVersion, "TLSv1.2_2021");
    const distribution = mocks.named("aws:cloudfront/distribution:Distribution", "storefront-cdn");
    for (const type of ["A", "AAAA"]) {
      const alias = mocks.named("aws:route53/record:Record", `storefront-alias-${type.toLowerCase()}`).inputs;
      assert.equal(alias.type, type);
      assert.equal(alias.zoneId, "Z0123456789ABC");
      assert.equal(alias.aliases[0].name, distribution.state.domainName);
    }
    assert.equal(mocks.named("aws:route53/record:Record", "storefront-certificate-validation").inputs.zoneId, "Z0123456789ABC");
  });

  it("uploads every site file with its content type and cache policy, and a per-stack config.json", async () => {
    const mocks = await run("dev");
    const objects = mocks.ofType("aws:s3/bucketObjectv2:BucketObjectv2");
    const byKey = Object.fromEntries(objects.map((o) => [o.inputs.key, o.inputs]));
    const files = listSiteFiles(path.join(__dirname, "..", "..", "site"));
    assert.ok(files.length >= 3);
    for (const file of files) {
      assert.ok(byKey[file.key], `${file.key} is uploaded`);
      assert.equal(byKey[file.key].contentType, file.contentType);
      assert.equal(byKey[file.key].cacheControl, file.cacheControl);
    }
    assert.equal(byKey["index.html"].contentType, "text/html; charset=utf-8");
    assert.equal(byKey["index.html"].cacheControl, noCache);
    const config = byKey["config.json"];
    assert.equal(config.cacheControl, noCache);
    assert.equal(config.contentType, "application/json");
    assert.deepEqual(JSON.parse(config.content), { apiUrl: "https://api.example/v1", region: "eu-west-1", userPoolId: "pool", userPoolClientId: "client", hostedUiUrl: "https://auth.example" });
  });
});

describe("site files", () => {
  it("cache policy: html and config revalidate, fingerprinted assets are immutable, the rest short-lived", () => {
    assert.equal(cacheControlFor("index.html"), noCache);
    assert.equal(cacheControlFor("orders/index.html"), noCache);
    assert.equal(cacheControlFor("config.json"), noCache);
    assert.equal(cacheControlFor("assets/app.3f9a1c2b.js"), immutable);
    assert.equal(cacheControlFor("assets/index-4b1e9f0a7c.css"), immutable);
    assert.equal(cacheControlFor("favicon.ico"), shortLived);
    assert.equal(cacheControlFor("app.js"), shortLived);
  });

  it("content types carry a charset for text", () => {
    assert.equal(contentTypeFor("a.js"), "text/javascript; charset=utf-8");
    assert.equal(contentTypeFor("a.css"), "text/css; charset=utf-8");
    assert.equal(contentTypeFor("a.svg"), "image/svg+xml");
    assert.equal(contentTypeFor("a.woff2"), "font/woff2");
    assert.equal(contentTypeFor("no-extension"), "application/octet-stream");
  });

  it("refuses a hand-written config.json (it is generated per stack)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "site-"));
    fs.writeFileSync(path.join(dir, "config.json"), "{}");
    assert.throws(() => listSiteFiles(dir), /generated per stack/);
    fs.rmSync(dir, { recursive: true });
  });
});
