// The resources the whole program registers for a stack, under the Pulumi mocks of
// testing/, as analyzer input. The mocks record type, name, URN, inputs and outputs; the
// analyzer also needs what the engine knows from each registration request: the parent, the
// (property) dependencies and the `protect` option. Those are read from the requests
// themselves by wrapping the mock monitor, so joins by property dependency work exactly as
// they do under the CLI, in preview (unknown ids) as well.
import { runProgram } from "../testing/program";
import type { AnalyzerResource } from "./evaluate";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");

interface RequestFacts {
  parent?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
}

let requests: Map<string, RequestFacts> | undefined;
const requestKey = (type: string, name: string, parent: string) => `${type}\u0000${name}\u0000${parent}`;

function captureRequests() {
  if (MockMonitor.prototype.__policyCapture) return;
  const register = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (req: any, callback: any) {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps: any, prop: string) => (propertyDependencies[prop] = deps.getUrnsList()));
    requests?.set(requestKey(req.getType(), req.getName(), req.getParent() ?? ""), {
      parent: req.getParent() || undefined,
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      protect: Boolean(req.getProtect()),
    });
    return register.call(this, req, callback);
  };
  MockMonitor.prototype.__policyCapture = true;
}

/** URN of the provider from a provider reference "<urn>::<id>". */
const providerUrn = (ref?: string) => (ref ? ref.slice(0, ref.lastIndexOf("::")) : undefined);

/** The parent URN the mock monitor would compute, to look the request up by. */
function candidates(urn: string, all: { urn: string; type: string }[]): string[] {
  // A child's URN carries its parent's type (urn:...::<parentType>$<type>::<name>).
  const qualified = urn.split("::")[2] ?? "";
  const parentType = qualified.includes("$") ? qualified.split("$").slice(-2, -1)[0] : undefined;
  return parentType ? all.filter((r) => r.type === parentType).map((r) => r.urn) : [""];
}

/** Runs index.ts for `stack` under mocks and returns what the analyzer would see. */
export async function programResources(stack: "dev" | "prod", options: { preview?: boolean } = {}): Promise<AnalyzerResource[]> {
  captureRequests();
  requests = new Map();
  try {
    const run = await runProgram(stack, options);
    const seen = requests;
    return run.resources.map((r) => {
      const parentUrn = candidates(r.urn, run.resources).find((p) => seen.has(requestKey(r.type, r.name, p))) ?? "";
      const facts = seen.get(requestKey(r.type, r.name, parentUrn));
      return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        inputs: r.inputs,
        outputs: r.state,
        protect: facts?.protect ?? false,
        parent: facts?.parent,
        dependencies: facts?.dependencies ?? [],
        propertyDependencies: facts?.propertyDependencies ?? {},
        provider: providerUrn(r.provider),
      };
    });
  } finally {
    requests = undefined;
  }
}
