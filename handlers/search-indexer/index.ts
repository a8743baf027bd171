// SearchIndexer Lambda: the orders table's DynamoDB stream → the OpenSearch `orders` index.
// Thin entry: reads the environment, wires the clients once per container, and hands each
// batch to the core (./indexer.ts).
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { readEnvironment } from "../lib/environment";
import { searchIndexerContract } from "./contract";
import { loadSqsPackage, SqsDeadLetterQueue, type SqsSender } from "./dead-letter";
import { IndexBootstrap } from "./index-bootstrap";
import { createSearchIndexer } from "./indexer";
import { lazySender } from "../lib/lazy-client";
import { createOpenSearchClient } from "../lib/opensearch-client";
import { createTelemetry } from "../lib/telemetry";

const env = readEnvironment(searchIndexerContract, process.env);
const { logger, metrics, captureClient } = createTelemetry({
  serviceName: env.POWERTOOLS_SERVICE_NAME,
  metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE,
});
const client = createOpenSearchClient({
  endpoint: env.OPENSEARCH_ENDPOINT,
  region: env.AWS_REGION,
  credentials: defaultProvider(),
});
const indexStreamBatch = createSearchIndexer({
  client,
  bootstrap: new IndexBootstrap(client, logger),
  // Only a record that cannot be indexed needs SQS: its package and client load on the first dead letter.
  deadLetters: new SqsDeadLetterQueue(
    lazySender(async (): Promise<SqsSender> => {
      const { SQSClient } = await loadSqsPackage();
      return captureClient(new SQSClient({ region: env.AWS_REGION }));
    }),
    env.DEAD_LETTER_QUEUE_URL,
  ),
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
