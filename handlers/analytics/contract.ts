// The seam between the AnalyticsReports component and its handler (no SDK or Pulumi imports):
// the environment the component builds and the handler parses, the telemetry names, and the
// admin-only route the Api serves and local mode mirrors.
import * as z from "../lib/zod";
import { type HandlerContract, telemetryEnvironment } from "../lib/environment";

export const serviceName = "analytics-reports";
export const metricsNamespace = "Ecommerce/AnalyticsReports";

/** The named queries the admin pages show (analytics/<name>.sql). */
export const reportQueries = ["funnel", "top-products"] as const;
export type ReportQuery = (typeof reportQueries)[number];

const namedQueryIds = z.record(z.enum(reportQueries), z.string().check(z.minLength(1)));

export const environmentSchema = z.object({
  AWS_REGION: z.string().check(z.minLength(1)),
  /** The Athena workgroup whose named queries and query history the reports read. */
  WORKGROUP: z.string().check(z.minLength(1)),
  /** JSON: report name → the named query's id in the workgroup. */
  NAMED_QUERY_IDS: z.pipe(
    z.string(),
    z.transform((text, payload) => {
      try {
        return namedQueryIds.parse(JSON.parse(text));
      } catch (error) {
        payload.issues.push({
          code: "custom",
          message: `NAMED_QUERY_IDS must be a JSON object of ${reportQueries.join(", ")} to ids: ${(error as Error).message}`,
          input: text,
        });
        return z.NEVER;
      }
    }),
  ),
  /** Days of the window the reports cover, today included (the queries' `?` is its first day). */
  WINDOW_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(366)), 30),
  /** A result older than this is refreshed (a new execution started) on the next request. */
  MAX_AGE_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(60)), 3600),
  /** The storefront origin, sent as Access-Control-Allow-Origin. */
  ALLOWED_ORIGIN: z.string().check(z.minLength(1)),
  ...telemetryEnvironment(serviceName, metricsNamespace),
});
export type ReportsEnvironment = z.infer<typeof environmentSchema>;
const title = "AnalyticsReports";
export const analyticsReportsContract = {
  title,
  serviceName,
  metricsNamespace,
  environmentSchema,
} satisfies HandlerContract<typeof environmentSchema>;

/** Admin only: the Cognito authorizer checks the token, the handler the `admin` group. */
export const reportsRoutes = [{ method: "GET", path: "/analytics/{query}" }] as const;
