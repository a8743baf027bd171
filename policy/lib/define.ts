// Factories for the pack's rules. Each rule filters to its resource types, carries its
// cdk-nag / checkov counterpart in the description and tags, and drops violations that the
// pack's config suppresses (policy config `suppressions: [{ resource, detail?, reason }]`,
// see ../suppressions.ts), so the same suppressions apply under the Pulumi CLI and offline.
import type { PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import type { PackResourcePolicy, PackStackPolicy, Service } from "./types";

export interface Suppression {
  /** Resource name (the Pulumi logical name) or full URN. */
  resource: string;
  /** Only violations whose message contains this text (e.g. one API route); default all. */
  detail?: string;
  reason: string;
}

const suppressionSchema = {
  properties: {
    suppressions: {
      type: "array" as const,
      items: {
        type: "object" as const,
        properties: {
          resource: { type: "string" as const },
          detail: { type: "string" as const },
          reason: { type: "string" as const, minLength: 1 },
        },
        required: ["resource", "reason"],
      },
      default: [],
    },
  },
};

const nameOfUrn = (urn: string) => urn.split("::").pop() ?? urn;

export function isSuppressed(suppressions: Suppression[] | undefined, urn: string, message: string): boolean {
  return (suppressions ?? []).some(
    (s) =>
      (s.resource === urn || s.resource === nameOfUrn(urn)) && (s.detail === undefined || message.includes(s.detail)),
  );
}

interface Common {
  name: string;
  service: Service;
  maps: string;
  level: "mandatory" | "advisory";
  description: string;
  /** Why the rule exists and how to fix a violation (shown by the CLI and the reporter). */
  remediation: string;
}

function metadata(c: Common) {
  const counterparts = c.maps
    .split("/")
    .map((m) => m.trim())
    .filter((m) => /^(AwsSolutions|CKV|NIST|HIPAA|PCI)/.test(m));
  return {
    name: c.name,
    service: c.service,
    maps: c.maps,
    enforcementLevel: c.level,
    description: `${c.description} [${c.maps}]`,
    remediationSteps: c.remediation,
    tags: [c.service, ...counterparts],
    configSchema: suppressionSchema,
  };
}

export interface ResourceRuleSpec extends Common {
  /** Resource type tokens the rule judges, e.g. "aws:sqs/queue:Queue"; "*" for every resource. */
  types: string[];
  validate: (props: Record<string, any>, args: ResourceValidationArgs, report: (message: string) => void) => void;
}

export function resourceRule(spec: ResourceRuleSpec): PackResourcePolicy {
  return {
    ...metadata(spec),
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      if (!spec.types.includes("*") && !spec.types.includes(args.type)) return;
      const { suppressions } = args.getConfig<{ suppressions?: Suppression[] }>();
      spec.validate(args.props, args, (message) => {
        if (!isSuppressed(suppressions, args.urn, message)) reportViolation(message);
      });
    },
  };
}

export interface StackRuleSpec extends Common {
  validate: (
    resources: PolicyResource[],
    args: StackValidationArgs,
    report: (resource: PolicyResource, message: string) => void,
  ) => void;
}

export function stackRule(spec: StackRuleSpec): PackStackPolicy {
  return {
    ...metadata(spec),
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const { suppressions } = args.getConfig<{ suppressions?: Suppression[] }>();
      spec.validate(args.resources, args, (resource, message) => {
        if (!isSuppressed(suppressions, resource.urn, message)) reportViolation(message, resource.urn);
      });
    },
  };
}

export const ofType = (resources: PolicyResource[], ...types: string[]) =>
  resources.filter((r) => types.includes(r.type));
