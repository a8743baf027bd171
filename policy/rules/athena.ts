// Athena workgroups: encrypted query results, and a configuration callers cannot override
// (results location, encryption, the per-query bytes-scanned limit).
import { resourceRule } from "../lib/define";
import { peek, present } from "../lib/props";
import type { PackPolicy } from "../lib/types";

const workgroup = ["aws:athena/workgroup:Workgroup"];
const encryptionOptions = ["SSE_S3", "SSE_KMS", "CSE_KMS"];

export const athenaRules: PackPolicy[] = [
  resourceRule({
    name: "athena-results-encrypted",
    service: "athena",
    maps: "AwsSolutions-ATH1 / CKV_AWS_159",
    level: "mandatory",
    description:
      "Workgroups encrypt query results (SSE_S3, SSE_KMS or CSE_KMS), or use Athena's managed query results.",
    remediation:
      'Set configuration.resultConfiguration.encryptionConfiguration { encryptionOption: "SSE_KMS", kmsKeyArn }.',
    types: workgroup,
    validate: (props, _args, report) => {
      const option = peek(() => props.configuration?.resultConfiguration?.encryptionConfiguration?.encryptionOption);
      const managed = peek(() => props.configuration?.managedQueryResultsConfiguration?.enabled) === true;
      if (!managed && !encryptionOptions.includes(option)) report("Query results are not encrypted.");
    },
  }),
  resourceRule({
    name: "athena-enforce-configuration",
    service: "athena",
    maps: "CKV_AWS_82",
    level: "mandatory",
    description:
      "Workgroups enforce their configuration, so a client cannot turn off result encryption, move the results or lift the limit; and they set a per-query bytes-scanned limit.",
    remediation:
      "Set configuration.enforceWorkgroupConfiguration: true and configuration.bytesScannedCutoffPerQuery (at least 10 MB).",
    types: workgroup,
    validate: (props, _args, report) => {
      if (peek(() => props.configuration?.enforceWorkgroupConfiguration) === false)
        report("The workgroup lets clients override its configuration.");
      if (!present(() => props.configuration?.bytesScannedCutoffPerQuery))
        report("The workgroup sets no per-query bytes-scanned limit.");
    },
  }),
];
