import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../components/lib/bundle";
import { renderPulumiYaml, replaceConfigTable } from "../../scripts/config-docs";
import { projectFile } from "../../testing/stack-config";

describe("config documentation", () => {
  it("Pulumi.yaml is what components/config.ts declares (run `npm run docs` after changing a key)", () => {
    assert.equal(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8"), renderPulumiYaml());
  });

  it("Pulumi.yaml keeps every default's declared type when read as YAML 1.1, as the Pulumi CLI (go-yaml v2) reads it", () => {
    // Unquoted OFF/ON/yes/no are booleans in YAML 1.1: the CLI would refuse a string key's default.
    const project = projectFile();
    const typeOf = (v: unknown) => (Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v);
    const wrong = Object.entries(project.config)
      .filter(([, decl]) => typeOf(decl.default) !== decl.type)
      .map(([name, decl]) => `${name}: ${decl.type} default read as ${JSON.stringify(decl.default)}`);
    assert.deepEqual(wrong, []);
  });

  it("README.md's config table is what components/config.ts declares (run `npm run docs`)", () => {
    const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
    assert.equal(readme, replaceConfigTable(readme));
  });
});
