// Joining a side resource to the resource it configures. With @pulumi/aws v7 a bucket's
// public-access block, encryption, versioning, policy, ownership, logging and lifecycle are
// separate resources whose `bucket` input is the bucket's id; a queue policy names its queue by
// URL, a method setting its API by id. Those values are computed by AWS, so during preview (and
// under mocks in preview) they are unknown. The join therefore tries, in order:
//   1. property dependencies: the engine records which resources each input was built from
//      (`propertyDependencies.bucket` lists the Bucket), known in preview and update alike;
//   2. values: the side resource's input equals one of the target's identifiers (its id,
//      name, ARN, URL...), when both are known;
//   3. names: the side resource's logical name is the target's name plus "-<suffix>" (the
//      convention of our components, e.g. "storefront-site" → "storefront-site-encryption");
//      the longest matching target name wins.
// A side resource that none of these ties to a target configures nothing the rules can see.
import type { PolicyResource } from "@pulumi/policy";
import { peek } from "./props";

export type Identities = (target: PolicyResource) => unknown[];

export function joinTarget(
  side: PolicyResource,
  prop: string,
  targets: PolicyResource[],
  identities: Identities,
): PolicyResource | undefined {
  const fromDependencies = (side.propertyDependencies?.[prop] ?? []).filter((d) =>
    targets.some((t) => t.urn === d.urn),
  );
  if (fromDependencies.length > 0) return targets.find((t) => t.urn === fromDependencies[0].urn);

  const value = peek(() => side.props[prop]);
  if (value !== undefined && value !== null && value !== "") {
    const byValue = targets.find((t) => identities(t).some((id) => id !== undefined && id === value));
    if (byValue) return byValue;
  }

  const byName = targets
    .filter((t) => side.name.startsWith(`${t.name}-`))
    .sort((a, b) => b.name.length - a.name.length);
  return byName[0];
}

/** Every side resource of `sideTypes` joined to `target` through `prop`. */
export function sidesOf(
  target: PolicyResource,
  all: PolicyResource[],
  sideTypes: string[],
  prop: string,
  targets: PolicyResource[],
  identities: Identities,
): PolicyResource[] {
  return all.filter((r) => sideTypes.includes(r.type) && joinTarget(r, prop, targets, identities)?.urn === target.urn);
}

/** Identifiers a bucket is referred to by (id = bucket name for S3). */
export const bucketIdentities: Identities = (b) => [
  peek(() => b.props.id),
  peek(() => b.props.bucket),
  peek(() => b.props.arn),
];
