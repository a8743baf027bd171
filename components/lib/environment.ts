// A Lambda's `environment.variables`, built from its handler's contract: the component gives
// the variables the schema requires (a missing one does not compile), the contract adds the
// telemetry names, and every value already known at deploy time is checked with the same
// schema the handler parses it with, so a bad value fails the preview, not the cold start.
// The same checks run for callers the compiler cannot see through (a spread of a Record).
import type * as pulumi from "@pulumi/pulumi";
import type * as z from "../../handlers/lib/zod";
import {
  type EnvironmentVariables,
  type HandlerContract,
  runtimeVariables,
  telemetryVariables,
} from "../../handlers/lib/environment";

export function environmentFor<Schema extends z.ZodMiniObject>(
  contract: HandlerContract<Schema>,
  variables: EnvironmentVariables<Schema, pulumi.Input<string>>,
): Record<string, pulumi.Input<string>> {
  const shape = contract.environmentSchema.shape as Record<string, z.ZodMiniType>;
  const given = Object.entries(variables as Record<string, pulumi.Input<string> | undefined>).filter(
    (entry): entry is [string, pulumi.Input<string>] => entry[1] !== undefined,
  );
  const telemetry = telemetryVariables(contract);
  // Lambda sets the runtime variables and the contract the telemetry names: never the component.
  const suppliedElsewhere = (name: string) =>
    (runtimeVariables as readonly string[]).includes(name) || name in telemetry;
  const problems: string[] = [];
  for (const [name, value] of given) {
    if (!shape[name]) problems.push(`${name}: not a variable the handler reads`);
    else if (suppliedElsewhere(name)) problems.push(`${name}: set by Lambda or the contract, not by the component`);
    else if (typeof value === "string") {
      const parsed = shape[name].safeParse(value);
      if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => `${name}: ${issue.message}`));
    }
  }
  const givenNames = new Set(given.map(([name]) => name));
  for (const [name, schema] of Object.entries(shape)) {
    if (!givenNames.has(name) && !suppliedElsewhere(name) && !schema.safeParse(undefined).success)
      problems.push(`${name}: required, and not given`);
  }
  if (problems.length) throw new Error(`${contract.title} environment is invalid: ${problems.join("; ")}`);
  return { ...Object.fromEntries(given), ...telemetry };
}
