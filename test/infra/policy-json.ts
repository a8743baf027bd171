// Reading IAM policy documents as the program deploys them.
export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export function statements(policy: string | Record<string, unknown>): Statement[] {
  const doc = typeof policy === "string" ? JSON.parse(policy) : policy;
  return doc.Statement;
}

export const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every Allow statement as action → resources, for exact comparisons. */
export function allowedActions(policy: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const s of statements(policy).filter((st) => st.Effect === "Allow")) {
    for (const action of list(s.Action)) result[action] = [...(result[action] ?? []), ...list(s.Resource)].sort();
  }
  return result;
}
