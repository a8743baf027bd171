// OpenSearch domains: inside the VPC, encrypted at rest and between nodes, HTTPS with TLS 1.2,
// no anonymous access, slow logs, and a highly available layout in production.
import { resourceRule } from "../lib/define";
import { isPublicPrincipal, isScoped, statements } from "../lib/iam";
import { asArray, peek, present } from "../lib/props";
import { isProduction } from "../lib/stage";
import type { PackPolicy } from "../lib/types";

const domain = ["aws:opensearch/domain:Domain"];
const tls12Policies = [
  "Policy-Min-TLS-1-2-2019-07",
  "Policy-Min-TLS-1-2-PFS-2023-10",
  "Policy-Min-TLS-1-2-RFC9151-FIPS-2024-08",
];

export const opensearchRules: PackPolicy[] = [
  resourceRule({
    name: "opensearch-encryption-at-rest",
    service: "opensearch",
    maps: "AwsSolutions-OS8 / CKV_AWS_5",
    level: "mandatory",
    description: "Domains encrypt data at rest.",
    remediation: "Set encryptAtRest: { enabled: true }.",
    types: domain,
    validate: (props, _args, report) => {
      if (props.encryptAtRest?.enabled !== true) report("Encryption at rest is off.");
    },
  }),
  resourceRule({
    name: "opensearch-node-to-node-encryption",
    service: "opensearch",
    maps: "AwsSolutions-OS2 / CKV_AWS_6",
    level: "mandatory",
    description: "Domains encrypt traffic between nodes.",
    remediation: "Set nodeToNodeEncryption: { enabled: true }.",
    types: domain,
    validate: (props, _args, report) => {
      if (props.nodeToNodeEncryption?.enabled !== true) report("Node-to-node encryption is off.");
    },
  }),
  resourceRule({
    name: "opensearch-https-tls12",
    service: "opensearch",
    maps: "CKV_AWS_83 / CKV_AWS_228",
    level: "mandatory",
    description: "Domains accept HTTPS only, with TLS 1.2 or later.",
    remediation:
      'Set domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" }.',
    types: domain,
    validate: (props, _args, report) => {
      const o = props.domainEndpointOptions ?? {};
      if (o.enforceHttps !== true) report("HTTPS is not enforced.");
      if (!tls12Policies.includes(o.tlsSecurityPolicy))
        report(`TLS policy ${o.tlsSecurityPolicy ?? "(default, TLS 1.0)"} allows versions older than 1.2.`);
    },
  }),
  resourceRule({
    name: "opensearch-in-vpc",
    service: "opensearch",
    maps: "AwsSolutions-OS1 / CKV_AWS_137",
    level: "mandatory",
    description: "Domains live inside a VPC (no public endpoint).",
    remediation: "Set vpcOptions { subnetIds, securityGroupIds } (private subnets).",
    types: domain,
    validate: (props, _args, report) => {
      if (!present(() => props.vpcOptions?.subnetIds)) report("The domain has a public endpoint.");
    },
  }),
  resourceRule({
    name: "opensearch-no-anonymous-access",
    service: "opensearch",
    maps: "AwsSolutions-OS5",
    level: "mandatory",
    description: 'Domain access policies never allow an anonymous ("*") principal without a scoping condition.',
    remediation: "Allow es:ESHttp* only to the roles that need it (the search indexer and order API roles).",
    types: [...domain, "aws:opensearch/domainPolicy:DomainPolicy"],
    validate: (props, _args, report) => {
      for (const s of statements(peek(() => props.accessPolicies))) {
        if (s.Effect === "Allow" && isPublicPrincipal(s) && !isScoped(s))
          report(`The access policy allows ${s.Action.join(", ")} to anyone.`);
      }
    },
  }),
  resourceRule({
    name: "opensearch-slow-logs",
    service: "opensearch",
    maps: "AwsSolutions-OS9 / CKV_AWS_84",
    level: "advisory",
    description: "Domains publish search and index slow logs (and error logs) to CloudWatch Logs.",
    remediation:
      "Add logPublishingOptions for SEARCH_SLOW_LOGS, INDEX_SLOW_LOGS and ES_APPLICATION_LOGS with a log group that has retention.",
    types: domain,
    validate: (props, _args, report) => {
      const enabled = asArray(props.logPublishingOptions)
        .filter((o: any) => o?.enabled !== false)
        .map((o: any) => o.logType);
      const missing = ["SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS"].filter((t) => !enabled.includes(t));
      if (missing.length > 0) report(`The domain does not publish ${missing.join(", ")}.`);
    },
  }),
  resourceRule({
    name: "opensearch-high-availability",
    service: "opensearch",
    maps: "AwsSolutions-OS4 / AwsSolutions-OS7 / CKV2_AWS_59 / CKV_AWS_318",
    level: "mandatory",
    description:
      "Production domains have three dedicated masters and spread at least two data nodes across availability zones.",
    remediation:
      "In prod set searchDedicatedMasterType, searchInstanceCount >= 2 and searchZoneCount >= 2 (clusterConfig.dedicatedMasterEnabled/Count 3, zoneAwarenessEnabled).",
    types: domain,
    validate: (props, args, report) => {
      if (!isProduction(args)) return;
      const c = props.clusterConfig ?? {};
      if (c.dedicatedMasterEnabled !== true || c.dedicatedMasterCount !== 3)
        report("The production domain does not have three dedicated master nodes.");
      if (c.zoneAwarenessEnabled !== true || !(c.instanceCount >= 2))
        report("The production domain is not spread across availability zones.");
    },
  }),
];
