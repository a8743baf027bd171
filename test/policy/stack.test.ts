// The pack over everything the program registers (Pulumi mocks), per stack, as after an update
// (known outputs) and as in `pulumi preview` (computed values unknown): no mandatory finding
// may remain unsuppressed. Advisory findings are printed, not failed.
import * as assert from "node:assert/strict";
import { analyze, blocking, type Finding } from "../../policy/evaluate";
import { programResources } from "../../policy/stack-resources";

const describeFinding = (f: Finding) => `${f.policy} on ${f.urn?.split("::").pop() ?? "(stack)"}: ${f.message}`;

for (const stack of ["dev", "prod"] as const) {
  const runs: Partial<Record<"update" | "preview", { findings: Finding[]; resourceCount: number }>> = {};
  before(async () => {
    for (const preview of [false, true]) {
      const resources = await programResources(stack, { preview });
      runs[preview ? "preview" : "update"] = { findings: await analyze(resources), resourceCount: resources.length };
    }
  });

  for (const preview of [false, true]) {
    describe(`policy pack over the ${stack} stack${preview ? " in preview" : ""}`, () => {
      const run = () => runs[preview ? "preview" : "update"]!;

      it("sees the program's resources", () => {
        assert.ok(run().resourceCount > 20, `only ${run().resourceCount} resources registered`);
      });

      it("has no mandatory violation", () => {
        const advisory = run().findings.filter((f) => f.level === "advisory" && !f.suppressedBecause);
        if (advisory.length > 0)
          console.log(
            `      advisory (${stack}${preview ? ", preview" : ""}):\n${advisory.map((f) => `        - ${describeFinding(f)}`).join("\n")}`,
          );
        assert.deepEqual(blocking(run().findings).map(describeFinding), []);
      });

      // In preview a policy touching a computed value is skipped (an advisory note); after an
      // update every value is known, so none may be skipped.
      if (!preview) {
        it("runs every policy (no value left unknown)", () => {
          assert.deepEqual(
            run()
              .findings.filter((f) => f.unknownInPreview)
              .map(describeFinding),
            [],
          );
        });
      } else {
        // Preview may skip a policy, but never find something the update would not.
        it("finds nothing the update would not", () => {
          const after = runs.update!.findings.map(describeFinding);
          assert.deepEqual(
            run()
              .findings.filter((f) => !f.unknownInPreview)
              .map(describeFinding)
              .filter((f) => !after.includes(f)),
            [],
          );
        });
      }
    });
  }
}
