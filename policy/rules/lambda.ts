// Lambda functions: a current runtime, X-Ray tracing, no secrets in the environment, their own
// log group with retention, permissions for AWS services pinned to the calling resource, and
// no unauthenticated function URLs.
import type { PolicyResource } from "@pulumi/policy";
import { ofType, resourceRule, stackRule } from "../lib/define";
import { peek, present } from "../lib/props";
import type { PackPolicy } from "../lib/types";

const fn = ["aws:lambda/function:Function"];
const logGroupType = "aws:cloudwatch/logGroup:LogGroup";

/** The latest runtime of each language family (AwsSolutions-L1); older ones are refused. */
export const currentRuntimes = [
  "nodejs22.x",
  "nodejs24.x",
  "python3.13",
  "python3.14",
  "java21",
  "java25",
  "dotnet8",
  "dotnet10",
  "ruby3.4",
  "provided.al2023",
];

const secretName = /(secret|passw(or)?d|private_?key|api_?key|access_?key|token|credential)/i;
/** Values that reference a secret rather than hold one. */
const referenceValue = /^(arn:|https?:\/\/|\/|[A-Za-z0-9_-]*(_|-)(arn|name|id|table|queue|stream)$)/i;
const secretValue = [
  /AKIA[0-9A-Z]{16}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bgh[pousr]_[A-Za-z0-9]{36}\b/,
  /\bxox[abp]-[A-Za-z0-9-]{10,}/,
];

/** The log group a function writes to: its loggingConfig.logGroup, else /aws/lambda/<name>. */
function logGroupOf(f: PolicyResource, groups: PolicyResource[]): PolicyResource | undefined {
  const fromDependencies = (f.propertyDependencies?.loggingConfig ?? []).find((d) => d.type === logGroupType);
  if (fromDependencies) return groups.find((g) => g.urn === fromDependencies.urn);
  const configured = peek(() => f.props.loggingConfig?.logGroup);
  const name = configured ?? (peek(() => f.props.name) ? `/aws/lambda/${peek(() => f.props.name)}` : undefined);
  return name === undefined ? undefined : groups.find((g) => peek(() => g.props.name) === name);
}

export const lambdaRules: PackPolicy[] = [
  resourceRule({
    name: "lambda-current-runtime",
    service: "lambda",
    maps: "AwsSolutions-L1 / CKV_AWS_363",
    level: "mandatory",
    description: `Functions use the latest runtime of their language (${currentRuntimes.join(", ")}).`,
    remediation:
      "Set runtime to nodejs22.x (lib/function.ts lambdaRuntime) or the latest runtime of the function's language.",
    types: fn,
    validate: (props, _args, report) => {
      if (props.packageType === "Image") return;
      if (!currentRuntimes.includes(props.runtime))
        report(`Runtime ${props.runtime ?? "(none)"} is not a current runtime.`);
    },
  }),
  resourceRule({
    name: "lambda-xray-tracing",
    service: "lambda",
    maps: "CKV_AWS_50",
    level: "mandatory",
    description: "Functions trace with X-Ray (tracingConfig.mode Active).",
    remediation: 'Set tracingConfig: { mode: "Active" } (BundledFunction does).',
    types: fn,
    validate: (props, _args, report) => {
      if (props.tracingConfig?.mode !== "Active")
        report(`Tracing mode is ${props.tracingConfig?.mode ?? "PassThrough"}.`);
    },
  }),
  resourceRule({
    name: "lambda-no-secrets-in-environment",
    service: "lambda",
    maps: "CKV_AWS_45",
    level: "mandatory",
    description:
      "Function environment variables hold no secrets (keys, passwords, tokens); they are readable by anyone who can read the function's configuration.",
    remediation:
      "Store the secret in Secrets Manager or SSM SecureString, pass its ARN or name, and read it at run time.",
    types: fn,
    validate: (props, _args, report) => {
      const variables: Record<string, unknown> = peek(() => props.environment?.variables) ?? {};
      for (const [name, raw] of Object.entries(variables)) {
        const value = peek(() => raw);
        if (typeof value !== "string" || value === "") continue;
        if (secretValue.some((re) => re.test(value)))
          report(`Environment variable ${name} holds what looks like a credential.`);
        else if (secretName.test(name) && !referenceValue.test(value))
          report(`Environment variable ${name} looks like a secret passed in plain text.`);
      }
    },
  }),
  stackRule({
    name: "lambda-log-retention",
    service: "lambda",
    maps: "CKV_AWS_66 / CKV_AWS_338 (applied to each function's log group)",
    level: "mandatory",
    description:
      "Every function writes to a log group the stack manages, with a retention period (the implicit /aws/lambda group never expires).",
    remediation:
      "Create an aws.cloudwatch.LogGroup with retentionInDays and point loggingConfig.logGroup at it (BundledFunction does).",
    validate: (resources, _args, report) => {
      const groups = ofType(resources, logGroupType);
      for (const f of ofType(resources, ...fn)) {
        const group = logGroupOf(f, groups);
        if (!group) report(f, `Function ${f.name} logs to a log group the stack does not manage (no retention).`);
        else if (!(peek(() => group.props.retentionInDays) > 0))
          report(f, `Function ${f.name}'s log group ${group.name} never expires.`);
      }
    },
  }),
  resourceRule({
    name: "lambda-permission-source",
    service: "lambda",
    maps: "CKV_AWS_364",
    level: "mandatory",
    description:
      'Permissions letting an AWS service invoke a function name the source (sourceArn, or sourceAccount for S3/SES); none is granted to "*".',
    remediation:
      "Set sourceArn to the exact calling resource (e.g. the API's execute-api ARN for the route) and sourceAccount.",
    types: ["aws:lambda/permission:Permission"],
    validate: (props, _args, report) => {
      const principal = peek(() => props.principal);
      if (principal === "*") return report("The function may be invoked by any principal.");
      if (typeof principal === "string" && principal.endsWith(".amazonaws.com")) {
        const accountOnly = ["s3.amazonaws.com", "ses.amazonaws.com"].includes(principal);
        const scoped = present(() => props.sourceArn) || (accountOnly && present(() => props.sourceAccount));
        if (!scoped) report(`${principal} may invoke the function on behalf of any resource (no sourceArn).`);
      }
    },
  }),
  resourceRule({
    name: "lambda-function-url-auth",
    service: "lambda",
    maps: "CKV_AWS_258",
    level: "mandatory",
    description: "Function URLs require IAM authentication.",
    remediation: 'Set authorizationType "AWS_IAM", or expose the function through API Gateway with an authorizer.',
    types: ["aws:lambda/functionUrl:FunctionUrl"],
    validate: (props, _args, report) => {
      if (props.authorizationType !== "AWS_IAM")
        report(`The function URL's authorization type is ${props.authorizationType}.`);
    },
  }),
  resourceRule({
    name: "lambda-reserved-concurrency",
    service: "lambda",
    maps: "CKV_AWS_115",
    level: "advisory",
    description:
      "Functions set a concurrency limit, so one function cannot starve the account pool or flood its downstream.",
    remediation: "Set reservedConcurrentExecutions where a downstream has a fixed capacity (OpenSearch, Personalize).",
    types: fn,
    validate: (props, _args, report) => {
      const reserved = peek(() => props.reservedConcurrentExecutions);
      if (reserved === undefined || reserved === null || reserved < 0)
        report("The function has no reserved concurrency.");
    },
  }),
  resourceRule({
    name: "lambda-in-vpc",
    service: "lambda",
    maps: "CKV_AWS_117 / NIST.800.53.R5-LambdaInsideVPC",
    level: "advisory",
    description: "Functions run inside a VPC.",
    remediation:
      "Only functions that reach VPC resources (the search indexer, order API) need vpcConfig; the others call AWS APIs over TLS with IAM.",
    types: fn,
    validate: (props, _args, report) => {
      if (!present(() => props.vpcConfig?.subnetIds)) report("The function does not run in a VPC.");
    },
  }),
];
