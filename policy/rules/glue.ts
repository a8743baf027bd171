// Glue: the Data Catalog's metadata encrypted at rest, and crawlers and jobs with a security
// configuration.
import { ofType, resourceRule, stackRule } from "../lib/define";
import { peek, present } from "../lib/props";
import type { PackPolicy } from "../lib/types";

const catalogKinds = ["aws:glue/catalogDatabase:CatalogDatabase", "aws:glue/catalogTable:CatalogTable"];
const encryptedModes = ["SSE-KMS", "SSE-KMS-WITH-SERVICE-ROLE"];

export const glueRules: PackPolicy[] = [
  stackRule({
    name: "glue-catalog-encryption",
    service: "glue",
    maps: "CKV_AWS_94",
    level: "advisory",
    description:
      "A stack with Glue databases encrypts the Data Catalog at rest (aws.glue.DataCatalogEncryptionSettings, SSE-KMS). The setting is one per account and region, so it belongs to the stack that owns the account's catalog.",
    remediation:
      "Add aws.glue.DataCatalogEncryptionSettings with encryptionAtRest.catalogEncryptionMode SSE-KMS in the account's baseline stack; the lake's data is KMS-encrypted in S3 either way.",
    validate: (resources, _args, report) => {
      const encrypted = ofType(resources, "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings").some(
        (s) =>
          encryptedModes.includes(
            peek(() => s.props.dataCatalogEncryptionSettings?.encryptionAtRest?.catalogEncryptionMode),
          ),
      );
      if (encrypted) return;
      for (const db of ofType(resources, catalogKinds[0]))
        report(db, `Glue database ${db.name}: the account's Data Catalog is not encrypted by this stack.`);
    },
  }),
  resourceRule({
    name: "glue-security-configuration",
    service: "glue",
    maps: "AwsSolutions-GL1 / AwsSolutions-GL3 / CKV_AWS_195",
    level: "mandatory",
    description:
      "Glue crawlers and jobs name a security configuration (encrypted CloudWatch logs, job bookmarks and S3 output).",
    remediation:
      "Create an aws.glue.SecurityConfiguration with KMS encryption and set securityConfiguration on the crawler or job.",
    types: ["aws:glue/crawler:Crawler", "aws:glue/job:Job"],
    validate: (props, args, report) => {
      if (!present(() => props.securityConfiguration))
        report(`The ${args.type.split(":").pop()} names no security configuration.`);
    },
  }),
];
