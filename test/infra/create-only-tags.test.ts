// aws-native resources whose tags can only be set at creation (the SDK declares
// replaceOnChanges "tags[*]", e.g. the Personalize dataset group, schema and dataset) must not
// be replaced when a stack's default tags change: that would drop the recorded interactions.
// They come from a provider without default tags, carry the stack's tags explicitly, and
// ignore later tag changes.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { type RegisteredResource, sharedProgramRun } from "../../testing/program";
import { stackFile } from "../../testing/stack-config";

/** Whether the aws-native SDK replaces a resource of `type` when its tags change. */
function tagsAreCreateOnly(type: string): boolean {
  const [, module, name] = type.split(":");
  const file = path.join(
    path.dirname(require.resolve("@pulumi/aws-native/package.json")),
    module,
    `${name[0].toLowerCase()}${name.slice(1)}.js`,
  );
  const replaceOnChanges = /replaceOnChanges: \[.*\] \}/.exec(fs.readFileSync(file, "utf8"))?.[0] ?? "";
  return replaceOnChanges.includes('"tags[*]"');
}

const providerOf = (r: RegisteredResource, all: RegisteredResource[]) =>
  all.find((p) => p.urn === r.provider?.split("::").slice(0, -1).join("::"));

describe("create-only tags (aws-native)", () => {
  for (const stage of ["dev", "prod"] as const) {
    it(`${stage}: no default-tag change can replace a resource whose tags are create-only`, async () => {
      const { resources } = await sharedProgramRun(stage, { config: { "ecommerce:personalizeMode": "create" } });
      const createOnly = resources.filter((r) => r.type.startsWith("aws-native:") && tagsAreCreateOnly(r.type));
      assert.deepEqual(createOnly.map((r) => r.type).sort(), [
        "aws-native:personalize:Dataset",
        "aws-native:personalize:DatasetGroup",
        "aws-native:personalize:Schema",
      ]);
      const stackTags = (stackFile(stage).config["aws:defaultTags"] as { tags: Record<string, string> }).tags;
      for (const r of createOnly) {
        const provider = providerOf(r, resources);
        assert.ok(provider, `${r.name}: no explicit provider`);
        assert.equal(
          provider.inputs.defaultTags,
          undefined,
          `${r.name}: its provider adds default tags, so changing one would replace it`,
        );
        assert.ok(r.ignoreChanges.includes("tags"), `${r.name}: tags are not ignored after creation`);
        assert.deepEqual(
          Object.fromEntries(r.inputs.tags.map((t: { key: string; value: string }) => [t.key, t.value])),
          stackTags,
          `${r.name}: carries the stack's tags`,
        );
      }
    });
  }
});
