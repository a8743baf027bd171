// AWS's tag rules, shared by the stack config (aws:defaultTags), the components and the policy
// pack. The common denominator of the services this program tags (SQS and S3 are the
// strictest; e.g. the EFS, Backup and Service Quotas Tag API references): a key is 1-128
// characters, a value 0-256, both only Unicode letters, digits, whitespace and `_ . : / = + - @`,
// and neither may start with the reserved `aws:` prefix (any case).
export const maxTagKeyLength = 128;
export const maxTagValueLength = 256;
const tagCharacters = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const reservedPrefix = /^aws:/i;

/** What is wrong with one tag, or undefined if AWS accepts it. */
export function tagProblem(key: string, value: string): string | undefined {
  const problems: string[] = [];
  if (key.length < 1 || [...key].length > maxTagKeyLength)
    problems.push(`the key must be 1-${maxTagKeyLength} characters`);
  if (!tagCharacters.test(key)) problems.push("the key may hold only letters, digits, spaces and _ . : / = + - @");
  if (reservedPrefix.test(key)) problems.push("the key may not start with aws: (reserved)");
  if (typeof value !== "string") problems.push("the value must be a string");
  else {
    if ([...value].length > maxTagValueLength)
      problems.push(`the value must be at most ${maxTagValueLength} characters`);
    if (!tagCharacters.test(value))
      problems.push(
        "the value may hold only letters, digits, spaces and _ . : / = + - @ (tags carry slugs; prose belongs in a description)",
      );
    if (reservedPrefix.test(value)) problems.push("the value may not start with aws: (reserved)");
  }
  return problems.length > 0 ? problems.join("; ") : undefined;
}

/** Tags as Pulumi hands them over: a map (aws) or a list of { key, value } (aws-native). */
export function tagEntries(tags: unknown): [string, string][] {
  if (Array.isArray(tags)) return tags.filter((t) => t && typeof t === "object").map((t) => [String(t.key), t.value]);
  if (tags && typeof tags === "object") return Object.entries(tags as Record<string, string>);
  return [];
}

/** Every tag AWS would refuse, as "key=value: problem". */
export function tagProblems(tags: unknown): string[] {
  return tagEntries(tags).flatMap(([key, value]) => {
    const problem = tagProblem(key, value);
    return problem ? [`${key}=${JSON.stringify(value)}: ${problem}`] : [];
  });
}
