// SearchIndexer Lambda: the orders table's DynamoDB stream → the OpenSearch `orders` index.
// Thin entry: reads the environment, wires the clients once per container, and hands each
// batch to the core (./indexer.ts).
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { SQSClient } from "@aws-sdk/client-sqs";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { readEnvironment } from "../lib/environment";
import { searchIndexerContract } from "./contract";
import { SqsDeadLetterQueue } from "./dead-letter";
import { IndexBootstrap } from "./index-bootstrap";
import { createSearchIndexer } from "./indexer";
import { createSearchClient } from "./search-client";

const env = readEnvironment(searchIndexerContract);
const logger = new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME });
const metrics = new Metrics({ namespace: env.POWERTOOLS_METRICS_NAMESPACE, serviceName: env.POWERTOOLS_SERVICE_NAME });
const client = createSearchClient({ node: env.OPENSEARCH_ENDPOINT, region: env.AWS_REGION, getCredentials: defaultProvider() });
const indexStreamBatch = createSearchIndexer({
  client,
  bootstrap: new IndexBootstrap(client, logger),
  deadLetters: new SqsDeadLetterQueue(new SQSClient({ region: env.AWS_REGION }), env.DEAD_LETTER_QUEUE_URL),
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
