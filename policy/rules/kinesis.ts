// Kinesis data streams: server-side encryption.
import { resourceRule } from "../lib/define";
import { isUnknown, peek } from "../lib/props";
import type { PackPolicy } from "../lib/types";

const stream = ["aws:kinesis/stream:Stream"];

export const kinesisRules: PackPolicy[] = [
  resourceRule({
    name: "kinesis-encryption",
    service: "kinesis",
    maps: "AwsSolutions-KDS1 / CKV_AWS_43",
    level: "mandatory",
    description: "Data streams encrypt records at rest with KMS.",
    remediation: 'Set encryptionType "KMS" and kmsKeyId ("alias/aws/kinesis" or a customer managed key).',
    types: stream,
    validate: (props, _args, report) => {
      if (props.encryptionType !== "KMS") report(`Encryption type is ${props.encryptionType ?? "NONE"}.`);
    },
  }),
  resourceRule({
    name: "kinesis-customer-managed-key",
    service: "kinesis",
    maps: "CKV_AWS_185",
    level: "advisory",
    description: "Data streams use a customer managed KMS key (its policy and rotation are the stack's).",
    remediation: "Create an aws.kms.Key with rotation and pass its ARN as kmsKeyId.",
    types: stream,
    validate: (props, _args, report) => {
      // A key ARN unknown in preview is computed, so a key of the stack (the AWS managed alias is a literal).
      if (isUnknown(() => props.kmsKeyId)) return;
      const key = peek(() => props.kmsKeyId);
      if (props.encryptionType === "KMS" && (key === undefined || key === "alias/aws/kinesis"))
        report("The stream uses the AWS managed key alias/aws/kinesis.");
    },
  }),
];
