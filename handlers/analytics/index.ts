// AnalyticsReports Lambda entry: reads its environment, wires the Athena client and telemetry
// once per container, and answers GET /analytics/{query}.
import { AthenaClient } from "@aws-sdk/client-athena";
import { readEnvironment } from "../lib/environment";
import { apiEntry } from "../lib/http-entry";
import { createTelemetry } from "../lib/telemetry";
import { analyticsReportsContract } from "./contract";
import { reportsHandler } from "./reports";

const env = readEnvironment(analyticsReportsContract, process.env);
const { logger, metrics, captureClient } = createTelemetry({
  serviceName: env.POWERTOOLS_SERVICE_NAME,
  metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE,
});
const athena = captureClient(new AthenaClient({ region: env.AWS_REGION }));

const reports = reportsHandler({
  athena,
  workgroup: env.WORKGROUP,
  namedQueryIds: env.NAMED_QUERY_IDS,
  windowDays: env.WINDOW_DAYS,
  maxAgeSeconds: env.MAX_AGE_SECONDS,
  allowedOrigin: env.ALLOWED_ORIGIN,
  logger,
});

export const handler = apiEntry((event) => reports(event), { logger, metrics });
