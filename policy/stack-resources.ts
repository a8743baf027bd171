// The resources the whole program registers for a stack, under the Pulumi mocks of
// testing/, as analyzer input. The mocks record type, name, URN, inputs and outputs; the
// analyzer also needs what the engine knows from each registration request: the parent, the
// (property) dependencies and the `protect` option. testing/registrations.ts reads those off
// the registration requests themselves, so joins by property dependency work exactly as they
// do under the CLI, in preview (unknown ids) as well.
import { sharedProgramRun } from "../testing/program";
import type { AnalyzerResource } from "./evaluate";

/** URN of the provider from a provider reference "<urn>::<id>". */
const providerUrn = (ref?: string) => (ref ? ref.slice(0, ref.lastIndexOf("::")) : undefined);

/** Runs index.ts for `stack` under mocks and returns what the analyzer would see. */
export async function programResources(
  stack: "dev" | "prod",
  options: { preview?: boolean } = {},
): Promise<AnalyzerResource[]> {
  const run = await sharedProgramRun(stack, options);
  return run.resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    inputs: r.inputs,
    outputs: r.state,
    protect: r.protect,
    parent: r.parent,
    dependencies: r.dependsOn,
    propertyDependencies: r.propertyDependencies,
    provider: providerUrn(r.provider),
  }));
}
