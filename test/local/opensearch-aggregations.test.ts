// The OpenSearch fake's aggregations, over HTTP as a client sees them, against the documented
// response shape (docs.opensearch.org, aggregations/bucket/terms and filter): `aggregations.
// <name>.buckets[{ key, doc_count }]` with `doc_count_error_upper_bound` and `sum_other_doc_count`,
// ordered by doc_count descending; a filter's `doc_count` and its sub-aggregations.
import { strict as assert } from "node:assert";
import { ordersIndex, ordersIndexTemplate } from "../../handlers/shared/order-index";
import { FakeOpenSearch } from "../../testing/opensearch-server";

async function send(
  fake: FakeOpenSearch,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(new URL(path, fake.endpoint), {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  return { status: response.status, body: await response.json() };
}

const doc = (id: string, status: string, createdAt: string, skus: string[]) => ({
  orderId: id,
  customerId: "c1",
  status,
  createdAt,
  updatedAt: createdAt,
  currency: "USD",
  itemCount: skus.length,
  totalCents: 100,
  version: 1,
  lines: skus.map((sku) => ({ sku, name: `Name of ${sku}`, quantity: 1, unitPriceCents: 100, lineTotalCents: 100 })),
});

describe("local: the OpenSearch fake's terms and filter aggregations", () => {
  let fake: FakeOpenSearch;
  before(async () => {
    fake = await new FakeOpenSearch().start();
    assert.equal(
      (await send(fake, "PUT", `/${ordersIndex}`, { mappings: ordersIndexTemplate.template.mappings })).status,
      200,
    );
    const docs = [
      doc("o1", "PLACED", "2026-01-01T00:00:00Z", ["A-1", "B-1"]),
      doc("o2", "PAID", "2026-01-02T00:00:00Z", ["A-1", "B-1", "C-1"]),
      doc("o3", "SHIPPED", "2026-02-01T00:00:00Z", ["A-1", "D-1", "D-1"]),
      doc("o4", "CANCELLED", "2026-02-02T00:00:00Z", ["A-1", "E-1"]),
    ];
    for (const d of docs) assert.equal((await send(fake, "PUT", `/${ordersIndex}/_doc/${d.orderId}`, d)).status, 201);
  });
  after(async () => fake.stop());

  it("counts documents per term (once per document), by doc_count descending then key, with what the size left out in sum_other_doc_count", async () => {
    const { status, body } = await send(fake, "POST", `/${ordersIndex}/_search`, {
      size: 0,
      aggs: { skus: { terms: { field: "lines.sku", size: 3 } } },
    });
    assert.equal(status, 200);
    assert.deepEqual(body.hits.hits, []);
    assert.equal(body.hits.total.value, 4);
    assert.deepEqual(body.aggregations, {
      skus: {
        doc_count_error_upper_bound: 0,
        // D-1 and E-1 (one document each: D-1 counts o3 once although it holds it twice) did not fit.
        sum_other_doc_count: 2,
        buckets: [
          { key: "A-1", doc_count: 4 },
          { key: "B-1", doc_count: 2 },
          { key: "C-1", doc_count: 1 },
        ],
      },
    });
  });

  it("aggregates only the documents the query matches, with exclude taking terms out", async () => {
    const { body } = await send(fake, "POST", `/${ordersIndex}/_search`, {
      size: 0,
      query: { bool: { filter: [{ term: { "lines.sku": "B-1" } }], must_not: [{ term: { status: "CANCELLED" } }] } },
      aggs: { also: { terms: { field: "lines.sku", exclude: ["B-1"] } } },
    });
    assert.deepEqual(body.aggregations.also.buckets, [
      { key: "A-1", doc_count: 2 },
      { key: "C-1", doc_count: 1 },
    ]);
    assert.equal(body.aggregations.also.sum_other_doc_count, 0);
  });

  it("nests a terms aggregation under a filter aggregation: the filter's doc_count and its buckets", async () => {
    const { body } = await send(fake, "POST", `/${ordersIndex}/_search`, {
      size: 0,
      aggs: {
        february: {
          filter: { range: { createdAt: { gte: "2026-02-01T00:00:00Z" } } },
          aggs: { skus: { terms: { field: "lines.sku", size: 10 } } },
        },
      },
    });
    assert.equal(body.aggregations.february.doc_count, 2);
    assert.deepEqual(body.aggregations.february.skus.buckets, [
      { key: "A-1", doc_count: 2 },
      { key: "D-1", doc_count: 1 },
      { key: "E-1", doc_count: 1 },
    ]);
  });

  it("answers no aggregations key when none is asked, and hits alongside aggregations when size allows", async () => {
    const plain = await send(fake, "POST", `/${ordersIndex}/_search`, { query: { term: { orderId: "o1" } } });
    assert.equal("aggregations" in plain.body, false);
    const both = await send(fake, "POST", `/${ordersIndex}/_search`, {
      query: { term: { orderId: "o1" } },
      aggs: { s: { terms: { field: "status" } } },
    });
    assert.equal(both.body.hits.hits.length, 1);
    assert.deepEqual(both.body.aggregations.s.buckets, [{ key: "PLACED", doc_count: 1 }]);
  });

  it("refuses what OpenSearch refuses or the fake does not know, rather than answering wrongly", async () => {
    const onText = await send(fake, "POST", `/${ordersIndex}/_search`, {
      size: 0,
      aggs: { names: { terms: { field: "lines.name" } } },
    });
    assert.equal(onText.status, 400);
    assert.equal(onText.body.error.type, "illegal_argument_exception");
    assert.match(onText.body.error.reason, /Text fields are not optimised/);
    const onKeyword = await send(fake, "POST", `/${ordersIndex}/_search`, {
      size: 0,
      aggs: { names: { terms: { field: "lines.name.keyword", size: 1 } } },
    });
    assert.deepEqual(onKeyword.body.aggregations.names.buckets, [{ key: "Name of A-1", doc_count: 4 }]);
    const unknown = await send(fake, "POST", `/${ordersIndex}/_search`, {
      size: 0,
      aggs: { x: { cardinality: { field: "status" } } },
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.type, "parsing_exception");
    const regex = await send(fake, "POST", `/${ordersIndex}/_search`, {
      size: 0,
      aggs: { x: { terms: { field: "status", exclude: "CANC.*" } } },
    });
    assert.equal(regex.status, 400);
  });
});
