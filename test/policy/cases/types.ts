// One compliant and one violating stack per rule; rules.test.ts requires one per pack policy.
import type { Fixture, Stage } from "../harness";

export interface RuleCase {
  stage?: Stage;
  compliant: Fixture[];
  violating: Fixture[];
  /** What the violation says (checks the right finding fires, not just any). */
  expect: RegExp;
}
export type RuleCases = Record<string, RuleCase>;

/** Deep-merge `patch` into a copy of `base` (undefined in the patch removes the key). */
export function patch<T extends Record<string, any>>(base: T, changes: Record<string, any>): T {
  const out: Record<string, any> = structuredClone(base);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete out[k];
    else if (
      v &&
      typeof v === "object" &&
      !Array.isArray(v) &&
      out[k] &&
      typeof out[k] === "object" &&
      !Array.isArray(out[k])
    )
      out[k] = patch(out[k], v);
    else out[k] = v;
  }
  return out as T;
}
