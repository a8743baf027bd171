import { strict as assert } from "node:assert";
import { ConfigError, configKeys, loadConfig, type PlatformConfig } from "../../components/config";
import { effectiveConfig, type StackName, stackFile } from "../../testing/stack-config";

function load(stack: StackName, overrides: Record<string, unknown> = {}): PlatformConfig {
  const values = effectiveConfig(stack, overrides);
  return loadConfig((namespace, key) => values[`${namespace}:${key}`], "ecommerce", stack);
}

function loadError(stack: StackName, overrides: Record<string, unknown>): string {
  try {
    load(stack, overrides);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error.message;
  }
  assert.fail("config was accepted");
}

describe("stack config", () => {
  it("dev: relaxed, unprotected, short retention", () => {
    const c = load("dev");
    assert.equal(c.stage, "dev");
    assert.equal(c.protectData, false);
    assert.equal(c.logRetentionDays, 14);
    assert.equal(c.authMfa, "OPTIONAL");
    assert.equal(c.streamRetentionHours, 24);
    assert.equal(c.searchInstanceCount, 1);
    assert.equal(c.region, "eu-west-1");
    assert.deepEqual(c.tags, {
      project: "ecommerce",
      stage: "dev",
      owner: "platform-team",
      "cost-center": "ecommerce",
    });
  });

  it("prod: deletion protection, long retention, MFA required, larger capacity", () => {
    const c = load("prod");
    assert.equal(c.protectData, true);
    assert.equal(c.logRetentionDays, 365);
    assert.equal(c.authMfa, "ON");
    assert.ok(c.authPasswordMinLength >= 12);
    assert.equal(c.authPasswordRequireSymbols, true);
    assert.equal(c.streamRetentionHours, 168);
    assert.equal(c.searchInstanceCount, 3);
    assert.equal(c.searchZoneCount, 3);
    assert.notEqual(c.searchDedicatedMasterType, "");
    assert.ok(c.apiRateLimit > load("dev").apiRateLimit);
  });

  it("the stack files give exactly the stage defaults of config.ts", () => {
    for (const stage of ["dev", "prod"] as const) {
      const c = load(stage) as unknown as Record<string, unknown>;
      for (const [name, spec] of Object.entries(configKeys))
        assert.deepEqual(c[name], spec.defaults[stage], `${stage}: ${name}`);
    }
  });

  it("unset keys fall back to the stage default", () => {
    const values: Record<string, string> = {
      "ecommerce:stage": "prod",
      "aws:region": "eu-west-1",
      "aws:defaultTags": JSON.stringify({ tags: { project: "p", stage: "prod", owner: "o" } }),
    };
    const c = loadConfig((ns, key) => values[`${ns}:${key}`], "ecommerce", "prod");
    assert.equal(c.authMfa, "ON");
    assert.equal(c.protectData, true);
  });

  it("stack files set only known keys", () => {
    for (const stage of ["dev", "prod"] as const) {
      for (const key of Object.keys(stackFile(stage).config)) {
        const [ns, name] = key.split(":");
        assert.ok(
          (ns === "ecommerce" && name in configKeys) || ["aws:region", "aws:defaultTags"].includes(key),
          `Pulumi.${stage}.yaml sets unknown key ${key}`,
        );
      }
    }
  });

  describe("a wrong value fails naming the key, the value and what is allowed", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["enum", { "ecommerce:streamMode": "FAST" }, /ecommerce:streamMode = "FAST".*ON_DEMAND.*PROVISIONED/],
      [
        "integer range",
        { "ecommerce:streamRetentionHours": 12 },
        /ecommerce:streamRetentionHours = 12: .*(>=|at least|too small).*24/i,
      ],
      ["not a number", { "ecommerce:apiRateLimit": "fast" }, /ecommerce:apiRateLimit = "fast": .*number/i],
      [
        "log retention set",
        { "ecommerce:logRetentionDays": 10 },
        /ecommerce:logRetentionDays = 10: one of 1, 3, 5, 7, 14/,
      ],
      [
        "e-mail list",
        { "ecommerce:alarmEmails": ["ops@example.com", "not-an-email"] },
        /ecommerce:alarmEmails = \["ops@example.com","not-an-email"\]: .*email/i,
      ],
      ["boolean", { "ecommerce:protectData": "yes" }, /ecommerce:protectData = "yes": .*boolean/i],
      ["stage", { "ecommerce:stage": "qa" }, /ecommerce:stage = "qa": expected one of dev, prod/],
      [
        "prod password",
        { "ecommerce:authPasswordMinLength": 8 },
        /ecommerce:authPasswordMinLength = 8: prod requires at least 12/,
      ],
      ["prod MFA", { "ecommerce:authMfa": "OPTIONAL" }, /ecommerce:authMfa = "OPTIONAL": prod requires ON/],
      [
        "domain needs a zone",
        { "ecommerce:storefrontDomainName": "shop.example.com" },
        /ecommerce:storefrontHostedZoneId = "": required when storefrontDomainName is set/,
      ],
      [
        "lifecycle order",
        { "ecommerce:lakeInfrequentAccessDays": 60, "ecommerce:lakeGlacierDays": 45 },
        /ecommerce:lakeGlacierDays = 45: must be greater than lakeInfrequentAccessDays \(60\)/,
      ],
      [
        "personalize existing",
        { "ecommerce:personalizeMode": "existing" },
        /ecommerce:personalizeTrackingId = "": required when personalizeMode is existing/,
      ],
      [
        "search nodes per zone",
        { "ecommerce:searchInstanceCount": 4 },
        /ecommerce:searchInstanceCount = 4: must be a multiple of searchZoneCount \(3\)/,
      ],
      [
        "search volume over the instance type's gp3 maximum",
        { "ecommerce:searchInstanceType": "t3.small.search", "ecommerce:searchVolumeGb": 200 },
        /ecommerce:searchVolumeGb = 200: t3.small.search takes a gp3 volume of 10 to 100 GiB per node/,
      ],
      [
        "search volume under an OpenSearch optimized type's minimum",
        { "ecommerce:searchInstanceType": "or1.medium.search", "ecommerce:searchVolumeGb": 10 },
        /ecommerce:searchVolumeGb = 10: or1.medium.search takes a gp3 volume of 20 to 768 GiB per node/,
      ],
      [
        "search instance type without gp3 volumes",
        { "ecommerce:searchInstanceType": "r6gd.large.search" },
        /ecommerce:searchInstanceType = "r6gd.large.search": r6gd instances take no gp3 EBS volume/,
      ],
      [
        "shard count without effect",
        { "ecommerce:streamMode": "ON_DEMAND", "ecommerce:streamShardCount": 4 },
        /ecommerce:streamShardCount = 4: has no effect while streamMode is ON_DEMAND/,
      ],
      [
        "a batch Lambda cannot deliver",
        { "ecommerce:processorBatchSize": 146 },
        /ecommerce:processorBatchSize = 146: at most 145: Lambda delivers a batch in one invocation of at most 6 MB/,
      ],
      [
        "provisioned without shards",
        { "ecommerce:streamMode": "PROVISIONED" },
        /ecommerce:streamShardCount = 0: required \(1-500\) when streamMode is PROVISIONED/,
      ],
      [
        "SES identity without a sender",
        { "ecommerce:authEmailSesIdentity": "shop.example.com" },
        /ecommerce:authEmailFrom = "": authEmailSesIdentity and authEmailFrom are set together/,
      ],
      [
        "sender outside the SES identity",
        {
          "ecommerce:authEmailSesIdentity": "shop.example.com",
          "ecommerce:authEmailFrom": "Shop <no-reply@other.example>",
        },
        /ecommerce:authEmailFrom = "Shop <no-reply@other.example>": must be shop.example.com or an address of that domain/,
      ],
      [
        "access logs CloudFront would not deliver",
        { "aws:region": "eu-south-1" },
        /ecommerce:storefrontAccessLogs = true: CloudFront's standard logs are not delivered to buckets in opt-in Regions such as eu-south-1/,
      ],
      ["region", { "aws:region": "moon-1" }, /aws:region = "moon-1": an AWS region/],
      [
        "required tags",
        { "aws:defaultTags": { tags: { project: "ecommerce", stage: "prod" } } },
        /aws:defaultTags = .*missing tag\(s\) owner/,
      ],
      [
        "tag value outside AWS's tag characters",
        { "aws:defaultTags": { tags: { project: "ecommerce", stage: "prod", owner: "Platform team (EU)" } } },
        /aws:defaultTags.tags.owner = "Platform team \(EU\)": the value may hold only letters, digits, spaces and _ . : \/ = \+ - @/,
      ],
      [
        "tag value too long",
        { "aws:defaultTags": { tags: { project: "ecommerce", stage: "prod", owner: "o".repeat(257) } } },
        /aws:defaultTags.tags.owner = "o+": the value must be at most 256 characters/,
      ],
      [
        "tag key reserved",
        { "aws:defaultTags": { tags: { project: "ecommerce", stage: "prod", owner: "o", "aws:team": "x" } } },
        /aws:defaultTags.tags.aws:team = "x": the key may not start with aws:/,
      ],
      [
        "tag stage",
        { "aws:defaultTags": { tags: { project: "ecommerce", stage: "dev", owner: "x" } } },
        /aws:defaultTags.tags.stage = "dev": must equal ecommerce:stage \(prod\)/,
      ],
    ];
    for (const [label, overrides, expected] of cases) {
      it(label, () => assert.match(loadError("prod", overrides), expected));
    }

    it("a hosted UI prefix derived from a long stack name, which Cognito would refuse, asks for authDomainPrefix", () => {
      const stack = "feature-checkout-redesign-preview-eu-west-1";
      const values = effectiveConfig("dev");
      const raw = (namespace: string, key: string) => values[`${namespace}:${key}`];
      assert.throws(
        () => loadConfig(raw, "ecommerce", stack),
        /ecommerce:authDomainPrefix = "": the prefix derived from project, stack and account \(ecommerce-feature-checkout-redesign-preview-eu-west-1-<account id>\) is 66 characters; Cognito takes at most 63: set authDomainPrefix/,
      );
      // The configured prefix is used as it is.
      assert.equal(
        loadConfig((n, k) => (k === "authDomainPrefix" ? "shop-login" : raw(n, k)), "ecommerce", stack)
          .authDomainPrefix,
        "shop-login",
      );
    });

    it("reports every wrong key at once", () => {
      const message = loadError("dev", { "ecommerce:streamMode": "FAST", "ecommerce:processorBatchSize": 0 });
      assert.match(message, /streamMode/);
      assert.match(message, /processorBatchSize/);
    });
  });
});
