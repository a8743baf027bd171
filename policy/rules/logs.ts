// CloudWatch Logs: every log group expires its events (a year at least in production) and may
// be encrypted with a customer managed key.
import { resourceRule } from "../lib/define";
import { present } from "../lib/props";
import { isProduction } from "../lib/stage";
import type { PackPolicy } from "../lib/types";

const logGroup = ["aws:cloudwatch/logGroup:LogGroup"];

export const logsRules: PackPolicy[] = [
  resourceRule({
    name: "logs-retention",
    service: "logs",
    maps: "CKV_AWS_66 / CKV_AWS_338",
    level: "mandatory",
    description:
      "Log groups set a retention period: at least 365 days in production (CKV_AWS_338), any in other stages (CKV_AWS_66).",
    remediation: "Set retentionInDays from logRetentionDays (dev 14, prod 365).",
    types: logGroup,
    validate: (props, args, report) => {
      const days = props.retentionInDays;
      if (!(days > 0)) report("The log group never expires its events.");
      else if (isProduction(args) && days < 365)
        report(`Retention is ${days} days; production keeps logs at least 365 days.`);
    },
  }),
  resourceRule({
    name: "logs-kms-encryption",
    service: "logs",
    maps: "CKV_AWS_158",
    level: "advisory",
    description: "Log groups are encrypted with a customer managed KMS key.",
    remediation:
      "Set kmsKeyId to a key whose policy allows logs.<region>.amazonaws.com with a kms:EncryptionContext:aws:logs:arn condition.",
    types: logGroup,
    validate: (props, _args, report) => {
      if (!present(() => props.kmsKeyId)) report("The log group uses CloudWatch Logs' default encryption.");
    },
  }),
];
