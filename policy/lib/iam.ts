// IAM policy documents as the rules see them: statements normalised to arrays, principals and
// conditions readable, whether the document came as a JSON string or an object.
import type { PolicyResource } from "@pulumi/policy";
import { type Identities, joinTarget } from "./join";
import { asArray, isUnknown, parseMaybeJson, peek } from "./props";

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  NotAction: string[];
  Resource: string[];
  NotResource: string[];
  Principal?: "*" | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of a policy document; [] if it is absent or not a document. */
export function statements(document: unknown): Statement[] {
  // A document assembled from computed values may hold unknowns in preview: judge it later.
  return peek(() => parse(document)) ?? [];
}

function parse(document: unknown): Statement[] {
  const doc = parseMaybeJson(document);
  if (!doc || typeof doc !== "object") return [];
  return asArray(doc.Statement).map((s: any) => ({
    Sid: s.Sid,
    Effect: s.Effect === "Deny" ? "Deny" : "Allow",
    Action: asArray(s.Action),
    NotAction: asArray(s.NotAction),
    Resource: asArray(s.Resource),
    NotResource: asArray(s.NotResource),
    Principal: s.Principal,
    Condition: s.Condition,
  }));
}

/** Identifiers of every principal of a statement, e.g. ["*"] or ["lambda.amazonaws.com"]. */
export function principalIds(s: Statement): string[] {
  if (s.Principal === undefined) return [];
  if (s.Principal === "*") return ["*"];
  return Object.values(s.Principal).flatMap((v) => asArray(v as string | string[]));
}

export const isPublicPrincipal = (s: Statement) => principalIds(s).includes("*");

export const servicePrincipals = (s: Statement): string[] =>
  s.Principal && s.Principal !== "*" ? asArray((s.Principal as Record<string, string | string[]>).Service) : [];

/** Condition keys (lower-cased) the statement constrains, whatever the operator. */
export function conditionKeys(s: Statement): string[] {
  return Object.values(s.Condition ?? {}).flatMap((block) => Object.keys(block ?? {}).map((k) => k.toLowerCase()));
}

/** Keys that pin a public principal to this account, an organisation or one source. */
export const scopingConditionKeys = [
  "aws:sourcearn",
  "aws:sourceaccount",
  "aws:sourceowner",
  "aws:principalaccount",
  "aws:principalorgid",
  "aws:sourcevpce",
  "aws:sourcevpc",
  "aws:principalarn",
  "kms:calleraccount",
  "kms:viaservice",
];

export const isScoped = (s: Statement) => conditionKeys(s).some((k) => scopingConditionKeys.includes(k));

/** A Deny, for everyone, of `actions` (e.g. ["s3:*"]; "*" always counts) when not over TLS. */
export function deniesInsecureTransport(document: unknown, actions: string[]): boolean {
  const covered = ["*", ...actions.map((a) => a.toLowerCase())];
  return statements(document).some(
    (s) =>
      s.Effect === "Deny" &&
      isPublicPrincipal(s) &&
      s.Action.some((a) => covered.includes(a.toLowerCase())) &&
      Object.entries(s.Condition ?? {}).some(
        ([op, block]) =>
          op === "Bool" &&
          Object.entries(block ?? {}).some(
            ([k, v]) => k.toLowerCase() === "aws:securetransport" && String(v) === "false",
          ),
      ),
  );
}

/**
 * The resources of `targetType` (queues, topics) none of whose policies denies `actions` without
 * TLS: their policy resources of `policyType` (joined through `prop`) and their own `policy`.
 * A target with a policy document unknown in preview is judged after the update.
 */
export function acceptingInsecureTransport(
  resources: PolicyResource[],
  targetType: string,
  policyType: string,
  prop: string,
  identities: Identities,
  actions: string[],
): PolicyResource[] {
  const targets = resources.filter((r) => r.type === targetType);
  const policies = resources.filter((r) => r.type === policyType);
  return targets.filter((target) => {
    const mine = policies.filter((p) => joinTarget(p, prop, targets, identities)?.urn === target.urn);
    if (mine.some((p) => isUnknown(() => p.props.policy))) return false;
    const documents = [...mine.map((p) => peek(() => p.props.policy)), peek(() => target.props.policy)];
    return !documents.some((d) => deniesInsecureTransport(d, actions));
  });
}
