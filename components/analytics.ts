// The queryable lake: a Glue catalog over the lake's events/ and quarantine/ prefixes (partition
// projection, columns from the clickstream contract), an Athena workgroup with the store
// owner's questions as named queries (analytics/*.sql), and the analyst policy that can run
// exactly those and read their results.
//
// Events stay gzip JSON lines rather than Firehose's Parquet conversion: see README "Analytics".
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "./config";
import { analystStatements } from "./analytics-analyst";
import { LakeCatalog, lakeDatabaseName } from "./analytics-catalog";
import { AnalyticsReports } from "./analytics-reports";
import { AnalyticsWorkgroup, resultsPrefix } from "./analytics-workgroup";
import type { ApiRoute } from "./api";
import type { MonitoringTargets } from "./lib/monitoring-targets";
import { callerContext, policyDocument } from "./lib/iam";
import type { LakeLayout } from "../analytics/lake-tables";

export type AnalyticsConfig = Pick<
  PlatformConfig,
  | "project"
  | "stack"
  | "region"
  | "protectData"
  | "logRetentionDays"
  | "analyticsProjectionStartDate"
  | "analyticsBytesScannedCutoffMib"
  | "analyticsResultsExpirationDays"
>;

export interface AnalyticsArgs {
  config: AnalyticsConfig;
  lake: {
    bucketName: pulumi.Input<string>;
    bucketArn: pulumi.Input<string>;
    /** The key the lake's objects are encrypted with. */
    keyArn: pulumi.Input<string>;
    layout: LakeLayout;
  };
  /** The storefront origin, answered in Access-Control-Allow-Origin by the reports route. */
  allowedOrigin: pulumi.Input<string>;
}

export class Analytics extends pulumi.ComponentResource {
  public readonly catalog: LakeCatalog;
  public readonly athena: AnalyticsWorkgroup;
  public readonly analystPolicy: aws.iam.Policy;
  public readonly databaseName: pulumi.Output<string>;
  public readonly workgroupName: pulumi.Output<string>;
  /** GET /analytics/{query} for the admin pages. */
  public readonly reports: AnalyticsReports;
  public readonly routes: ApiRoute[];
  public readonly monitoring: MonitoringTargets;

  constructor(name: string, args: AnalyticsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:analytics:Analytics", name, {}, opts);
    const c = args.config;
    const { accountId, partition } = callerContext({ parent: this });

    this.catalog = new LakeCatalog(
      `${name}-catalog`,
      {
        bucketName: args.lake.bucketName,
        layout: args.lake.layout,
        projectionStartDate: c.analyticsProjectionStartDate,
        databaseName: lakeDatabaseName(c.project, c.stack),
      },
      { parent: this },
    );
    this.databaseName = this.catalog.database.name;

    this.athena = new AnalyticsWorkgroup(
      `${name}-athena`,
      {
        databaseName: this.databaseName,
        bytesScannedCutoffMib: c.analyticsBytesScannedCutoffMib,
        resultsExpirationDays: c.analyticsResultsExpirationDays,
        protectData: c.protectData,
        region: c.region,
        accountId,
        partition,
      },
      { parent: this },
    );
    this.workgroupName = this.athena.workgroup.name;

    const grant = {
      region: c.region,
      accountId,
      partition,
      workgroupName: this.workgroupName,
      databaseName: this.databaseName,
      tableNames: Object.keys(this.catalog.tables),
      lake: { bucketArn: args.lake.bucketArn, keyArn: args.lake.keyArn, prefixes: this.catalog.prefixes },
      results: {
        bucketArn: this.athena.resultsBucket.arn,
        keyArn: this.athena.resultsKey.arn,
        prefix: resultsPrefix,
      },
    };
    this.analystPolicy = new aws.iam.Policy(
      `${name}-analyst`,
      {
        description: "Run the analytics workgroup's queries over the clickstream lake tables and read their results",
        policy: policyDocument(analystStatements(grant)),
      },
      { parent: this },
    );

    this.reports = new AnalyticsReports(
      `${name}-reports`,
      {
        region: c.region,
        logRetentionDays: c.logRetentionDays,
        allowedOrigin: args.allowedOrigin,
        workgroupName: this.workgroupName,
        namedQueries: this.athena.namedQueries,
        grant,
      },
      { parent: this },
    );
    this.routes = this.reports.routes;
    this.monitoring = this.reports.monitoring;

    this.registerOutputs({
      database: this.databaseName,
      workgroup: this.workgroupName,
      analystPolicyArn: this.analystPolicy.arn,
    });
  }
}
