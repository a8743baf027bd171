// Runs the whole Pulumi program (index.ts) under mocks for a stack's config and returns every
// resource it registered, with inputs. Used by the infra and policy tests.
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { loadConfig, type PlatformConfig } from "../components/config";
import { repoRoot } from "../components/lib/bundle";
import { RecordingMocks, type RegisteredResource, testRegion } from "./mocks";
import { recordRegistrations } from "./registrations";
import { effectiveConfig, type StackName } from "./stack-config";

export type { RegisteredResource };

export interface ProgramRun {
  mocks: RecordingMocks;
  resources: RegisteredResource[];
  /** The program's exports (stack outputs), resolved. */
  outputs: Record<string, unknown>;
}

// biome-ignore lint/style/noCommonJs: an internal module of @pulumi/pulumi (the mock run's RPC wait), not in its typed exports
const settings = require("@pulumi/pulumi/runtime/settings");

async function resolve(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value))
    return new Promise((done) => (value as pulumi.Output<unknown>).apply((v) => done(v)));
  return value;
}

export interface RunOptions {
  preview?: boolean;
  config?: Record<string, unknown>;
  /** The AWS partition the mocked account lives in (default aws). */
  partition?: string;
}

/**
 * Runs `run` with no stack traces captured (Error.stackTraceLimit 0) unless TEST_STACK_TRACES=1.
 * Pulumi captures and formats a stack trace for every promise it creates (debuggablePromise),
 * read only by its promise-leak report; that was half the CPU of a whole-program run under
 * mocks. Errors keep their messages; their stacks are empty. The source positions Pulumi
 * records for each resource are unaffected (it lifts the limit for those itself).
 */
async function withoutStackTraces<T>(run: () => Promise<T>): Promise<T> {
  if (process.env.TEST_STACK_TRACES) return run();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return await run();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

async function startRun(stack: StackName, options: RunOptions): Promise<RecordingMocks> {
  const config = effectiveConfig(stack, options.config);
  const mocks = new RecordingMocks(
    options.preview ?? false,
    config["aws:region"] ?? testRegion,
    "ecommerce",
    stack,
    options.partition,
  );
  await pulumi.runtime.setMocks(mocks, "ecommerce", stack, options.preview ?? false);
  recordRegistrations(mocks);
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
  options: RunOptions = {},
): Promise<RecordingMocks> {
  return withoutStackTraces(async () => {
    const mocks = await startRun(stack, options);
    await pulumi.runtime.runInPulumiStack(async () => build(loadConfig()));
    await settings.waitForRPCs();
    return mocks;
  });
}

/**
 * Runs index.ts for `stack` (Pulumi.yaml defaults + Pulumi.<stack>.yaml + overrides). In
 * preview mode computed outputs stay unknown and their exports resolve to undefined.
 */
export function runProgram(stack: StackName, options: RunOptions = {}): Promise<ProgramRun> {
  return withoutStackTraces(async () => {
    const mocks = await startRun(stack, options);
    const entry = path.join(repoRoot, "index.ts");
    delete require.cache[require.resolve(entry)];
    // biome-ignore lint/style/noCommonJs: index.ts is the program: loaded afresh inside the mocked stack, as the CLI runs it
    const program = await pulumi.runtime.runInPulumiStack(async () => require(entry));
    await settings.waitForRPCs();
    const outputs: Record<string, unknown> = {};
    if (!options.preview)
      for (const [name, value] of Object.entries(program ?? {})) outputs[name] = await resolve(value);
    return { mocks, resources: mocks.resources, outputs };
  });
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

const sharedRuns = new Map<string, Promise<ProgramRun>>();

/**
 * One whole-program run per stack and options per process (a mocha worker runs many files):
 * the suites only read what the program registered, and a run takes seconds. A failed run is
 * not kept, so each caller sees the failure.
 */
export function sharedProgramRun(stack: StackName, options: RunOptions = {}): Promise<ProgramRun> {
  const key = JSON.stringify([stack, options.preview ?? false, options.partition ?? "aws", options.config ?? {}]);
  let run = sharedRuns.get(key);
  if (!run) {
    run = runProgram(stack, options).then((done) => {
      // Shared by every suite of the process: one that changed it would change the others' inputs.
      deepFreeze(done.resources);
      return done;
    });
    sharedRuns.set(key, run);
    run.catch(() => sharedRuns.delete(key));
  }
  return run;
}
