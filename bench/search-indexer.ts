// SearchIndexer figures: documents/s for a 1,000-record stream batch against the local
// OpenSearch wire-format server, and _bulk requests against the minimum the 5 MiB cap allows.
// The bundle's bytes and cold import are in bench/cold-start.ts.
import type { DynamoDBRecord } from "aws-lambda";
import { Logger } from "@aws-lambda-powertools/logger";
import type { SendMessageCommandOutput } from "@aws-sdk/client-sqs";
import { maxBulkRequestBytes } from "../handlers/search-indexer/bulk-request";
import { SqsDeadLetterQueue } from "../handlers/search-indexer/dead-letter";
import { IndexBootstrap } from "../handlers/search-indexer/index-bootstrap";
import { createSearchIndexer } from "../handlers/search-indexer/indexer";
import { createOpenSearchClient } from "../handlers/lib/opensearch-client";
import { insertRecord, order, streamEvent } from "../testing/opensearch-order-records";
import { FakeOpenSearch } from "../testing/opensearch-server";
import { type BenchRow, formatNumber, percentile } from "./table";

/** A DynamoDB partition takes at most 1,000 writes/s: the most one stream shard can carry. */
const partitionWritesPerSecond = 1000;

async function withIndexer<T>(
  run: (index: (records: DynamoDBRecord[]) => Promise<unknown>, server: FakeOpenSearch) => Promise<T>,
): Promise<T> {
  const server = await new FakeOpenSearch().start();
  const client = createOpenSearchClient({
    endpoint: server.endpoint,
    region: "us-east-1",
    credentials: async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }),
  });
  const logger = new Logger({ logLevel: "SILENT" });
  const sqs = { send: async (): Promise<SendMessageCommandOutput> => ({ $metadata: {} }) };
  const indexer = createSearchIndexer({
    client,
    bootstrap: new IndexBootstrap(client, logger),
    deadLetters: new SqsDeadLetterQueue(sqs, "https://sqs.us-east-1.amazonaws.com/123456789012/dlq"),
    logger,
    metrics: { addMetric: () => undefined },
  });
  try {
    return await run((records) => indexer(streamEvent(...records)), server);
  } finally {
    await server.stop();
  }
}

function batch(prefix: string, size: number, lines?: ReturnType<typeof order>["lines"]): DynamoDBRecord[] {
  return Array.from({ length: size }, (_, i) => insertRecord(order({ orderId: `${prefix}-${i}`, lines })));
}

async function throughput(): Promise<BenchRow[]> {
  return withIndexer(async (index) => {
    await index(batch("warm", 1000));
    const fresh: number[] = [];
    const replay: number[] = [];
    for (let run = 0; run < 7; run++) {
      const records = batch(`run${run}`, 1000);
      let started = process.hrtime.bigint();
      await index(records);
      fresh.push(Number(process.hrtime.bigint() - started) / 1e6);
      started = process.hrtime.bigint();
      await index(records); // the stream redelivers the batch: every item is a 409
      replay.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const docsPerSecond = 1000 / (percentile(fresh, 50) / 1000);
    const replayPerSecond = 1000 / (percentile(replay, 50) / 1000);
    return [
      {
        name: "indexer: 1,000-record batch, new orders (median of 7)",
        value: `${formatNumber(docsPerSecond)} docs/s (${formatNumber(percentile(fresh, 50), 1)} ms)`,
        reference: `${formatNumber(partitionWritesPerSecond)} writes/s (one DynamoDB partition)`,
        ratio: docsPerSecond / partitionWritesPerSecond,
        kind: "noisy",
      },
      {
        name: "indexer: same batch replayed (all 409, skipped)",
        value: `${formatNumber(replayPerSecond)} docs/s (${formatNumber(percentile(replay, 50), 1)} ms)`,
        reference: `${formatNumber(partitionWritesPerSecond)} writes/s (one DynamoDB partition)`,
        ratio: replayPerSecond / partitionWritesPerSecond,
        kind: "noisy",
      },
    ];
  });
}

async function requestCounts(): Promise<BenchRow[]> {
  const bigLines = Array.from({ length: 50 }, (_, i) => ({
    sku: `SKU-${String(i).padStart(4, "0")}`,
    name: `Hand-thrown stoneware serving bowl, speckled oat glaze, ${"large ".repeat(60)}${i}`,
    quantity: 1,
    unitPriceCents: 4200,
    lineTotalCents: 4200,
  }));
  const cases: Array<[string, DynamoDBRecord[]]> = [
    ["1,000 typical orders", batch("typical", 1000)],
    ["250 orders of 50 long lines", batch("large", 250, bigLines)],
  ];
  const rows: BenchRow[] = [];
  for (const [label, records] of cases) {
    rows.push(
      await withIndexer(async (index, server) => {
        await index(records);
        const bulks = server.bulkRequests();
        const bytes = bulks.reduce((n, r) => n + Buffer.byteLength(r.body), 0);
        const minimum = Math.ceil(bytes / maxBulkRequestBytes);
        return {
          name: `_bulk requests: ${label} (${formatNumber(bytes / 1024 / 1024, 2)} MiB)`,
          value: `${bulks.length} requests`,
          reference: `min ${minimum} (ceil(bytes / 5 MiB))`,
          ratio: bulks.length / minimum,
          kind: "stable",
        };
      }),
    );
  }
  return rows;
}

export const benchmark = {
  title: "SearchIndexer (DynamoDB stream → OpenSearch _bulk, local wire-format server)",
  async run(): Promise<BenchRow[]> {
    return [...(await throughput()), ...(await requestCounts())];
  },
};
