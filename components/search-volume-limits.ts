// What the search domain's gp3 EBS volume may be on each data node instance type: the
// OpenSearch Service developer guide's "EBS volume size quotas" table (Amazon OpenSearch Service
// quotas). CreateDomain refuses a size outside it, and an instance type with no gp3 volumes, only
// once the VPC, roles and log groups exist: the config check says so before anything is made.

const tib = 1024;

/** Largest gp3 volume per data node, in GiB, by instance type (the guide's "Maximum EBS size (gp3)"). */
export const gp3MaximumGib: Readonly<Record<string, number>> = {
  "t3.small.search": 100,
  "t3.medium.search": 200,
  "m5.large.search": 1 * tib,
  "m5.xlarge.search": 2 * tib,
  "m5.2xlarge.search": 3 * tib,
  "m5.4xlarge.search": 6 * tib,
  "m5.12xlarge.search": 18 * tib,
  "m6g.large.search": 1 * tib,
  "m6g.xlarge.search": 2 * tib,
  "m6g.2xlarge.search": 3 * tib,
  "m6g.4xlarge.search": 6 * tib,
  "m6g.8xlarge.search": 12 * tib,
  "m6g.12xlarge.search": 18 * tib,
  "m7g.medium.search": 512,
  "m7g.large.search": 768,
  "m7g.xlarge.search": 2 * tib,
  "m7g.2xlarge.search": 3 * tib,
  "m7g.4xlarge.search": 6 * tib,
  "m7g.8xlarge.search": 12 * tib,
  "m7g.12xlarge.search": 18 * tib,
  "m7g.16xlarge.search": 24 * tib,
  "m7i.large.search": 768,
  "m7i.xlarge.search": 2 * tib,
  "m7i.2xlarge.search": 3 * tib,
  "m7i.4xlarge.search": 6 * tib,
  "m7i.8xlarge.search": 12 * tib,
  "m7i.12xlarge.search": 18 * tib,
  "m7i.16xlarge.search": 24 * tib,
  "c5.large.search": 256,
  "c5.xlarge.search": 512,
  "c5.2xlarge.search": 1 * tib,
  "c5.4xlarge.search": 1.5 * tib,
  "c5.9xlarge.search": 3.5 * tib,
  "c5.18xlarge.search": 7 * tib,
  "c6g.large.search": 256,
  "c6g.xlarge.search": 512,
  "c6g.2xlarge.search": 1 * tib,
  "c6g.4xlarge.search": 1.5 * tib,
  "c6g.8xlarge.search": 3 * tib,
  "c6g.12xlarge.search": 4.5 * tib,
  "c7g.large.search": 256,
  "c7g.xlarge.search": 512,
  "c7g.2xlarge.search": 1 * tib,
  "c7g.4xlarge.search": 1.5 * tib,
  "c7g.8xlarge.search": 3 * tib,
  "c7g.12xlarge.search": 4.5 * tib,
  "c7g.16xlarge.search": 6 * tib,
  "c7i.large.search": 256,
  "c7i.xlarge.search": 512,
  "c7i.2xlarge.search": 1 * tib,
  "c7i.4xlarge.search": 1.5 * tib,
  "c7i.8xlarge.search": 3 * tib,
  "c7i.12xlarge.search": 4.5 * tib,
  "c7i.16xlarge.search": 6 * tib,
  "r5.large.search": 2 * tib,
  "r5.xlarge.search": 3 * tib,
  "r5.2xlarge.search": 6 * tib,
  "r5.4xlarge.search": 12 * tib,
  "r5.12xlarge.search": 24 * tib,
  "r6g.large.search": 2 * tib,
  "r6g.xlarge.search": 3 * tib,
  "r6g.2xlarge.search": 6 * tib,
  "r6g.4xlarge.search": 12 * tib,
  "r6g.8xlarge.search": 16 * tib,
  "r6g.12xlarge.search": 24 * tib,
  "r7g.medium.search": 768,
  "r7g.large.search": 1.5 * tib,
  "r7g.xlarge.search": 3 * tib,
  "r7g.2xlarge.search": 6 * tib,
  "r7g.4xlarge.search": 12 * tib,
  "r7g.8xlarge.search": 16 * tib,
  "r7g.12xlarge.search": 24 * tib,
  "r7g.16xlarge.search": 36 * tib,
  "r7i.large.search": 1.5 * tib,
  "r7i.xlarge.search": 3 * tib,
  "r7i.2xlarge.search": 6 * tib,
  "r7i.4xlarge.search": 12 * tib,
  "r7i.8xlarge.search": 16 * tib,
  "r7i.12xlarge.search": 24 * tib,
  "or1.medium.search": 768,
  "or1.large.search": 1532,
  "or1.xlarge.search": 3 * tib,
  "or1.2xlarge.search": 6 * tib,
  "or1.4xlarge.search": 12 * tib,
  "or1.8xlarge.search": 16 * tib,
  "or1.12xlarge.search": 24 * tib,
  "or1.16xlarge.search": 36 * tib,
  "or2.medium.search": 768,
  "or2.large.search": 1532,
  "or2.xlarge.search": 3 * tib,
  "or2.2xlarge.search": 6 * tib,
  "or2.4xlarge.search": 12 * tib,
  "or2.8xlarge.search": 16 * tib,
  "or2.12xlarge.search": 24 * tib,
  "or2.16xlarge.search": 36 * tib,
  "om2.large.search": 768,
  "om2.xlarge.search": 2 * tib,
  "om2.2xlarge.search": 3 * tib,
  "om2.4xlarge.search": 6 * tib,
  "om2.8xlarge.search": 12 * tib,
  "om2.12xlarge.search": 18 * tib,
  "om2.16xlarge.search": 24 * tib,
};

/** Families the guide lists with no gp3 size: previous generations (gp2 at most) and instance storage only. */
export const familiesWithoutGp3 = [
  "t2",
  "m3",
  "m4",
  "c4",
  "r3",
  "r4",
  "i2",
  "i3",
  "r6gd",
  "r7gd",
  "r8gd",
  "im4gn",
  "i4i",
  "i4g",
  "i7i",
  "i8g",
  "oi2",
] as const;

/** The OpenSearch optimized families start at 20 GiB; every other EBS type at 10 GiB. */
const minimumGib = (instanceType: string) => (/^(or1|or2|om2)\./.test(instanceType) ? 20 : 10);

/**
 * Why a gp3 volume of `volumeGb` GiB per node cannot be attached to `instanceType`, or undefined
 * when it can, or when the guide's table does not list the type (AWS then decides).
 */
export function searchVolumeProblem(
  instanceType: string,
  volumeGb: number,
): { key: "searchInstanceType" | "searchVolumeGb"; allowed: string } | undefined {
  const family = instanceType.split(".")[0];
  if ((familiesWithoutGp3 as readonly string[]).includes(family))
    return {
      key: "searchInstanceType",
      allowed: `${family} instances take no gp3 EBS volume (the search domain's data nodes use gp3): choose a current EBS type such as r6g.large.search`,
    };
  const maximum = gp3MaximumGib[instanceType];
  if (maximum === undefined) return undefined;
  const minimum = minimumGib(instanceType);
  if (volumeGb < minimum || volumeGb > maximum)
    return {
      key: "searchVolumeGb",
      allowed: `${instanceType} takes a gp3 volume of ${minimum} to ${maximum} GiB per node`,
    };
  return undefined;
}
