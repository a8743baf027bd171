// The pack as a whole: its size and metadata, how S3 side resources are joined to their
// bucket (property dependency, value, name; in preview too), enforcement levels and
// suppressions from the pack config, and the README's suppression table.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { analyze, blocking } from "../../policy/evaluate";
import { policies } from "../../policy/policies";
import { services } from "../../policy/lib/types";
import { suppressionConfig, suppressions } from "../../policy/suppressions";
import { bucketStack } from "./cases/s3";
import { findings, r, reported, stack, unknown } from "./harness";

const bucket = (name: string, outputs: Record<string, unknown> = {}) =>
  r("aws:s3/bucket:Bucket", name, { forceDestroy: false }, { outputs });
const pab = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";

describe("policy pack", () => {
  it("has at least 40 rules, with unique names, across every service area", () => {
    assert.ok(policies.length >= 40, `${policies.length} rules`);
    assert.equal(new Set(policies.map((p) => p.name)).size, policies.length);
    assert.deepEqual(
      services.filter((s) => !policies.some((p) => p.service === s)),
      [],
    );
  });

  it("README.md states the pack's size and levels as they are", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
    const mandatory = policies.filter((p) => p.enforcementLevel === "mandatory").length;
    assert.ok(
      readme.includes(
        `policy pack of ${policies.length} rules (${mandatory} mandatory, ${policies.length - mandatory} advisory)`,
      ),
      "README's policy pack rule count",
    );
  });

  it("names the cdk-nag and/or checkov counterpart of every rule, and chooses its level", () => {
    for (const p of policies) {
      // A rule no scanner has says so, with the reason ("none: ...").
      assert.match(p.maps, /AwsSolutions-[A-Z]+\d+|CKV2?_AWS_\d+|^none: .{10,}/, p.name);
      assert.ok(p.description.includes(`[${p.maps}]`), p.name);
      assert.ok(["mandatory", "advisory"].includes(p.enforcementLevel), p.name);
      assert.ok(p.remediationSteps, p.name);
    }
  });

  describe("joining S3 side resources to their bucket", () => {
    it("by property dependency, even when the bucket id is unknown (preview)", async () => {
      const fixtures = [
        bucket("a"),
        bucket("b"),
        r(PAB, "guard-a", { ...pab, bucket: unknown }, { deps: { bucket: ["a"] } }),
      ];
      const found = await findings("s3-public-access-block", fixtures);
      assert.deepEqual(
        found.map((f) => f.message),
        ["Bucket b has no BucketPublicAccessBlock."],
      );
    });

    it("by value: the side resource's bucket equals the bucket's name", async () => {
      const fixtures = [
        bucket("a", { bucket: "a-1234" }),
        bucket("b", { bucket: "b-1234" }),
        r(PAB, "guard", { ...pab, bucket: "b-1234" }),
      ];
      const found = await findings("s3-public-access-block", fixtures);
      assert.deepEqual(
        found.map((f) => f.message),
        ["Bucket a has no BucketPublicAccessBlock."],
      );
    });

    it("by name: <bucket>-<suffix>, the longest bucket name winning", async () => {
      const fixtures = [
        bucket("site"),
        bucket("site-logs"),
        r(PAB, "site-logs-public-access", { ...pab, bucket: unknown }),
      ];
      const found = await findings("s3-public-access-block", fixtures);
      assert.deepEqual(
        found.map((f) => f.message),
        ["Bucket site has no BucketPublicAccessBlock."],
      );
    });

    it("a weak side resource of one bucket does not cover another", async () => {
      const fixtures = [
        ...bucketStack({}, "site"),
        ...bucketStack({ pab: { ...pab, restrictPublicBuckets: false } }, "lake"),
      ];
      const found = await findings("s3-public-access-block", fixtures);
      assert.deepEqual(
        found.map((f) => f.message),
        ["Bucket lake's public-access block leaves restrictPublicBuckets off."],
      );
    });

    it("a bucket policy still unknown in preview is judged after the update, not flagged", async () => {
      const fixtures = bucketStack().map((f) =>
        f.name === "site-policy" ? { ...f, inputs: { ...f.inputs, policy: unknown } } : f,
      );
      assert.deepEqual(await findings("s3-tls-only", fixtures), []);
    });
  });

  describe("preview", () => {
    it("a resource rule that needs a computed value reports it cannot run, as advisory", async () => {
      const found = await findings("kms-key-rotation", [r("aws:kms/key:Key", "data", { enableKeyRotation: unknown })]);
      assert.equal(found.length, 1);
      assert.equal(found[0].level, "advisory");
      assert.ok(found[0].unknownInPreview);
      assert.match(found[0].message, /can't run policy 'kms-key-rotation'.*during preview/);
    });
  });

  describe("stage", () => {
    it("production rules bind by the provider's stage tag", async () => {
      const table = [r("aws:dynamodb/table:Table", "orders", { pointInTimeRecovery: { enabled: true } })];
      assert.equal((await findings("stateful-deletion-protection", table, { stage: "dev" })).length, 0);
      assert.equal((await findings("stateful-deletion-protection", table, { stage: "prod" })).length, 1);
    });
  });

  describe("enforcement levels and suppressions", () => {
    const openApi = JSON.stringify({
      paths: { "/health": { get: {} }, "/admin": { post: {} }, "/orders": { get: { security: [{ cognito: [] }] } } },
    });
    const api = [r("aws:apigateway/restApiPut:RestApiPut", "api-definition", { body: openApi })];

    it("a suppression with a detail drops only that finding, and says why", async () => {
      const found = await findings("apigateway-authorization", api);
      assert.deepEqual(
        reported(found).map((f) => f.message),
        ["POST /admin requires no authorization."],
      );
      const dropped = found.filter((f) => f.suppressedBecause);
      assert.deepEqual(
        dropped.map((f) => f.message),
        ["GET /health requires no authorization."],
      );
      assert.match(dropped[0].suppressedBecause!, /health check is public/);
    });

    it("a suppressed mandatory finding does not block; an unsuppressed one does", async () => {
      const all = await analyze(stack("dev", api), {
        policies: policies.filter((p) => p.name === "apigateway-authorization"),
      });
      assert.deepEqual(
        blocking(all).map((f) => f.message),
        ["POST /admin requires no authorization."],
      );
    });

    it("the pack config can change a rule's level or disable it", async () => {
      const advisory = await findings("apigateway-authorization", api, {
        config: { "apigateway-authorization": "advisory" },
      });
      assert.ok(advisory.length === 2 && advisory.every((f) => f.level === "advisory"));
      assert.deepEqual(
        await findings("apigateway-authorization", api, {
          config: { "apigateway-authorization": { enforcementLevel: "disabled" } },
        }),
        [],
      );
    });

    it("every suppression names a rule of the pack and gives a reason", () => {
      for (const s of suppressions) {
        assert.ok(
          policies.some((p) => p.name === s.policy),
          `suppression for unknown policy ${s.policy}`,
        );
        assert.ok(s.reason.length > 20, `suppression ${s.policy}/${s.resource} needs a real reason`);
      }
      assert.deepEqual(Object.keys(suppressionConfig()).sort(), [...new Set(suppressions.map((s) => s.policy))].sort());
    });

    it("policy/README.md lists every suppression with its reason", () => {
      const readme = fs.readFileSync(path.join(__dirname, "..", "..", "policy", "README.md"), "utf8");
      for (const s of suppressions) {
        const row = readme
          .split("\n")
          .find(
            (line) =>
              line.startsWith("|") &&
              line.includes(`\`${s.policy}\``) &&
              line.includes(`\`${s.resource}\``) &&
              (!s.detail || line.includes(s.detail)),
          );
        assert.ok(row, `README has no row for ${s.policy} / ${s.resource}${s.detail ? ` / ${s.detail}` : ""}`);
        assert.ok(
          row!.includes(s.reason),
          `README row for ${s.policy} / ${s.resource} does not give the reason from suppressions.ts`,
        );
      }
    });
  });
});
