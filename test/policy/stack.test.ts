// The pack over everything the program registers (Pulumi mocks), per stack, as after an update
// (known outputs) and as in `pulumi preview` (computed values unknown): no mandatory finding
// may remain unsuppressed. Advisory findings are printed, not failed.
import * as assert from "node:assert/strict";
import { analyze, blocking, Finding } from "../../policy/evaluate";
import { programResources } from "../../policy/stack-resources";

const describeFinding = (f: Finding) => `${f.policy} on ${f.urn?.split("::").pop() ?? "(stack)"}: ${f.message}`;

for (const stack of ["dev", "prod"] as const) {
  for (const preview of [false, true]) {
    describe(`policy pack over the ${stack} stack${preview ? " in preview" : ""}`, () => {
      let findings: Finding[];
      let resourceCount: number;
      before(async () => {
        const resources = await programResources(stack, { preview });
        resourceCount = resources.length;
        findings = await analyze(resources);
      });

      it("sees the program's resources", () => {
        assert.ok(resourceCount > 20, `only ${resourceCount} resources registered`);
      });

      it("has no mandatory violation", () => {
        const advisory = findings.filter((f) => f.level === "advisory" && !f.suppressedBecause);
        if (advisory.length > 0) console.log(`      advisory (${stack}${preview ? ", preview" : ""}):\n${advisory.map((f) => `        - ${describeFinding(f)}`).join("\n")}`);
        assert.deepEqual(blocking(findings).map(describeFinding), []);
      });

      // In preview a policy touching a computed value is skipped (an advisory note); after an
      // update every value is known, so none may be skipped.
      if (!preview) {
        it("runs every policy (no value left unknown)", () => {
          assert.deepEqual(findings.filter((f) => f.unknownInPreview).map(describeFinding), []);
        });
      }
    });
  }
}
