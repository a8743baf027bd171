// The hosted UI's Cognito domain prefix when the stack config names none: derived from the
// project, the stack and the account id, so it is unique and known before the user pool exists.
// CreateUserPoolDomain takes 1-63 characters of lower-case letters, digits and inner hyphens
// (Amazon Cognito API reference, CreateUserPoolDomain: Domain); the config check says so before
// the user pool is made, since the account id's length (12 digits) is all that is not yet known.

export const maxDomainPrefixLength = 63;
const domainPrefixPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** `<project>-<stack>-<account id>`, lower-cased, every character Cognito refuses made a hyphen. */
export function derivedDomainPrefix(project: string, stack: string, accountId: string): string {
  return `${project}-${stack}-${accountId}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
}

/** Why Cognito would refuse the prefix derived for this project and stack, or undefined. */
export function derivedDomainPrefixProblem(project: string, stack: string): string | undefined {
  const accountIdLength = 12;
  const prefix = derivedDomainPrefix(project, stack, "0".repeat(accountIdLength));
  const shown = `${prefix.slice(0, -accountIdLength)}<account id>`;
  if (prefix.length > maxDomainPrefixLength)
    return `the prefix derived from project, stack and account (${shown}) is ${prefix.length} characters; Cognito takes at most ${maxDomainPrefixLength}: set authDomainPrefix`;
  if (!domainPrefixPattern.test(prefix))
    return `the prefix derived from project, stack and account (${shown}) must start with a letter or digit: set authDomainPrefix`;
  return undefined;
}
