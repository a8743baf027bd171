// What the route is given by the entry point (index.ts) or by a test: the OpenSearch client
// and telemetry. Nothing here reads the environment.
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { OpenSearchClient } from "../lib/opensearch-client";

export interface OrderSearchDependencies {
  /** OpenSearch, holding the `orders` index the SearchIndexer maintains. */
  search: OpenSearchClient;
  /** Value of Access-Control-Allow-Origin on every response. */
  allowedOrigin: string;
  logger: Logger;
  metrics: Metrics;
}
