// Glue and Athena cases.
import { r } from "../harness";
import { patch, type RuleCases } from "./types";

const WG = "aws:athena/workgroup:Workgroup";
const configuration = {
  enforceWorkgroupConfiguration: true,
  bytesScannedCutoffPerQuery: 1073741824,
  engineVersion: { selectedEngineVersion: "Athena engine version 3" },
  resultConfiguration: {
    outputLocation: "s3://results/results/",
    encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/1" },
  },
};
const workgroup = (changes: Record<string, any> = {}) => [
  r(WG, "analytics", { configuration: patch(configuration, changes) }),
];

const database = r("aws:glue/catalogDatabase:CatalogDatabase", "lake", { name: "ecommerce_dev_clickstream" });
const catalogEncryption = (mode: string) =>
  r("aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings", "catalog-encryption", {
    dataCatalogEncryptionSettings: {
      encryptionAtRest: { catalogEncryptionMode: mode, sseAwsKmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1" },
      connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true },
    },
  });
const crawler = (more: Record<string, any> = {}) =>
  r("aws:glue/crawler:Crawler", "lake-crawler", {
    databaseName: "lake",
    role: "arn:aws:iam::123456789012:role/crawler",
    s3Targets: [{ path: "s3://lake/events/" }],
    ...more,
  });

export const analyticsCases: RuleCases = {
  "athena-results-encrypted": {
    compliant: workgroup(),
    violating: workgroup({
      resultConfiguration: { outputLocation: "s3://results/results/", encryptionConfiguration: undefined },
    }),
    expect: /Query results are not encrypted/,
  },
  "athena-enforce-configuration": {
    compliant: workgroup(),
    violating: workgroup({ enforceWorkgroupConfiguration: false, bytesScannedCutoffPerQuery: undefined }),
    expect: /lets clients override its configuration/,
  },
  "glue-catalog-encryption": {
    compliant: [database, catalogEncryption("SSE-KMS")],
    violating: [database, catalogEncryption("DISABLED")],
    expect: /Glue database lake: the account's Data Catalog is not encrypted/,
  },
  "glue-security-configuration": {
    compliant: [database, crawler({ securityConfiguration: "lake-security" })],
    violating: [database, crawler()],
    expect: /The Crawler names no security configuration/,
  },
};
