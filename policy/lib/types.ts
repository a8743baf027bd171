// The shape every rule of the pack shares: a CrossGuard policy plus the metadata the tests,
// the reporter and the README table read (service area, cdk-nag / checkov counterpart).
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

export const services = [
  "s3",
  "cloudfront",
  "cognito",
  "apigateway",
  "lambda",
  "iam",
  "dynamodb",
  "kinesis",
  "firehose",
  "opensearch",
  "sqs",
  "sns",
  "logs",
  "kms",
  "tags",
  "glue",
  "athena",
  "reliability",
] as const;
export type Service = (typeof services)[number];

interface RuleMetadata {
  /** Service area (one rules file each). */
  service: Service;
  /** The cdk-nag and/or checkov rule(s) this corresponds to, e.g. "AwsSolutions-S1 / CKV_AWS_18",
   * or "none: <why>" where neither has one. */
  maps: string;
  enforcementLevel: "mandatory" | "advisory";
}

export type PackResourcePolicy = ResourceValidationPolicy & RuleMetadata;
export type PackStackPolicy = StackValidationPolicy & RuleMetadata;
export type PackPolicy = PackResourcePolicy | PackStackPolicy;

export const isStackPolicy = (p: PackPolicy): p is PackStackPolicy => "validateStack" in p;
