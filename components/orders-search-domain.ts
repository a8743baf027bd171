// The OpenSearch domain holding the `orders` index: inside the VPC's private subnets, encrypted
// at rest and between nodes, HTTPS only with TLS 1.2+, fine-grained access control with an IAM
// master role (no internal users, no passwords), slow and error logs in CloudWatch, capacity
// from stack config (dev: one small node; prod: three AZs, data nodes and dedicated masters).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "./config";
import { callerContext, policyDocument, searchHttpStatements, type SearchRequests } from "./lib/iam";
import { statefulOptions } from "./lib/stateful";

export type SearchDomainConfig = Pick<
  PlatformConfig,
  | "project"
  | "stack"
  | "region"
  | "protectData"
  | "logRetentionDays"
  | "searchInstanceType"
  | "searchInstanceCount"
  | "searchZoneCount"
  | "searchDedicatedMasterType"
  | "searchVolumeGb"
>;

export interface SearchDomainArgs {
  config: SearchDomainConfig;
  /** Private subnets, one per AZ; the domain uses the first searchZoneCount of them. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupId: pulumi.Input<string>;
  /** IAM role mapped to all_access and security_manager by fine-grained access control. */
  masterRoleArn: pulumi.Input<string>;
}

export const searchEngineVersion = "OpenSearch_2.19";
/** TLS 1.2 or newer with forward secrecy only. */
export const searchTlsPolicy = "Policy-Min-TLS-1-2-PFS-2023-10";
export const dedicatedMasterCount = 3;

/** The log types the domain publishes: both slow logs and the error (application) log. */
export const searchLogTypes = ["INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS"] as const;

export class SearchDomain extends pulumi.ComponentResource {
  public readonly domain: aws.opensearch.Domain;
  public readonly arn: pulumi.Output<string>;
  /** https://<VPC endpoint of the domain> */
  public readonly endpoint: pulumi.Output<string>;
  public readonly logGroups: Record<(typeof searchLogTypes)[number], aws.cloudwatch.LogGroup>;

  constructor(name: string, args: SearchDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:orders:SearchDomain", name, {}, opts);
    const c = args.config;
    const { accountId, partition } = callerContext({ parent: this });
    const zoneAware = c.searchZoneCount > 1;
    const dedicatedMasters = c.searchDedicatedMasterType !== "";

    this.logGroups = Object.fromEntries(
      searchLogTypes.map((type) => [
        type,
        new aws.cloudwatch.LogGroup(
          `${name}-${type.toLowerCase().replace(/_/g, "-")}`,
          { retentionInDays: c.logRetentionDays },
          { parent: this },
        ),
      ]),
    ) as SearchDomain["logGroups"];

    // OpenSearch Service writes with its service principal; AWS checks this policy when the
    // domain is created, before the domain's (auto-generated) name is known, so the source is
    // any domain of this account in this region, and only into these log groups.
    const logPolicy = new aws.cloudwatch.LogResourcePolicy(
      `${name}-logs`,
      {
        // Account-scoped policies are kept by name (PutResourcePolicy creates or updates, CloudWatch
        // Logs API reference) and the provider autonames none: one name per stack, or stacks overwrite.
        policyName: `${c.project}-${c.stack}-${name}-logs`,
        policyDocument: policyDocument([
          {
            Sid: "SearchDomainWritesItsLogs",
            Principal: { Service: "es.amazonaws.com" },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: Object.values(this.logGroups).map((g) => pulumi.interpolate`${g.arn}:*`),
            Condition: {
              StringEquals: { "aws:SourceAccount": accountId },
              ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${partition}:es:${c.region}:${accountId}:domain/*` },
            },
          },
        ]),
      },
      { parent: this },
    );

    this.domain = new aws.opensearch.Domain(
      name,
      {
        engineVersion: searchEngineVersion,
        clusterConfig: {
          instanceType: c.searchInstanceType,
          instanceCount: c.searchInstanceCount,
          zoneAwarenessEnabled: zoneAware,
          zoneAwarenessConfig: zoneAware ? { availabilityZoneCount: c.searchZoneCount } : undefined,
          dedicatedMasterEnabled: dedicatedMasters,
          dedicatedMasterType: dedicatedMasters ? c.searchDedicatedMasterType : undefined,
          dedicatedMasterCount: dedicatedMasters ? dedicatedMasterCount : undefined,
          // Every data node serves; the index keeps a replica per extra node (auto_expand_replicas).
          multiAzWithStandbyEnabled: false,
        },
        ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: c.searchVolumeGb },
        encryptAtRest: { enabled: true },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: searchTlsPolicy },
        advancedSecurityOptions: {
          enabled: true,
          anonymousAuthEnabled: false,
          internalUserDatabaseEnabled: false,
          masterUserOptions: { masterUserArn: args.masterRoleArn },
        },
        vpcOptions: {
          subnetIds: pulumi.output(args.subnetIds).apply((ids) => ids.slice(0, c.searchZoneCount)),
          securityGroupIds: [args.securityGroupId],
        },
        logPublishingOptions: searchLogTypes.map((logType) => ({
          logType,
          cloudwatchLogGroupArn: this.logGroups[logType].arn,
          enabled: true,
        })),
        softwareUpdateOptions: { autoSoftwareUpdateEnabled: true },
      },
      { parent: this, dependsOn: [logPolicy], ...statefulOptions(c, "store") },
    );

    this.arn = this.domain.arn;
    this.endpoint = pulumi.interpolate`https://${this.domain.endpoint}`;
    this.registerOutputs({ arn: this.arn, endpoint: this.endpoint });
  }

  /**
   * The domain's resource policy: each IAM role may send exactly its methods on its paths (and
   * fine-grained access control then decides again inside the domain). AWS allows a request in
   * the same account when the identity or this policy allows it, so this policy is as narrow as
   * the roles' own. Separate from the domain so the roles of functions that need the domain's
   * endpoint can be admitted without a cycle.
   */
  admit(
    name: string,
    grants: { sid: string; roleArn: pulumi.Input<string>; requests: SearchRequests }[],
  ): aws.opensearch.DomainPolicy {
    return new aws.opensearch.DomainPolicy(
      name,
      {
        domainName: this.domain.domainName,
        accessPolicies: policyDocument(
          grants.flatMap((grant) =>
            searchHttpStatements(grant.sid, this.domain.arn, grant.requests).map((statement) => ({
              ...statement,
              Principal: { AWS: grant.roleArn },
            })),
          ),
        ),
      },
      { parent: this },
    );
  }
}
