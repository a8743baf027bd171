// A resource whose URN changes is, to `pulumi up`, a new resource and a deleted one: the lake,
// the stream, the tables and the search domain would be replaced, their data gone. The
// Ingestion and Orders components are split into files of named children; their stateful
// resources must keep the parents (and so the URNs) they were deployed with.
import { strict as assert } from "node:assert";
import { sharedProgramRun } from "../../testing/program";

/** Parent type chain, type and name: what a URN is made of besides stack and project. */
const deployed = [
  "ecommerce:ingestion:Ingestion$aws:kms/key:Key::ingestion-key",
  "ecommerce:ingestion:Ingestion$aws:kinesis/stream:Stream::ingestion-stream",
  "ecommerce:ingestion:Ingestion$ecommerce:lib:PrivateBucket$aws:s3/bucket:Bucket::ingestion-lake",
  "ecommerce:ingestion:Ingestion$aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream::ingestion-delivery",
  "ecommerce:ingestion:Ingestion$ecommerce:lib:DeadLetterQueue$aws:sqs/queue:Queue::ingestion-processor-dlq",
  "ecommerce:orders:Orders$ecommerce:orders:OrderTables$aws:dynamodb/table:Table::orders-tables-orders",
  "ecommerce:orders:Orders$ecommerce:orders:OrderTables$aws:dynamodb/table:Table::orders-tables-products",
  "ecommerce:orders:Orders$ecommerce:orders:OrderTables$aws:dynamodb/table:Table::orders-tables-inventory",
  "ecommerce:orders:Orders$ecommerce:orders:OrderTables$aws:dynamodb/table:Table::orders-tables-idempotency",
  "ecommerce:orders:Orders$ecommerce:orders:SearchDomain$aws:opensearch/domain:Domain::orders-search",
  "ecommerce:orders:Orders$ecommerce:lib:DeadLetterQueue$aws:sqs/queue:Queue::orders-indexer-dlq",
];

describe("stateful resources keep their URNs", () => {
  it("the lake, stream, key, delivery stream, tables, domain and dead-letter queues are where they were deployed", async () => {
    const { mocks } = await sharedProgramRun("prod");
    const areas = /^ecommerce:(ingestion|orders):/;
    const urnParts = mocks.resources
      .map((r) => `${[...r.parentTypes.filter((t) => t !== "pulumi:pulumi:Stack"), r.type].join("$")}::${r.name}`)
      .filter((key) => areas.test(key));
    for (const key of deployed)
      assert.ok(
        urnParts.includes(key),
        `${key} is no longer registered: add an alias to its old parent, or it is replaced`,
      );
  });
});
