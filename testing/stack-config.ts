// Reads stack config as the Pulumi CLI would: the project's declared defaults, overlaid by
// Pulumi.<stack>.yaml. Values become the strings the language runtime receives.
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { repoRoot } from "../components/lib/bundle";

export type StackName = "dev" | "prod";

/** The last parse of each file, with the text it was parsed from (a suite reads them for every run). */
const parsed = new Map<string, { text: string; value: any }>();

/** YAML 1.1, as the CLI's go-yaml v2 reads it: an unquoted OFF, ON, yes or no is a boolean. */
function readYaml(file: string): any {
  const text = fs.readFileSync(path.join(repoRoot, file), "utf8");
  const known = parsed.get(file);
  if (known?.text === text) return known.value;
  const value = parse(text, { version: "1.1" });
  parsed.set(file, { text, value });
  return value;
}

type ProjectFile = {
  name: string;
  config: Record<string, { type: string; description?: string; default?: unknown; items?: unknown }>;
};
type StackFile = { config: Record<string, unknown> };

/** Pulumi.yaml, parsed (a copy: the caller may change it). */
export function projectFile(): ProjectFile {
  return structuredClone(readYaml("Pulumi.yaml"));
}

/** Pulumi.<stack>.yaml, parsed (a copy: the caller may change it). */
export function stackFile(stack: StackName): StackFile {
  return structuredClone(readYaml(`Pulumi.${stack}.yaml`));
}

const asConfigString = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** "namespace:key" → string value, exactly what `pulumi up` hands the program. */
export function effectiveConfig(stack: StackName, overrides: Record<string, unknown> = {}): Record<string, string> {
  const result: Record<string, string> = {};
  const project: ProjectFile = readYaml("Pulumi.yaml");
  const stackConfig: StackFile = readYaml(`Pulumi.${stack}.yaml`);
  for (const [key, decl] of Object.entries(project.config)) {
    if (decl.default !== undefined) result[key] = asConfigString(decl.default);
  }
  for (const [key, value] of Object.entries({ ...stackConfig.config, ...overrides })) {
    if (value === undefined) delete result[key];
    else result[key] = asConfigString(value);
  }
  return result;
}
