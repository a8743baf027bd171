// Which stage a resource belongs to. Some rules only bind in production (deletion protection,
// highly available search, year-long log retention). The stage is the `stage` default tag of
// the resource's provider (every stack sets it, DESIGN.md), else the stack name in the URN.
import { parseMaybeJson, peek } from "./props";

export const productionStages = ["prod"];

interface Located {
  urn: string;
  provider?: { props: Record<string, any> };
}

export function stageOf(resource: Located): string {
  const tags = peek(() => parseMaybeJson(resource.provider?.props?.defaultTags)?.tags?.stage);
  if (typeof tags === "string" && tags) return tags;
  return resource.urn.split("::")[0].replace(/^urn:pulumi:/, "");
}

export const isProduction = (resource: Located) => productionStages.includes(stageOf(resource));
