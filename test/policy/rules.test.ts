// Every rule of the pack against one compliant and one violating stack (cases/*.ts). A rule
// without its pair, or a pair for a rule the pack no longer has, fails here.
import * as assert from "node:assert/strict";
import { policies } from "../../policy/policies";
import { findings, reported } from "./harness";
import { analyticsCases } from "./cases/analytics";
import { computeCases } from "./cases/compute";
import { dataCases } from "./cases/data";
import { edgeCases } from "./cases/edge";
import { emailCases } from "./cases/email";
import { reliabilityCases } from "./cases/reliability";
import { s3Cases } from "./cases/s3";
import { tagCases } from "./cases/tags";
import type { RuleCases } from "./cases/types";

const caseFiles = [s3Cases, edgeCases, computeCases, dataCases, tagCases, emailCases, analyticsCases, reliabilityCases];
const cases: RuleCases = Object.assign({}, ...caseFiles);

describe("policy rules: compliant and violating cases", () => {
  it("every rule of the pack has exactly one case pair, and every pair a rule", () => {
    const names = policies.map((p) => p.name);
    const declared = caseFiles.flatMap((c) => Object.keys(c));
    assert.deepEqual(
      names.filter((n) => !(n in cases)),
      [],
      "rules without a compliant/violating pair",
    );
    assert.deepEqual(
      declared.filter((n) => !names.includes(n)),
      [],
      "cases for rules the pack does not have",
    );
    assert.equal(new Set(declared).size, declared.length, "a rule has two case pairs");
  });

  for (const policy of policies) {
    const c = cases[policy.name];
    if (!c) continue;
    describe(policy.name, () => {
      it("passes the compliant stack", async () => {
        const found = reported(await findings(policy.name, c.compliant, { stage: c.stage }));
        assert.deepEqual(
          found.map((f) => f.message),
          [],
        );
      });
      it(`reports the violating stack as ${policy.enforcementLevel}`, async () => {
        const found = reported(await findings(policy.name, c.violating, { stage: c.stage }));
        assert.ok(
          found.some((f) => c.expect.test(f.message)),
          `expected ${c.expect}, got ${JSON.stringify(found.map((f) => f.message))}`,
        );
        assert.ok(found.every((f) => f.level === policy.enforcementLevel && !f.unknownInPreview));
      });
    });
  }
});
