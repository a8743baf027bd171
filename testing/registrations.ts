// The one place that reads Pulumi's registration requests under mocks. The mock API hands
// `newResource` only type, name, inputs and provider; the parent, the dependencies and the
// resource options travel in the request the SDK sends the (mock) monitor. This wraps that
// monitor once per run. It leans on SDK internals (the MockMonitor class, the request's
// protobuf getters), so it checks each of them and fails with a clear error if a Pulumi
// release moves one, instead of recording nothing.

/** What the engine would know about a registration beyond its inputs. */
export interface RegistrationFacts {
  /** URN of the parent resource; undefined for the stack's direct children. */
  parent?: string;
  protect: boolean;
  retainOnDelete: boolean;
  /** URNs of every resource it depends on (`dependsOn` and the inputs' resources). */
  dependsOn: string[];
  /** Input property → URNs of the resources its value came from. */
  propertyDependencies: Record<string, string[]>;
  ignoreChanges: string[];
}

/** Receives the facts of each registration just before the mocks' `newResource` runs for it. */
export interface RegistrationSink {
  nextRegistration(type: string, name: string, facts: RegistrationFacts): void;
}

const pulumiVersion = (): string => {
  try {
    // biome-ignore lint/style/noCommonJs: the SDK's version, for the error message
    return require("@pulumi/pulumi/package.json").version;
  } catch {
    return "unknown";
  }
};

function internal<T>(load: () => T, what: string): T {
  let value: T;
  try {
    value = load();
  } catch (error) {
    throw new Error(
      `testing/registrations.ts: ${what} is gone in @pulumi/pulumi ${pulumiVersion()} (${(error as Error).message}); update the recorder`,
    );
  }
  if (value === undefined || value === null)
    throw new Error(
      `testing/registrations.ts: ${what} is gone in @pulumi/pulumi ${pulumiVersion()}; update the recorder`,
    );
  return value;
}

const requestGetters = [
  "getType",
  "getName",
  "getParent",
  "getProtect",
  "getRetainondelete",
  "getDependenciesList",
  "getPropertydependenciesMap",
  "getIgnorechangesList",
] as const;

// A protobuf RegisterResourceRequest from the SDK's generated code, untyped in its exports
type RegisterRequest = Record<(typeof requestGetters)[number], () => any>;

export function factsOf(req: RegisterRequest): RegistrationFacts {
  for (const getter of requestGetters) {
    if (typeof req[getter] !== "function") {
      throw new Error(
        `testing/registrations.ts: RegisterResourceRequest.${getter}() is gone in @pulumi/pulumi ${pulumiVersion()}; update the recorder`,
      );
    }
  }
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps: { getUrnsList(): string[] }, prop: string) => {
    propertyDependencies[prop] = deps.getUrnsList();
  });
  return {
    parent: req.getParent() || undefined,
    protect: Boolean(req.getProtect()),
    retainOnDelete: Boolean(req.getRetainondelete()),
    dependsOn: req.getDependenciesList(),
    propertyDependencies,
    ignoreChanges: req.getIgnorechangesList(),
  };
}

/**
 * Wraps the monitor `pulumi.runtime.setMocks` just installed so each registration's facts
 * reach `sink` before its `newResource` call. Call right after setMocks, once per run.
 */
export function recordRegistrations(sink: RegistrationSink): void {
  // biome-ignore lint/style/noCommonJs: an internal module of @pulumi/pulumi, not in its typed exports
  const settings = internal(() => require("@pulumi/pulumi/runtime/settings"), "runtime/settings");
  // biome-ignore lint/style/noCommonJs: an internal module of @pulumi/pulumi, not in its typed exports
  const { MockMonitor } = internal(() => require("@pulumi/pulumi/runtime/mocks"), "runtime/mocks");
  const monitor = internal(() => settings.getMonitor(), "settings.getMonitor()");
  if (!(monitor instanceof internal(() => MockMonitor, "MockMonitor"))) {
    throw new Error(
      `testing/registrations.ts: the monitor is not the SDK's MockMonitor in @pulumi/pulumi ${pulumiVersion()}; call after pulumi.runtime.setMocks`,
    );
  }
  const register = internal(() => monitor.registerResource, "MockMonitor.registerResource");
  if (typeof register !== "function")
    throw new Error("testing/registrations.ts: MockMonitor.registerResource is not a function; update the recorder");
  monitor.registerResource = (req: RegisterRequest, callback: unknown) => {
    sink.nextRegistration(req.getType(), req.getName(), factsOf(req));
    return register.call(monitor, req, callback);
  };
}
