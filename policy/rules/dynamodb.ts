// DynamoDB tables: point-in-time recovery and encryption with a key the account controls.
import { resourceRule } from "../lib/define";
import { present } from "../lib/props";
import type { PackPolicy } from "../lib/types";

const table = ["aws:dynamodb/table:Table"];

export const dynamodbRules: PackPolicy[] = [
  resourceRule({
    name: "dynamodb-point-in-time-recovery",
    service: "dynamodb",
    maps: "AwsSolutions-DDB3 / CKV_AWS_28",
    level: "mandatory",
    description:
      "Tables keep continuous backups (point-in-time recovery), so a bad write or delete can be rolled back.",
    remediation: "Set pointInTimeRecovery: { enabled: true }.",
    types: table,
    validate: (props, _args, report) => {
      if (props.pointInTimeRecovery?.enabled !== true) report("Point-in-time recovery is off.");
    },
  }),
  resourceRule({
    name: "dynamodb-customer-managed-key",
    service: "dynamodb",
    maps: "CKV_AWS_119",
    level: "advisory",
    description:
      "Tables are encrypted with a KMS key (customer managed or aws/dynamodb) rather than the AWS owned key.",
    remediation: "Set serverSideEncryption: { enabled: true, kmsKeyArn } (omit kmsKeyArn for the aws/dynamodb key).",
    types: table,
    validate: (props, _args, report) => {
      if (props.serverSideEncryption?.enabled !== true && !present(() => props.serverSideEncryption?.kmsKeyArn))
        report("The table uses the AWS owned key.");
    },
  }),
];
