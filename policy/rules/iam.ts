// IAM: exact actions on exact resources, no privileged managed policies, trust policies that
// cannot be used as a confused deputy, nothing granted to IAM users.
import type { ResourceValidationArgs } from "@pulumi/policy";
import { resourceRule } from "../lib/define";
import { conditionKeys, isPublicPrincipal, isScoped, servicePrincipals, type Statement, statements } from "../lib/iam";
import { asArray, peek } from "../lib/props";
import type { PackPolicy } from "../lib/types";

/** Resources holding identity-based policy documents, and where the document is. */
function identityDocuments(props: Record<string, any>, args: ResourceValidationArgs): unknown[] {
  switch (args.type) {
    case "aws:iam/rolePolicy:RolePolicy":
    case "aws:iam/policy:Policy":
    case "aws:iam/userPolicy:UserPolicy":
    case "aws:iam/groupPolicy:GroupPolicy":
      return [peek(() => props.policy)];
    case "aws:iam/role:Role":
      return asArray(peek(() => props.inlinePolicies)).map((p: any) => peek(() => p?.policy));
    default:
      return [];
  }
}
const identityTypes = [
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/policy:Policy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
  "aws:iam/role:Role",
];
const allowStatements = (props: Record<string, any>, args: ResourceValidationArgs): Statement[] =>
  identityDocuments(props, args)
    .flatMap((d) => statements(d))
    .filter((s) => s.Effect === "Allow");

/**
 * Actions AWS does not let you scope to a resource, so "Resource": "*" is the only option.
 * `cloudwatch:PutMetricData` additionally needs a cloudwatch:namespace condition.
 */
/** A service trust may also be pinned by the external id the service passes (Firehose: the account id). */
const trustScoped = (s: Statement) => isScoped(s) || conditionKeys(s).includes("sts:externalid");

export const unscopableActions = [
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "cloudwatch:PutMetricData",
  "ec2:CreateNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
  // No resource type in the IAM service reference: authorized only on "*".
  "ec2:DescribeSubnets",
  "dynamodb:ListStreams",
];
const unscopableWithoutCondition = (s: Statement) =>
  s.Action.every((a) => unscopableActions.includes(a)) &&
  (!s.Action.includes("cloudwatch:PutMetricData") ||
    Object.values(s.Condition ?? {}).some((b) =>
      Object.keys(b ?? {}).some((k) => k.toLowerCase() === "cloudwatch:namespace"),
    ));

const managedPolicyArns = (props: Record<string, any>, args: ResourceValidationArgs): string[] => {
  if (args.type === "aws:iam/role:Role") return asArray(peek(() => props.managedPolicyArns));
  const arn = peek(() => props.policyArn);
  return typeof arn === "string" ? [arn] : [];
};
const attachmentTypes = [
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  "aws:iam/policyAttachment:PolicyAttachment",
  "aws:iam/role:Role",
];
const privilegedPolicy =
  /^arn:aws[a-z-]*:iam::aws:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess|.*FullAccess)$/;

export const iamRules: PackPolicy[] = [
  resourceRule({
    name: "iam-no-wildcard-actions",
    service: "iam",
    maps: "AwsSolutions-IAM5 / CKV_AWS_62 / CKV_AWS_63 / CKV_AWS_289",
    level: "mandatory",
    description: 'Identity policies allow exact actions: no "*", no "service:*", no NotAction.',
    remediation: "List the exact API actions the code calls (e.g. dynamodb:PutItem, dynamodb:GetItem).",
    types: identityTypes,
    validate: (props, args, report) => {
      for (const s of allowStatements(props, args)) {
        const wild = s.Action.filter((a) => a === "*" || /:\*$/.test(a));
        if (wild.length > 0) report(`Statement ${s.Sid ?? "(no Sid)"} allows ${wild.join(", ")}.`);
        if (s.NotAction.length > 0)
          report(`Statement ${s.Sid ?? "(no Sid)"} allows everything except ${s.NotAction.join(", ")}.`);
      }
    },
  }),
  resourceRule({
    name: "iam-no-wildcard-resources",
    service: "iam",
    maps: "AwsSolutions-IAM5 / CKV_AWS_355 / CKV_AWS_290",
    level: "mandatory",
    description: `Identity policies name exact resource ARNs; "Resource": "*" only for actions AWS cannot scope (${unscopableActions.join(", ")}; PutMetricData with a cloudwatch:namespace condition).`,
    remediation:
      'Replace "*" with the ARNs of the table, stream, queue, key... the code uses (`${arn}/index/*` for indexes).',
    types: identityTypes,
    validate: (props, args, report) => {
      for (const s of allowStatements(props, args)) {
        const everything = s.Resource.includes("*") || s.NotResource.length > 0;
        if (everything && !unscopableWithoutCondition(s))
          report(`Statement ${s.Sid ?? "(no Sid)"} allows ${s.Action.join(", ")} on every resource.`);
      }
    },
  }),
  resourceRule({
    name: "iam-no-privileged-managed-policies",
    service: "iam",
    maps: "CKV_AWS_274",
    level: "mandatory",
    description:
      "No role, user or group gets AdministratorAccess, PowerUserAccess, IAMFullAccess or any AWS *FullAccess policy.",
    remediation: "Write an inline policy with the exact actions and resources needed.",
    types: attachmentTypes,
    validate: (props, args, report) => {
      for (const arn of managedPolicyArns(props, args))
        if (privilegedPolicy.test(arn)) report(`${arn} grants far more than any workload needs.`);
    },
  }),
  resourceRule({
    name: "iam-aws-managed-policies",
    service: "iam",
    maps: "AwsSolutions-IAM4",
    level: "advisory",
    description: "Roles use policies the stack writes rather than AWS managed policies (which AWS may widen).",
    remediation:
      "The service-role policies used (Lambda VPC access, API Gateway CloudWatch push) are narrow and AWS-maintained; replace them with inline equivalents if IAM4 must pass.",
    types: attachmentTypes,
    validate: (props, args, report) => {
      for (const arn of managedPolicyArns(props, args))
        if (/^arn:aws[a-z-]*:iam::aws:policy\//.test(arn))
          report(`Attaches the AWS managed policy ${arn.split("/").pop()}.`);
    },
  }),
  resourceRule({
    name: "iam-trust-policy-scoped",
    service: "iam",
    maps: "CKV_AWS_60 / CKV_AWS_61",
    level: "mandatory",
    description:
      'Role trust policies never trust "*" and pin service principals to this account or the acting resource (aws:SourceAccount / aws:SourceArn).',
    remediation:
      "Use serviceTrustPolicy(service, accountId) (or the service's documented trust: firehoseTrustPolicy) from components/lib/iam.ts.",
    types: ["aws:iam/role:Role"],
    validate: (props, _args, report) => {
      for (const s of statements(peek(() => props.assumeRolePolicy)).filter((st) => st.Effect === "Allow")) {
        if (isPublicPrincipal(s) && !isScoped(s)) report("The trust policy lets any principal assume the role.");
        const services = servicePrincipals(s);
        if (services.length > 0 && !trustScoped(s))
          report(
            `${services.join(", ")} may assume the role for any account (no aws:SourceAccount, aws:SourceArn or sts:ExternalId condition).`,
          );
      }
    },
  }),
  resourceRule({
    name: "iam-no-user-policies",
    service: "iam",
    maps: "CKV_AWS_40",
    level: "mandatory",
    description: "Permissions go to roles (or groups), never directly to IAM users.",
    remediation: "Grant the permission to a role the workload assumes.",
    types: [
      "aws:iam/userPolicy:UserPolicy",
      "aws:iam/userPolicyAttachment:UserPolicyAttachment",
      "aws:iam/policyAttachment:PolicyAttachment",
    ],
    validate: (props, args, report) => {
      if (args.type === "aws:iam/policyAttachment:PolicyAttachment" && asArray(peek(() => props.users)).length === 0)
        return;
      report("A policy is attached directly to an IAM user.");
    },
  }),
];
