// The admin pages' reports on AWS: GET /analytics/{query} (Cognito; the handler admits only the
// `admin` group) answered by a small Lambda from the latest results of the workgroup's named
// queries. Why a Lambda reading Athena's own query history rather than, say, a schedule writing
// reports to a bucket: the named queries and their results already live in the workgroup (with
// its bytes-scanned limit and encrypted, expiring results), so the page shows exactly what an
// analyst running the same named query sees, and a query runs only when an admin looks and its
// last answer is older than the maximum age: nothing runs, and nothing is billed, otherwise.
import * as pulumi from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import { analyticsReportsContract, reportQueries, reportsRoutes } from "../handlers/analytics/contract";
import type { AnalystGrantArgs } from "./analytics-analyst";
import { analystStatements } from "./analytics-analyst";
import { type ApiRoute, lambdaProxy } from "./api";
import { environmentFor } from "./lib/environment";
import { BundledFunction } from "./lib/function";
import type { MonitoringTargets } from "./lib/monitoring-targets";

export const reportsHandlerEntry = "handlers/analytics/index.ts";
/** Two pages of history, a batch read and one page of results: seconds; API Gateway waits 29 s. */
export const reportsTimeoutSeconds = 20;
export const reportsMemoryMb = 256;

/**
 * Exactly the Athena calls the handler makes, all on the one workgroup: read the named query,
 * list and read its executions, start one, read its results. Not GetQueryExecution (the batch
 * read answers it), not StopQueryExecution, not the named-query or workgroup listings.
 */
export const reportsAthenaActions = [
  "athena:BatchGetQueryExecution",
  "athena:GetNamedQuery",
  "athena:GetQueryResults",
  "athena:ListQueryExecutions",
  "athena:StartQueryExecution",
];

export interface AnalyticsReportsArgs {
  region: string;
  logRetentionDays: number;
  allowedOrigin: pulumi.Input<string>;
  workgroupName: pulumi.Input<string>;
  namedQueries: aws.athena.NamedQuery[];
  /** What running a query over the lake takes besides Athena (Glue, the lake, the results), as the analyst's grant. */
  grant: Omit<AnalystGrantArgs, "athenaActions">;
}

export class AnalyticsReports extends pulumi.ComponentResource {
  public readonly function: BundledFunction;
  public readonly routes: ApiRoute[];
  public readonly monitoring: MonitoringTargets;

  constructor(name: string, args: AnalyticsReportsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:analytics:AnalyticsReports", name, {}, opts);
    const ids = pulumi
      .all(args.namedQueries.map((q) => pulumi.all([q.name, q.id])))
      .apply((pairs) =>
        JSON.stringify(Object.fromEntries(pairs.filter(([n]) => (reportQueries as readonly string[]).includes(n)))),
      );

    this.function = new BundledFunction(
      `${name}-api`,
      {
        entry: reportsHandlerEntry,
        description: "Store reports for the admin pages: the latest results of the analytics workgroup's named queries",
        memoryMb: reportsMemoryMb,
        timeoutSeconds: reportsTimeoutSeconds,
        logRetentionDays: args.logRetentionDays,
        environment: environmentFor(analyticsReportsContract, {
          WORKGROUP: args.workgroupName,
          NAMED_QUERY_IDS: ids,
          ALLOWED_ORIGIN: args.allowedOrigin,
        }),
        policyStatements: analystStatements({ ...args.grant, athenaActions: reportsAthenaActions }),
      },
      { parent: this },
    );

    const integration = lambdaProxy(this.function, args.region);
    this.routes = reportsRoutes.map((route) => ({
      path: route.path,
      method: route.method,
      authorization: "cognito" as const,
      integration,
      invokes: this.function,
    }));
    this.monitoring = { functions: [this.function] };
    this.registerOutputs({ functionName: this.function.name });
  }
}
