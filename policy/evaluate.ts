// Runs the pack offline, the way the CrossGuard analyzer does under `pulumi preview`: each
// resource policy over every resource's inputs, each stack policy over all resources' outputs
// with their parents and (property) dependencies; values unknown in preview become the
// analyzer's unknown sentinels (touching one makes that policy "not runnable in preview",
// reported as advisory); enforcement levels and suppressions come from the pack config.
// Used by the tests and by `npm run policy`.
import type { PolicyPackConfig, PolicyResource, PolicyResourceOptions, ResourceValidationArgs } from "@pulumi/policy";
import { unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";
import { packName, policies as packPolicies } from "./policies";
import { isStackPolicy, type PackPolicy } from "./lib/types";
import { suppressionConfig } from "./suppressions";

/** A resource as the engine registers it. */
export interface AnalyzerResource {
  type: string;
  name: string;
  urn: string;
  /** What validateResource sees. Unknown values: any object with `__pulumiUnknown: true`. */
  inputs: Record<string, any>;
  /** What validateStack sees; the inputs when absent (as in preview). */
  outputs?: Record<string, any>;
  protect?: boolean;
  /** URN of the parent. */
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  /** URN of the provider resource (itself in the list). */
  provider?: string;
}

export interface Finding {
  policy: string;
  service: string;
  maps: string;
  level: "mandatory" | "advisory";
  message: string;
  urn?: string;
  /** Set when a suppression in the pack config drops this finding: its reason. */
  suppressedBecause?: string;
  /** The policy could not run because it read a value unknown in preview. */
  unknownInPreview?: boolean;
}

// The analyzer's sentinel for a string unknown in preview (internal to @pulumi/policy, not typed).
// biome-ignore lint/style/noCommonJs: an internal module of @pulumi/policy, not in its typed exports
const { unknownStringValue } = require("@pulumi/policy/proxy") as { unknownStringValue: string };

/** Marks a value as unknown (computed, not known in preview) in hand-written test resources. */
export const unknown = Object.freeze({ __pulumiUnknown: true });

const isUnknownMarker = (v: any) => v !== null && typeof v === "object" && v.__pulumiUnknown === true;

/**
 * Deep copy with unknown markers replaced by the analyzer's sentinel: a fresh copy for each
 * policy, as the analyzer deserializes the properties for each. Loops rather than
 * Object.entries/fromEntries: it copies every resource once per policy, the most of the pack's time.
 */
function toAnalyzerValue(value: any): any {
  if (value === null || typeof value !== "object") return value;
  if (isUnknownMarker(value)) return unknownStringValue;
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = toAnalyzerValue(value[i]);
    return copy;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy: Record<string, any> = {};
  for (const key of Object.keys(value)) {
    // An own "__proto__" key stays a key (as Object.fromEntries makes it), never the prototype.
    if (key === "__proto__")
      Object.defineProperty(copy, key, {
        value: toAnalyzerValue(value[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else copy[key] = toAnalyzerValue(value[key]);
  }
  return copy;
}

const typeOf = (resourceClass: any) => resourceClass?.__pulumiType;

function options(r: AnalyzerResource): PolicyResourceOptions {
  return {
    protect: r.protect ?? false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    parent: r.parent,
  };
}

export interface AnalyzeOptions {
  policies?: PackPolicy[];
  /** The pack config (enforcement levels, suppressions); default: this pack's. */
  config?: PolicyPackConfig;
  stackTags?: Map<string, string>;
}

function levelOf(policy: PackPolicy, config: PolicyPackConfig): "mandatory" | "advisory" | "disabled" {
  const entry = config[policy.name];
  const configured = typeof entry === "string" ? entry : entry?.enforcementLevel;
  const level = configured ?? policy.enforcementLevel ?? "advisory";
  return level === "remediate" ? "mandatory" : level;
}

function configOf(policy: PackPolicy, config: PolicyPackConfig): Record<string, any> {
  const entry = config[policy.name];
  if (!entry || typeof entry === "string") return {};
  const { enforcementLevel: _level, ...properties } = entry;
  return properties;
}

async function run(
  resources: AnalyzerResource[],
  policies: PackPolicy[],
  config: PolicyPackConfig,
  stackTags: Map<string, string>,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const providerOf = (r: AnalyzerResource) => {
    const p = r.provider ? byUrn.get(r.provider) : undefined;
    return p ? { type: p.type, name: p.name, urn: p.urn, props: toAnalyzerValue(p.inputs) } : undefined;
  };

  // Stack view: outputs, parents and dependencies resolved to the resource objects.
  const stackResources = new Map<string, PolicyResource>();
  for (const r of resources) {
    const props = unknownCheckingProxy(toAnalyzerValue(r.outputs ?? r.inputs));
    stackResources.set(r.urn, {
      type: r.type,
      name: r.name,
      urn: r.urn,
      props,
      opts: options(r),
      provider: providerOf(r),
      dependencies: [],
      propertyDependencies: {},
      isType: (c: any) => typeOf(c) === r.type,
      asType: (c: any) => (typeOf(c) === r.type ? props : undefined),
    } as PolicyResource);
  }
  for (const r of resources) {
    const resource = stackResources.get(r.urn)!;
    const resolve = (urns: string[] = []) =>
      urns.map((u) => stackResources.get(u)).filter((x): x is PolicyResource => Boolean(x));
    if (r.parent && stackResources.has(r.parent)) resource.parent = stackResources.get(r.parent);
    resource.dependencies = resolve(r.dependencies);
    for (const [prop, urns] of Object.entries(r.propertyDependencies ?? {}))
      resource.propertyDependencies[prop] = resolve(urns);
  }

  for (const policy of policies) {
    const level = levelOf(policy, config);
    if (level === "disabled") continue;
    const finding = (message: string, urn?: string, unknownInPreview = false): Finding => ({
      policy: policy.name,
      service: policy.service,
      maps: policy.maps,
      level: unknownInPreview ? "advisory" : level,
      message,
      urn,
      ...(unknownInPreview ? { unknownInPreview } : {}),
    });
    const getConfig = <T extends object>() => configOf(policy, config) as T;
    const notApplicable = (): never => {
      throw new NotApplicable();
    };
    const guarded = async (urn: string | undefined, body: () => Promise<void> | void) => {
      try {
        await body();
      } catch (e) {
        if (e instanceof UnknownValueError)
          findings.push(
            finding(
              `can't run policy '${policy.name}' from policy pack '${packName}' during preview: ${(e as Error).message}`,
              urn,
              true,
            ),
          );
        else if (!(e instanceof NotApplicable))
          throw new Error(
            `Policy ${policy.name} failed${urn ? ` on ${urn}` : ""}: ${e instanceof Error ? e.stack : String(e)}`,
          );
      }
    };

    if (isStackPolicy(policy)) {
      await guarded(undefined, () =>
        policy.validateStack(
          { resources: [...stackResources.values()], stackTags, getConfig, notApplicable },
          (message, urn) => findings.push(finding(message, urn)),
        ),
      );
      continue;
    }
    const validations = policy.validateResource
      ? Array.isArray(policy.validateResource)
        ? policy.validateResource
        : [policy.validateResource]
      : [];
    for (const r of resources) {
      for (const validate of validations) {
        await guarded(r.urn, () => {
          const props = unknownCheckingProxy(toAnalyzerValue(r.inputs));
          const args: ResourceValidationArgs = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: options(r),
            provider: providerOf(r),
            stackTags,
            isType: (c: any) => typeOf(c) === r.type,
            asType: ((c: any) => (typeOf(c) === r.type ? props : undefined)) as ResourceValidationArgs["asType"],
            getConfig,
            notApplicable,
          };
          return validate(args, (message) => findings.push(finding(message, r.urn)));
        });
      }
    }
  }
  return findings;
}

class NotApplicable extends Error {}

const key = (f: Finding) => `${f.policy}\u0000${f.urn ?? ""}\u0000${f.message}`;

/**
 * Every finding of the pack over `resources`, including the ones a suppression drops (marked
 * with `suppressedBecause`): the pack runs once as configured and once without suppressions.
 */
export async function analyze(resources: AnalyzerResource[], options: AnalyzeOptions = {}): Promise<Finding[]> {
  const policies = options.policies ?? packPolicies;
  const config = options.config ?? suppressionConfig();
  const stackTags = options.stackTags ?? new Map();
  const effective = await run(resources, policies, config, stackTags);
  const unsuppressedConfig = Object.fromEntries(
    Object.entries(config).map(([name, entry]) => [
      name,
      typeof entry === "string" ? entry : { ...entry, suppressions: [] },
    ]),
  );
  const raw = await run(resources, policies, unsuppressedConfig, stackTags);
  const kept = new Set(effective.map(key));
  const suppressed = raw
    .filter((f) => !kept.has(key(f)))
    .map((f) => {
      const entry = config[f.policy];
      const list: { resource: string; detail?: string; reason: string }[] =
        typeof entry === "object" ? (entry.suppressions ?? []) : [];
      const name = f.urn?.split("::").pop();
      const match = list.find(
        (s) =>
          (s.resource === f.urn || s.resource === name) && (s.detail === undefined || f.message.includes(s.detail)),
      );
      return { ...f, suppressedBecause: match?.reason ?? "suppressed by the pack config" };
    });
  return [...effective, ...suppressed];
}

/** Findings that block a deployment: mandatory and not suppressed. */
export const blocking = (findings: Finding[]) =>
  findings.filter((f) => f.level === "mandatory" && !f.suppressedBecause);
