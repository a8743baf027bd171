// IAM policy documents as plain JSON built from Pulumi inputs: no provider call, so they are
// known in preview wherever their ARNs are, and tests can read them as they are deployed.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface PolicyStatement {
  Sid?: string;
  Effect?: "Allow" | "Deny";
  Principal?: pulumi.Input<Record<string, pulumi.Input<string | pulumi.Input<string>[]>> | "*">;
  Action: string | string[];
  /** Absent only in trust policies. */
  Resource?: pulumi.Input<string> | pulumi.Input<string>[];
  Condition?: pulumi.Input<Record<string, Record<string, pulumi.Input<string | string[]>>>>;
}

/** A policy document (JSON string) from statements; Effect defaults to Allow. */
export function policyDocument(statements: pulumi.Input<PolicyStatement>[]): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: pulumi.output(statements).apply((s) => s.map((st) => ({ Effect: "Allow", ...st }))),
  });
}

/**
 * Trust policy for an AWS service, limited to this account so the service cannot be used as a
 * confused deputy by another account.
 */
export function serviceTrustPolicy(service: string, accountId: pulumi.Input<string>): pulumi.Output<string> {
  return policyDocument([
    {
      Principal: { Service: service },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    },
  ]);
}

/**
 * Firehose's documented trust policy: Firehose assumes its role with this account's id as the
 * external id, which keeps delivery streams of other accounts out.
 */
export function firehoseTrustPolicy(accountId: pulumi.Input<string>): pulumi.Output<string> {
  return policyDocument([
    {
      Principal: { Service: "firehose.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "sts:ExternalId": accountId } },
    },
  ]);
}

/**
 * API Gateway (integration credentials, the CloudWatch logging role) documents no condition
 * key for the roles it assumes, and a condition it does not send would refuse every request.
 * Other accounts are kept out another way: naming a role in an API needs iam:PassRole on it.
 */
export function apiGatewayTrustPolicy(): pulumi.Output<string> {
  return policyDocument([{ Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }]);
}

export type SearchMethod = "GET" | "HEAD" | "POST" | "PUT" | "DELETE";
/** What a role sends to an OpenSearch domain: HTTP method → the exact paths (e.g. "/orders/_search"). */
export type SearchRequests = Partial<Record<SearchMethod, string[]>>;

const capitalised = (method: string) => `${method.charAt(0)}${method.slice(1).toLowerCase()}`;

/**
 * `es:ESHttp<Method>` on exactly the given paths of the domain, one statement per method (IAM
 * authorizes an OpenSearch request by its method and its path under the domain's ARN).
 */
export function searchHttpStatements(
  sid: string,
  domainArn: pulumi.Input<string>,
  requests: SearchRequests,
): PolicyStatement[] {
  return Object.entries(requests).map(([method, paths]) => ({
    Sid: `${sid}${capitalised(method)}`,
    Action: `es:ESHttp${capitalised(method)}`,
    Resource: (paths ?? []).map((path) => pulumi.interpolate`${domainArn}${path}`),
  }));
}

/** The account and partition this stack deploys to, for ARNs and conditions. Pass
 * `{ parent: this }` so the lookup uses the component's provider. */
export function callerContext(opts?: pulumi.InvokeOutputOptions) {
  const identity = aws.getCallerIdentityOutput({}, opts);
  const partition = aws.getPartitionOutput({}, opts);
  return { accountId: identity.accountId, partition: partition.partition };
}

/** What the account's administrators need to manage (not use) a customer-managed KMS key. */
export const keyAdministrationActions = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

/** Key-policy statement: the account (through IAM) administers the key, without using it. */
export function accountAdministersKey(
  accountId: pulumi.Input<string>,
  partition: pulumi.Input<string>,
): PolicyStatement {
  return {
    Sid: "AccountAdministersKey",
    Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root` },
    Action: keyAdministrationActions,
    Resource: "*",
  };
}
