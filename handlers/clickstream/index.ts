// ClickstreamProcessor entry: reads its environment, wires the SDK clients and Powertools,
// and hands each Kinesis batch to the core. Misconfiguration fails the cold start with a
// message naming the variable.
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { PersonalizeEventsClient } from "@aws-sdk/client-personalize-events";
import { S3Client } from "@aws-sdk/client-s3";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
// Namespace import: lets esbuild tree-shake zod (the `{ z }` form bundles all of it, ~450 KB).
import * as z from "zod";
import { clickstreamMetricNames } from "./counts";
import { processClickstreamBatch, type ClickstreamProcessorDeps } from "./process-batch";

export const environmentSchema = z.object({
  FIREHOSE_STREAM_NAME: z.string().min(1, { error: "FIREHOSE_STREAM_NAME (the lake's delivery stream) is required" }),
  LAKE_BUCKET: z.string().min(1, { error: "LAKE_BUCKET (the lake bucket, for the quarantine) is required" }),
  QUARANTINE_PREFIX: z
    .string()
    .default("quarantine/")
    .transform((prefix) => (prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`)),
  // Absent or blank: Personalize is disabled.
  PERSONALIZE_TRACKING_ID: z
    .string()
    .optional()
    .transform((id) => (id?.trim() ? id.trim() : undefined)),
  PERSONALIZE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
});
export type ClickstreamEnvironment = z.infer<typeof environmentSchema>;

export function readEnvironment(env: NodeJS.ProcessEnv): ClickstreamEnvironment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`ClickstreamProcessor environment is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

const environment = readEnvironment(process.env);
// POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE come from the environment.
const logger = new Logger();
const metrics = new Metrics();
// One retry layer: the core's (bounded, counted in metrics), not the SDK's on top of it.
const deps: ClickstreamProcessorDeps = {
  firehose: { client: new FirehoseClient({ maxAttempts: 1 }), deliveryStreamName: environment.FIREHOSE_STREAM_NAME },
  personalize: environment.PERSONALIZE_TRACKING_ID
    ? {
        client: new PersonalizeEventsClient({ maxAttempts: 1 }),
        trackingId: environment.PERSONALIZE_TRACKING_ID,
        concurrency: environment.PERSONALIZE_CONCURRENCY,
      }
    : undefined,
  quarantine: { client: new S3Client({}), bucket: environment.LAKE_BUCKET, prefix: environment.QUARANTINE_PREFIX },
  logger,
};

export async function handler(event: KinesisStreamEvent, context: Context): Promise<KinesisStreamBatchResponse> {
  logger.addContext(context);
  metrics.captureColdStartMetric();
  try {
    const { response, counts } = await processClickstreamBatch(event, deps);
    for (const name of clickstreamMetricNames) metrics.addMetric(name, MetricUnit.Count, counts[name]);
    logger.info("Clickstream batch processed", { counts });
    return response;
  } finally {
    metrics.publishStoredMetrics();
  }
}
