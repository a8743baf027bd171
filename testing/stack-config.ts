// Reads stack config as the Pulumi CLI would: the project's declared defaults, overlaid by
// Pulumi.<stack>.yaml. Values become the strings the language runtime receives.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { repoRoot } from "../components/lib/bundle";

export type StackName = "dev" | "prod";

/** YAML 1.1, as the CLI's go-yaml v2 reads it: an unquoted OFF, ON, yes or no is a boolean. */
function readYaml(file: string): any {
  return parse(fs.readFileSync(path.join(repoRoot, file), "utf8"), { version: "1.1" });
}

export function projectFile(): {
  name: string;
  config: Record<string, { type: string; description?: string; default?: unknown; items?: unknown }>;
} {
  return readYaml("Pulumi.yaml");
}

export function stackFile(stack: StackName): { config: Record<string, unknown> } {
  return readYaml(`Pulumi.${stack}.yaml`);
}

const asConfigString = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** "namespace:key" → string value, exactly what `pulumi up` hands the program. */
export function effectiveConfig(stack: StackName, overrides: Record<string, unknown> = {}): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, decl] of Object.entries(projectFile().config)) {
    if (decl.default !== undefined) result[key] = asConfigString(decl.default);
  }
  for (const [key, value] of Object.entries({ ...stackFile(stack).config, ...overrides })) {
    if (value === undefined) delete result[key];
    else result[key] = asConfigString(value);
  }
  return result;
}
