// Builds small stacks of resources for rule tests and runs one policy of the pack over them
// through the offline analyzer (policy/evaluate.ts): realistic URNs, a provider carrying the
// stage's default tags, parents, property dependencies by name, unknown values, and the pack's
// enforcement levels and suppressions.
import { type AnalyzerResource, analyze, type Finding, unknown } from "../../policy/evaluate";
import { policies } from "../../policy/policies";
import { suppressionConfig } from "../../policy/suppressions";
import type { PackPolicy } from "../../policy/lib/types";
import type { PolicyPackConfig } from "@pulumi/policy";

export { unknown };
export type Stage = "dev" | "prod";

/** A resource of a test stack; `deps` maps an input to the names of the resources it came from. */
export interface Fixture {
  type: string;
  name: string;
  inputs: Record<string, any>;
  outputs?: Record<string, any>;
  protect?: boolean;
  parent?: string;
  deps?: Record<string, string[]>;
}

export const r = (type: string, name: string, inputs: Record<string, any>, more: Partial<Fixture> = {}): Fixture => ({
  type,
  name,
  inputs,
  ...more,
});

const urnOf = (stage: Stage, type: string, name: string, parentType?: string) =>
  `urn:pulumi:${stage}::ecommerce::${parentType ? `${parentType}$` : ""}${type}::${name}`;

/** The fixtures as the engine would register them in `stage`, behind an aws provider. */
export function stack(stage: Stage, fixtures: Fixture[]): AnalyzerResource[] {
  const providerUrn = urnOf(stage, "pulumi:providers:aws", "aws");
  const provider: AnalyzerResource = {
    type: "pulumi:providers:aws",
    name: "aws",
    urn: providerUrn,
    inputs: {
      region: "eu-west-1",
      defaultTags: JSON.stringify({ tags: { project: "ecommerce", stage, owner: "platform-team" } }),
    },
  };
  const urns = new Map<string, string>();
  for (const f of fixtures) {
    const parentType = f.parent ? fixtures.find((p) => p.name === f.parent)?.type : undefined;
    urns.set(f.name, urnOf(stage, f.type, f.name, parentType));
  }
  const urn = (name: string) => {
    const u = urns.get(name);
    if (!u) throw new Error(`fixture refers to unknown resource ${name}`);
    return u;
  };
  return [
    provider,
    ...fixtures.map(
      (f): AnalyzerResource => ({
        type: f.type,
        name: f.name,
        urn: urn(f.name),
        inputs: f.inputs,
        outputs: f.outputs ? { ...f.inputs, ...f.outputs } : undefined,
        protect: f.protect,
        parent: f.parent ? urn(f.parent) : undefined,
        dependencies: Object.values(f.deps ?? {})
          .flat()
          .map(urn),
        propertyDependencies: Object.fromEntries(
          Object.entries(f.deps ?? {}).map(([prop, names]) => [prop, names.map(urn)]),
        ),
        provider: providerUrn,
      }),
    ),
  ];
}

export function policyNamed(name: string): PackPolicy {
  const policy = policies.find((p) => p.name === name);
  if (!policy) throw new Error(`no policy ${name} in the pack`);
  return policy;
}

/** Findings of one policy over `fixtures` in `stage`, with the pack's config unless given. */
export async function findings(
  policy: string,
  fixtures: Fixture[],
  options: { stage?: Stage; config?: PolicyPackConfig } = {},
): Promise<Finding[]> {
  const all = await analyze(stack(options.stage ?? "dev", fixtures), {
    policies: [policyNamed(policy)],
    config: options.config ?? suppressionConfig(),
  });
  return all.filter((f) => f.policy === policy);
}

/** What would block a deploy or be printed: findings not dropped by a suppression. */
export const reported = (list: Finding[]) => list.filter((f) => !f.suppressedBecause);
