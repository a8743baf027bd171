import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  cacheControlFor,
  contentTypeFor,
  immutable,
  listSiteFiles,
  noCache,
  shortLived,
} from "../../components/site-files";
import { assetsPlaceholder, buildSite, buildSiteSync } from "../../components/site-build";
import { contentSecurityPolicy, Storefront } from "../../components/storefront";
import { statements } from "./policy-json";
import { Auth } from "../../components/auth";
import { runComponents, runProgram, sharedProgramRun } from "../../testing/program";

const run = (stack: "dev" | "prod", config: Record<string, unknown> = {}) =>
  runComponents(
    stack,
    (c) => {
      const storefront = new Storefront("storefront", { config: c, apiOrigin: "https://api.example" });
      storefront.publishRuntimeConfig({
        apiUrl: "https://api.example/v1",
        region: c.region,
        userPoolId: "pool",
        userPoolClientId: "client",
        hostedUiUrl: "https://auth.example",
      });
    },
    { config },
  );

describe("Storefront", () => {
  it("the bucket is private: ownership enforced, all public-access blocks, encryption, versioning", async () => {
    const mocks = await run("dev");
    assert.equal(
      mocks.named("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "storefront-site-ownership").inputs.rule
        .objectOwnership,
      "BucketOwnerEnforced",
    );
    const pab = mocks.named(
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "storefront-site-public-access",
    ).inputs;
    assert.deepEqual(
      [pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets],
      [true, true, true, true],
    );
    assert.equal(
      mocks.named(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "storefront-site-encryption",
      ).inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm,
      "AES256",
    );
    assert.equal(
      mocks.named("aws:s3/bucketVersioning:BucketVersioning", "storefront-site-versioning").inputs
        .versioningConfiguration.status,
      "Enabled",
    );
  });

  it("replaced site files are kept 30 days, then expire", async () => {
    const rule = (await run("dev")).named(
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "storefront-site-old-versions",
    ).inputs.rules[0];
    assert.deepEqual(rule.noncurrentVersionExpiration, { noncurrentDays: 30 });
    assert.equal(rule.expiration, undefined, "current files never expire");
  });

  it("only this distribution may read objects (OAC, SourceArn condition), only over TLS", async () => {
    const mocks = await run("dev");
    const distribution = mocks.named("aws:cloudfront/distribution:Distribution", "storefront-cdn");
    const bucket = mocks.named("aws:s3/bucket:Bucket", "storefront-site");
    const [tls, read] = statements(
      mocks.named("aws:s3/bucketPolicy:BucketPolicy", "storefront-site-policy").inputs.policy,
    );
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
    assert.deepEqual(
      d.customErrorResponses.map((r: any) => [r.errorCode, r.responseCode, r.responsePagePath]),
      [
        [403, 200, "/index.html"],
        [404, 200, "/index.html"],
      ],
    );
    assert.deepEqual(d.viewerCertificate, { cloudfrontDefaultCertificate: true });
    assert.equal(d.loggingConfig, undefined);
    assert.equal(
      (await run("prod")).named("aws:cloudfront/distribution:Distribution", "storefront-cdn").inputs.priceClass,
      "PriceClass_All",
    );
  });

  it("SPA fallback can be switched off", async () => {
    const mocks = await run("dev", { "ecommerce:storefrontSpaFallback": false });
    assert.equal(
      mocks.named("aws:cloudfront/distribution:Distribution", "storefront-cdn").inputs.customErrorResponses,
      undefined,
    );
  });

  it("security headers: HSTS, CSP, nosniff, frame options, referrer policy", async () => {
    const mocks = await run("dev");
    const policy = mocks.named(
      "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
      "storefront-security-headers",
    );
    const h = policy.inputs.securityHeadersConfig;
    assert.equal(h.strictTransportSecurity.accessControlMaxAgeSec, 63072000);
    assert.equal(h.strictTransportSecurity.includeSubdomains, true);
    assert.match(h.contentSecurityPolicy.contentSecurityPolicy, /default-src 'self'/);
    assert.match(h.contentSecurityPolicy.contentSecurityPolicy, /frame-ancestors 'none'/);
    assert.equal(h.contentTypeOptions.override, true);
    assert.equal(h.frameOptions.frameOption, "DENY");
    assert.equal(h.referrerPolicy.referrerPolicy, "strict-origin-when-cross-origin");
    assert.equal(
      mocks.named("aws:cloudfront/distribution:Distribution", "storefront-cdn").inputs.defaultCacheBehavior
        .responseHeadersPolicyId,
      policy.id,
    );
  });

  const cspOf = (mocks: { named: Awaited<ReturnType<typeof run>>["named"] }) =>
    mocks.named("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "storefront-security-headers").inputs
      .securityHeadersConfig.contentSecurityPolicy.contentSecurityPolicy as string;
  const directive = (policy: string, name: string) =>
    policy
      .split("; ")
      .find((d) => d.startsWith(`${name} `))
      ?.split(" ")
      .slice(1);

  for (const stack of ["dev", "prod"] as const) {
    it(`CSP (${stack}, whole program): the page may fetch exactly from itself, this stack's API and its sign-in domain; no wildcard`, async () => {
      const { mocks, outputs } = await sharedProgramRun(stack);
      const connect = directive(cspOf(mocks), "connect-src");
      const restApi = mocks.named("aws:apigateway/restApi:RestApi", "api-rest");
      const domain = mocks.named("aws:cognito/userPoolDomain:UserPoolDomain", "auth-domain").inputs.domain;
      assert.deepEqual(connect, [
        "'self'",
        `https://${restApi.id}.execute-api.eu-west-1.amazonaws.com`,
        `https://${domain}.auth.eu-west-1.amazoncognito.com`,
      ]);
      // What the page really calls: the API URL and hosted UI its config.json names.
      assert.deepEqual(connect, [
        "'self'",
        new URL(outputs.apiUrl as string).origin,
        new URL(outputs.hostedUiUrl as string).origin,
      ]);
      assert.doesNotMatch(cspOf(mocks), /\*/);
      for (const name of ["script-src", "style-src", "img-src", "font-src", "form-action", "base-uri"])
        assert.deepEqual(directive(cspOf(mocks), name), ["'self'"], name);
      assert.deepEqual(directive(cspOf(mocks), "object-src"), ["'none'"]);
    });
  }

  it("CSP (custom API domain): names exactly that domain, which the page calls; the execute-api endpoint is off; certificate, mapping and aliases", async () => {
    const { mocks, outputs } = await runProgram("prod", {
      config: { "ecommerce:apiDomainName": "api.shop.example.com", "ecommerce:apiHostedZoneId": "Z0123456789ABC" },
    });
    const connect = directive(cspOf(mocks), "connect-src")!;
    assert.equal(connect[1], "https://api.shop.example.com");
    assert.equal(connect.length, 3);
    assert.equal(outputs.apiUrl, "https://api.shop.example.com/v1");
    assert.equal(new URL(outputs.apiUrl as string).origin, connect[1], "the origin config.json's apiUrl names");
    assert.equal(mocks.named("aws:apigateway/restApi:RestApi", "api-rest").inputs.disableExecuteApiEndpoint, true);
    const document = JSON.parse(mocks.named("aws:apigateway/restApiPut:RestApiPut", "api-definition").inputs.body);
    assert.deepEqual(document["x-amazon-apigateway-endpoint-configuration"], { disableExecuteApiEndpoint: true });
    const domain = mocks.named("aws:apigateway/domainName:DomainName", "api-domain").inputs;
    assert.equal(domain.domainName, "api.shop.example.com");
    assert.deepEqual(domain.endpointConfiguration, { types: "REGIONAL" });
    assert.equal(domain.securityPolicy, "TLS_1_2");
    assert.equal(
      domain.regionalCertificateArn,
      mocks.named("aws:acm/certificateValidation:CertificateValidation", "api-certificate-validated").state
        .certificateArn,
    );
    assert.equal(
      mocks.named("aws:acm/certificate:Certificate", "api-certificate").provider?.includes("us-east-1"),
      false,
      "a regional endpoint's certificate is in the stack's region",
    );
    const mapping = mocks.named("aws:apigateway/basePathMapping:BasePathMapping", "api-base-path").inputs;
    assert.equal(mapping.basePath, "v1");
    assert.equal(mapping.restApi, mocks.named("aws:apigateway/restApi:RestApi", "api-rest").id);
    for (const type of ["a", "aaaa"])
      assert.equal(mocks.named("aws:route53/record:Record", `api-alias-${type}`).inputs.zoneId, "Z0123456789ABC");
  });

  it("a custom API domain needs its hosted zone", async () => {
    await assert.rejects(
      runProgram("dev", { config: { "ecommerce:apiDomainName": "api.shop.example.com" } }),
      /apiHostedZoneId/,
    );
  });

  it("CSP: the sign-in origin is the one Auth's UserPoolDomain really gets, also with a configured prefix", async () => {
    const mocks = await runComponents(
      "dev",
      (c) => {
        new Storefront("storefront", { config: c, apiOrigin: "https://api.example" });
        new Auth("auth", { config: c, storefrontUrl: "https://shop.example" });
      },
      { config: { "ecommerce:authDomainPrefix": "my-shop" } },
    );
    const domain = mocks.named("aws:cognito/userPoolDomain:UserPoolDomain", "auth-domain").inputs.domain;
    assert.deepEqual(directive(cspOf(mocks), "connect-src"), [
      "'self'",
      "https://api.example",
      `https://${domain}.auth.eu-west-1.amazoncognito.com`,
    ]);
    assert.equal(domain, "my-shop");
  });

  it("CSP: an origin that is not one exact scheme://host[:port] (a wildcard, a path) is refused", () => {
    const signInOrigin = "https://p.auth.us-east-2.amazoncognito.com";
    for (const bad of [
      "https://*.execute-api.us-east-2.amazonaws.com",
      "https://abc.execute-api.us-east-2.amazonaws.com/v1",
      "*",
      "https:",
    ]) {
      assert.throws(() => contentSecurityPolicy({ apiOrigins: [bad], signInOrigin }), /not one exact/, bad);
    }
    assert.throws(
      () => contentSecurityPolicy({ apiOrigins: ["https://a.example"], signInOrigin: "https://*.amazoncognito.com" }),
      /not one exact/,
    );
  });

  it("CSP: every origin is a single host; nothing admits inline script or style", () => {
    const policy = contentSecurityPolicy({
      apiOrigins: ["https://abc123defg.execute-api.us-east-2.amazonaws.com"],
      signInOrigin: "https://p.auth.us-east-2.amazoncognito.com",
    });
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|data:|\*\.amazoncognito|cognito-idp|https: /);
  });

  it("prod writes access logs to a log bucket that expires them", async () => {
    const mocks = await run("prod");
    const logs = mocks.named("aws:s3/bucket:Bucket", "storefront-access-logs");
    const d = mocks.named("aws:cloudfront/distribution:Distribution", "storefront-cdn").inputs;
    assert.deepEqual(d.loggingConfig, {
      bucket: logs.state.bucketDomainName,
      prefix: "cloudfront/",
      includeCookies: false,
    });
    assert.equal(
      mocks.named("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "storefront-access-logs-ownership").inputs
        .rule.objectOwnership,
      "BucketOwnerPreferred",
    );
    assert.equal(
      mocks.named("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "storefront-access-logs-expiry")
        .inputs.rules[0].expiration.days,
      365,
    );
  });

  it("a custom domain gets a us-east-1 certificate validated in Route 53 and alias records", async () => {
    const mocks = await run("dev", {
      "ecommerce:storefrontDomainName": "shop.example.com",
      "ecommerce:storefrontHostedZoneId": "Z0123456789ABC",
    });
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
    assert.equal(
      mocks.named("aws:route53/record:Record", "storefront-certificate-validation").inputs.zoneId,
      "Z0123456789ABC",
    );
  });

  it("uploads every file of the site build with its content type and cache policy, and a per-stack config.json", async () => {
    const mocks = await run("dev");
    const objects = mocks.ofType("aws:s3/bucketObjectv2:BucketObjectv2");
    const byKey = Object.fromEntries(objects.map((o) => [o.inputs.key, o.inputs]));
    const files = buildSiteSync();
    assert.ok(files.length >= 3);
    for (const file of files) {
      assert.ok(byKey[file.key], `${file.key} is uploaded`);
      assert.equal(
        Buffer.from(byKey[file.key].contentBase64, "base64").toString("hex"),
        file.body.toString("hex"),
        `${file.key} bytes`,
      );
      assert.equal(byKey[file.key].contentType, file.contentType);
      assert.equal(byKey[file.key].cacheControl, file.cacheControl);
    }
    assert.deepEqual(
      Object.keys(byKey).sort(),
      [...files.map((f) => f.key), "config.json"].sort(),
      "nothing else: no sources, no template",
    );
    assert.equal(byKey["index.html"].contentType, "text/html; charset=utf-8");
    assert.equal(byKey["index.html"].cacheControl, noCache);
    const config = byKey["config.json"];
    assert.equal(config.cacheControl, noCache);
    assert.equal(config.contentType, "application/json");
    assert.deepEqual(JSON.parse(config.content), {
      apiUrl: "https://api.example/v1",
      region: "eu-west-1",
      userPoolId: "pool",
      userPoolClientId: "client",
      hostedUiUrl: "https://auth.example",
    });
  });
});

describe("site build", () => {
  it("is deterministic: two builds give the same keys and bytes", async () => {
    const [a, b] = [await buildSite(), buildSiteSync()];
    assert.deepEqual(
      a.map((f) => [f.key, f.body.toString("base64")]),
      b.map((f) => [f.key, f.body.toString("base64")]),
    );
  });

  it("names scripts and styles after their content (immutable), index.html loads exactly those (no-cache)", () => {
    const files = buildSiteSync();
    const assets = files.filter((f) => f.key.startsWith("assets/"));
    assert.deepEqual(assets.map((f) => path.extname(f.key)).sort(), [".css", ".js"]);
    for (const asset of assets) {
      assert.match(asset.key, /^assets\/main-[A-Z0-9]{8}\.(js|css)$/);
      assert.equal(asset.cacheControl, immutable);
    }
    const index = files.find((f) => f.key === "index.html")!;
    assert.equal(index.cacheControl, noCache);
    const html = index.body.toString();
    assert.ok(!html.includes(assetsPlaceholder));
    const referenced = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]).sort();
    assert.deepEqual(referenced, assets.map((f) => f.key).sort());
    assert.doesNotMatch(html, /<script>|style=/, "no inline script or style (the CSP forbids them)");
  });

  it("a change to a source changes the script's name", () => {
    // A sibling of site/, so its imports (node_modules, ../../handlers/shared) resolve as site/'s do.
    const dir = fs.mkdtempSync(path.join(__dirname, "..", "..", ".site-copy-"));
    try {
      fs.cpSync(path.join(__dirname, "..", "..", "site"), dir, { recursive: true });
      const before = buildSiteSync(dir).find((f) => f.key.endsWith(".js"))!.key;
      fs.appendFileSync(path.join(dir, "src", "format.ts"), "\nexport const changed = 1;\nconsole.log(changed);\n");
      const after = buildSiteSync(dir).find((f) => f.key.endsWith(".js"))!.key;
      assert.notEqual(after, before);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it("the bundle holds no API URL, region or pool id: they come from config.json at run time", () => {
    const js = buildSiteSync()
      .find((f) => f.key.endsWith(".js"))!
      .body.toString();
    assert.doesNotMatch(js, /execute-api|amazoncognito\.com|eu-west-1|us-east-1/);
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
