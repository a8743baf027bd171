import { strict as assert } from "node:assert";
import { type RegisteredResource, runProgram, sharedProgramRun } from "../../testing/program";
import { stackFile } from "../../testing/stack-config";

const providerUrn = (ref: string | undefined) => ref?.split("::").slice(0, -1).join("::");

/** Every AWS resource goes through one of our explicit providers, which carry the default tags. */
function assertDefaultTags(resources: RegisteredResource[], stage: "dev" | "prod") {
  const expected = (stackFile(stage).config["aws:defaultTags"] as { tags: Record<string, string> }).tags;
  assert.equal(expected.stage, stage);
  const providers = new Map(
    resources
      .filter((r) => r.type.startsWith("pulumi:providers:"))
      .map((p) => [p.urn.replace(/::[^:]+$/, `::${p.name}`), p]),
  );
  const components = resources.filter((r) => /^(aws|aws-native):/.test(r.type));
  assert.ok(components.length > 20);
  for (const r of components) {
    assert.ok(
      r.provider,
      `${r.type} ${r.name} has no explicit provider (it would use the ambient default provider, without our tags)`,
    );
    const urn = providerUrn(r.provider);
    const provider = [...providers.values()].find((p) => p.urn === urn);
    assert.ok(provider, `${r.type} ${r.name}: unknown provider ${r.provider}`);
    assert.deepEqual(
      JSON.parse(provider.inputs.defaultTags).tags,
      expected,
      `${r.type} ${r.name}: provider ${provider.name} default tags`,
    );
  }
}

describe("the whole program", () => {
  for (const stage of ["dev", "prod"] as const) {
    describe(stage, () => {
      let run: Awaited<ReturnType<typeof runProgram>>;
      before(async () => {
        run = await sharedProgramRun(stage);
      });

      it("exports every stack output", () => {
        const o = run.outputs as Record<string, string>;
        assert.equal(o.region, "eu-west-1");
        assert.match(o.storefrontUrl, /^https:\/\/d[0-9a-f]+\.cloudfront\.net$/);
        assert.match(o.apiUrl, /^https:\/\/\w+\.execute-api\.eu-west-1\.amazonaws\.com\/v1$/);
        assert.match(
          o.hostedUiUrl,
          new RegExp(`^https://ecommerce-${stage}-123456789012\\.auth\\.eu-west-1\\.amazoncognito\\.com$`),
        );
        for (const name of [
          "storefrontBucket",
          "distributionId",
          "userPoolId",
          "userPoolClientId",
          "clickstreamStream",
          "clickstreamDeliveryStream",
          "dataLakeBucket",
          "clickstreamDeadLetterQueue",
          "ordersTable",
          "searchEndpoint",
          "searchIndexerDeadLetterQueue",
          "alarmTopicArn",
        ]) {
          assert.ok(o[name], `output ${name}`);
        }
        assert.match(
          o.dashboardUrl,
          /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=eu-west-1#dashboards:name=/,
        );
        assert.equal(o.personalizeTrackingId, "disabled", "Personalize is disabled by default");
      });

      it("every AWS resource carries the stack's default tags", () => assertDefaultTags(run.resources, stage));

      it("every resource has a unique name and hangs under a component", () => {
        const names = run.resources.map((r) => `${r.type}::${r.name}`);
        assert.equal(new Set(names).size, names.length);
        for (const r of run.resources.filter((x) => /^(aws|aws-native):/.test(x.type))) {
          assert.ok(
            r.parentTypes.some((t) => t.startsWith("ecommerce:")),
            `${r.type} ${r.name} is not inside a component`,
          );
        }
      });

      it(`stateful resources are ${stage === "prod" ? "" : "not "}protected`, () => {
        const stateful = ["aws:dynamodb/table:Table", "aws:cognito/userPool:UserPool", "aws:opensearch/domain:Domain"];
        const dataBuckets = run.resources.filter(
          (r) => r.type === "aws:s3/bucket:Bucket" && /lake|access-logs/.test(r.name),
        );
        const resources = [...run.resources.filter((r) => stateful.includes(r.type)), ...dataBuckets];
        assert.ok(resources.length >= 6, `found ${resources.map((r) => r.name)}`);
        for (const r of resources) assert.equal(r.protect, stage === "prod", `${r.type} ${r.name} protect`);
        for (const r of dataBuckets) assert.equal(r.retainOnDelete, stage === "prod", `${r.name} retainOnDelete`);
      });

      it("the site reads this stack's API, user pool and client from config.json", () => {
        const config = run.resources.find((r) => r.inputs.key === "config.json")!;
        const o = run.outputs as Record<string, string>;
        assert.deepEqual(JSON.parse(config.inputs.content), {
          apiUrl: o.apiUrl,
          region: "eu-west-1",
          userPoolId: o.userPoolId,
          userPoolClientId: o.userPoolClientId,
          hostedUiUrl: o.hostedUiUrl,
        });
      });
    });
  }

  it("runs in preview mode, with unknown outputs, without error", async () => {
    for (const stage of ["dev", "prod"] as const) {
      const run = await sharedProgramRun(stage, { preview: true });
      assert.ok(run.resources.filter((r) => r.type.startsWith("aws:")).length > 20);
    }
  });

  it("a wrong config value stops the program with a message naming the key", async () => {
    await assert.rejects(
      runProgram("dev", { config: { "ecommerce:streamMode": "FAST" } }),
      /ecommerce:streamMode = "FAST"/,
    );
  });
});
