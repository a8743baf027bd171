// ClickstreamProcessor entry: reads its environment, wires the SDK clients and Powertools,
// and hands each Kinesis batch to the core. Misconfiguration fails the cold start with a
// message naming the variable.
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { PersonalizeEventsClient } from "@aws-sdk/client-personalize-events";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from "aws-lambda";
import { lazySender } from "../lib/lazy-client";
import { createTelemetry } from "../lib/telemetry";
import { loadS3Package, quarantineClientConfig, sinkClientConfig } from "./clients";
import { clickstreamMetricNames } from "./counts";
import { readEnvironment } from "../lib/environment";
import { clickstreamContract } from "./contract";
import { processClickstreamBatch, type ClickstreamProcessorDeps } from "./process-batch";
import type { S3Sender } from "./quarantine-sink";

const environment = readEnvironment(clickstreamContract, process.env);
// The sinks' calls are X-Ray subsegments of each traced invocation (a few KB of our own
// emitter, not the X-Ray SDK: README, "Bundles and cold start").
const { logger, metrics, captureClient } = createTelemetry({
  serviceName: environment.POWERTOOLS_SERVICE_NAME,
  metricsNamespace: environment.POWERTOOLS_METRICS_NAMESPACE,
});
// One retry layer for the sinks: the core's (bounded, counted in metrics), not the SDK's on
// top of it; every client gives up on a silent connection (clients.ts). Only a malformed
// record needs S3: its package and client are loaded on the first quarantine write.
const deps: ClickstreamProcessorDeps = {
  firehose: {
    client: captureClient(new FirehoseClient(sinkClientConfig)),
    deliveryStreamName: environment.FIREHOSE_STREAM_NAME,
  },
  personalize: environment.PERSONALIZE_TRACKING_ID
    ? {
        client: captureClient(new PersonalizeEventsClient(sinkClientConfig)),
        trackingId: environment.PERSONALIZE_TRACKING_ID,
        concurrency: environment.PERSONALIZE_CONCURRENCY,
      }
    : undefined,
  quarantine: {
    client: lazySender(async (): Promise<S3Sender> => {
      const { S3Client } = await loadS3Package();
      return captureClient(new S3Client(quarantineClientConfig));
    }),
    bucket: environment.LAKE_BUCKET,
    prefix: environment.QUARANTINE_PREFIX,
  },
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
