// One IAM decision: an IamRequest made with a role's session, as the policy simulator
// (@cloud-copilot/iam-simulate, AGPL, a test-only dependency) evaluates it with the role's
// identity policies, the resource's own policy and the VPC endpoint policy on the way.
//
// Decisions are remembered by their whole input: the suite asks the same question many times
// (most roles have the same policies in the dev stack and its variants, so most of their
// probes repeat from one stack to the next), and the simulator is a pure function of what
// it is given, so the same input gets the verdict it got before.
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import * as path from "node:path";
import { accountId } from "../../testing/mocks";
import type { IamRequest, RoleModel } from "./iam-model";

/**
 * The simulator works out the resource type of every request's ARN twice (to choose the
 * policies' resource patterns and the context keys that apply) by intersecting pattern
 * automata: a third of its time here, for an answer that depends only on the service,
 * action and ARN, and every role probes the same ARNs. This remembers that answer. It wraps
 * a function of the package's internals (its module object, which the engine reads at each
 * call), so it checks it is there and fails clearly if a release moves it.
 */
function rememberResourceTypes(): void {
  const file = path.join(
    path.dirname(require.resolve("@cloud-copilot/iam-simulate")),
    "simulation_engine/resourceTypes.js",
  );
  let internals: {
    getResourceTypesForAction?: (service: string, action: string, resource: string) => Promise<unknown>;
  };
  try {
    // biome-ignore lint/style/noCommonJs: an internal module of the simulator, not in its exports map
    internals = require(file);
  } catch (error) {
    throw new Error(
      `test/infra/iam-simulation.ts: ${file} is gone (${(error as Error).message}); update or drop rememberResourceTypes`,
    );
  }
  const original = internals.getResourceTypesForAction;
  if (typeof original !== "function")
    throw new Error(
      "test/infra/iam-simulation.ts: the simulator's getResourceTypesForAction is gone; update or drop rememberResourceTypes",
    );
  const known = new Map<string, Promise<unknown>>();
  internals.getResourceTypesForAction = (service, action, resource) => {
    const key = `${service}\n${action}\n${resource}`;
    let types = known.get(key);
    if (!types) {
      types = original(service, action, resource);
      known.set(key, types);
      // A failure (an unknown action) is not kept: each caller sees it, as without the memo.
      types.catch(() => known.delete(key));
    }
    return types;
  };
}
rememberResourceTypes();

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied" | `invalid: ${string}`;

/** What the simulator is given for `request` made by a Lambda (or service) session of `role`. */
export function simulationOf(request: IamRequest, role: RoleModel): Simulation {
  const roleName = role.arn.split("/").pop();
  const resourceAccount = request.resource.split(":")[4] || accountId;
  return {
    request: {
      principal: `arn:${request.roleArn.split(":")[1]}:sts::${accountId}:assumed-role/${roleName}/session`,
      action: request.action,
      resource: { resource: request.resource, accountId: resourceAccount },
      contextVariables: request.context,
    },
    identityPolicies: role.identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
    vpcEndpointPolicies: request.vpcEndpointPolicies,
  };
}

/** The simulator's verdict on `simulation`, computed afresh. */
export async function simulate(simulation: Simulation): Promise<Decision> {
  const response = await runSimulation(simulation, {});
  if (response.resultType === "error") return `invalid: ${JSON.stringify(response.errors)}`;
  return response.overallResult as Decision;
}

/** JSON text of a policy list or document, once per object (a role's policies are one object for all its requests). */
const texts = new WeakMap<object, string>();
function textOf(value: object | undefined): string {
  if (value === undefined) return "";
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

/** The whole input, as text: every field of the simulation is in it. */
export function simulationKey(simulation: Simulation): string {
  const { request, identityPolicies, resourcePolicy, vpcEndpointPolicies, ...rest } = simulation;
  return [
    JSON.stringify(request),
    textOf(identityPolicies),
    textOf(resourcePolicy),
    textOf(vpcEndpointPolicies),
    JSON.stringify(rest),
  ].join("\n");
}

/** Verdicts by the text of their whole input. */
const decided = new Map<string, Promise<Decision>>();

/** The request as IAM sees a session of the role; an input decided before is answered from memory. */
export function decide(request: IamRequest, role: RoleModel): Promise<Decision> {
  const simulation = simulationOf(request, role);
  const key = simulationKey(simulation);
  let decision = decided.get(key);
  if (!decision) {
    decision = simulate(simulation);
    decided.set(key, decision);
  }
  return decision;
}

/** How many distinct inputs were simulated in this process (each once). */
export const simulatedInputs = () => decided.size;
