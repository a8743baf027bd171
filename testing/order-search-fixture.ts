// OrderSearch's router wired to a local OpenSearch stand-in that records the `_search` it
// receives (testing/orders-search-server.ts); what it sends is recorded for the IAM test.
import { Logger } from "@aws-lambda-powertools/logger";
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { createOpenSearchClient } from "../handlers/lib/opensearch-client";
import { createOrderSearchApi } from "../handlers/orders-search/router";
import { recordHttpCall } from "./aws-calls";
import { allowedOrigin, quietMetrics } from "./orders-fixture";
import { lambdaContext } from "./orders-events";
import { type SearchServer, startSearchServer } from "./orders-search-server";

export interface OrderSearchFixture {
  /** Runs the handler with `remainingTimeMs` left in the invocation (default 10 s). */
  invoke(event: APIGatewayProxyEvent, remainingTimeMs?: number): Promise<APIGatewayProxyResult>;
  searchServer: SearchServer;
  metrics: Metrics;
  stop(): Promise<void>;
}

export async function startOrderSearchFixture(): Promise<OrderSearchFixture> {
  const searchServer = await startSearchServer();
  const metrics = quietMetrics();
  const api = createOrderSearchApi({
    search: createOpenSearchClient({
      endpoint: searchServer.endpoint,
      region: "us-east-1",
      credentials: async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }),
    }),
    allowedOrigin,
    logger: new Logger({ logLevel: "SILENT" }),
    metrics,
  });
  return {
    invoke: async (event, remainingTimeMs) => {
      const searchesBefore = searchServer.requests.length;
      try {
        return await api(event, lambdaContext(remainingTimeMs));
      } finally {
        for (const r of searchServer.requests.slice(searchesBefore)) recordHttpCall("orders-search", r.method, r.path);
      }
    },
    searchServer,
    metrics,
    stop: async () => {
      metrics.clearMetrics();
      await searchServer.stop();
    },
  };
}
