import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../../components/lib/bundle";
import { renderPulumiYaml, replaceConfigTable } from "../../scripts/config-docs";

describe("config documentation", () => {
  it("Pulumi.yaml is what components/config.ts declares (run `npm run docs` after changing a key)", () => {
    assert.equal(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8"), renderPulumiYaml());
  });

  it("README.md's config table is what components/config.ts declares (run `npm run docs`)", () => {
    const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
    assert.equal(readme, replaceConfigTable(readme));
  });
});
