// SearchIndexer Lambda: the orders table's DynamoDB stream → the OpenSearch `orders` index.
// Thin entry: reads the environment, wires the clients once per container, and hands each
// batch to the core (./indexer.ts).
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { SQSClient } from "@aws-sdk/client-sqs";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import * as z from "zod";
import { SqsDeadLetterQueue } from "./dead-letter";
import { IndexBootstrap } from "./index-bootstrap";
import { createSearchIndexer } from "./indexer";
import { createOpenSearchClient } from "../lib/opensearch-client";
import { createTelemetry } from "../lib/telemetry";

export const environmentSchema = z.object({
  OPENSEARCH_ENDPOINT: z.url({ protocol: /^https$/, error: "OPENSEARCH_ENDPOINT must be the domain's https:// endpoint" }),
  DEAD_LETTER_QUEUE_URL: z.url({ protocol: /^https$/, error: "DEAD_LETTER_QUEUE_URL must be an https:// SQS queue URL" }),
  AWS_REGION: z.string().min(1, { error: "AWS_REGION is required" }),
  POWERTOOLS_SERVICE_NAME: z.string().min(1).default("search-indexer"),
  POWERTOOLS_METRICS_NAMESPACE: z.string().min(1).default("Ecommerce/Search"),
});
export type Environment = z.infer<typeof environmentSchema>;

export function readEnvironment(env: NodeJS.ProcessEnv): Environment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`search-indexer environment is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

const env = readEnvironment(process.env);
const { logger, metrics, captureClient } = createTelemetry({ serviceName: env.POWERTOOLS_SERVICE_NAME, metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE });
const client = createOpenSearchClient({ endpoint: env.OPENSEARCH_ENDPOINT, region: env.AWS_REGION, credentials: defaultProvider() });
const indexStreamBatch = createSearchIndexer({
  client,
  bootstrap: new IndexBootstrap(client, logger),
  deadLetters: new SqsDeadLetterQueue(captureClient(new SQSClient({ region: env.AWS_REGION })), env.DEAD_LETTER_QUEUE_URL),
  logger,
  metrics,
});

export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  logger.addContext(context);
  try {
    return await indexStreamBatch(event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
}
