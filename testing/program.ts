// Runs the whole Pulumi program (index.ts) under mocks for a stack's config and returns every
// resource it registered, with inputs. Used by the infra and policy tests.
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { loadConfig, PlatformConfig } from "../components/config";
import { repoRoot } from "../components/lib/bundle";
import { RecordingMocks, RegisteredResource, testRegion } from "./mocks";
import { effectiveConfig, StackName } from "./stack-config";

export type { RegisteredResource };

export interface ProgramRun {
  mocks: RecordingMocks;
  resources: RegisteredResource[];
  /** The program's exports (stack outputs), resolved. */
  outputs: Record<string, unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings");

/** The mock monitor does not tell newResource a resource's parent and options; record them on the way in. */
function recordParents(mocks: RecordingMocks) {
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: any) => {
    mocks.currentParentUrn = req.getParent() || undefined;
    mocks.currentOptions = { protect: Boolean(req.getProtect()), retainOnDelete: Boolean(req.getRetainondelete()), dependsOn: req.getDependenciesList() };
    return register(req, callback);
  };
}

async function resolve(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) return new Promise((done) => (value as pulumi.Output<unknown>).apply((v) => done(v)));
  return value;
}

async function startRun(stack: StackName, options: { preview?: boolean; config?: Record<string, unknown> }): Promise<RecordingMocks> {
  const config = effectiveConfig(stack, options.config);
  const mocks = new RecordingMocks(options.preview ?? false, config["aws:region"] ?? testRegion, "ecommerce", stack);
  await pulumi.runtime.setMocks(mocks, "ecommerce", stack, options.preview ?? false);
  recordParents(mocks);
  pulumi.runtime.setAllConfig(config);
  return mocks;
}

/**
 * Runs `build` (which creates components) inside a mocked stack for `stack`'s config, for
 * tests of one component; returns everything registered.
 */
export async function runComponents(
  stack: StackName,
  build: (config: PlatformConfig) => void,
  options: { preview?: boolean; config?: Record<string, unknown> } = {},
): Promise<RecordingMocks> {
  const mocks = await startRun(stack, options);
  await pulumi.runtime.runInPulumiStack(async () => build(loadConfig()));
  await settings.waitForRPCs();
  return mocks;
}

/**
 * Runs index.ts for `stack` (Pulumi.yaml defaults + Pulumi.<stack>.yaml + overrides). In
 * preview mode computed outputs stay unknown and their exports resolve to undefined.
 */
export async function runProgram(stack: StackName, options: { preview?: boolean; config?: Record<string, unknown> } = {}): Promise<ProgramRun> {
  const mocks = await startRun(stack, options);
  const entry = path.join(repoRoot, "index.ts");
  delete require.cache[require.resolve(entry)];
  const program = await pulumi.runtime.runInPulumiStack(async () => require(entry));
  await settings.waitForRPCs();
  const outputs: Record<string, unknown> = {};
  if (!options.preview) for (const [name, value] of Object.entries(program ?? {})) outputs[name] = await resolve(value);
  return { mocks, resources: mocks.resources, outputs };
}
