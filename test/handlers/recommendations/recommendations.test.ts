// GET /recommendations and GET /recommendations/me against dynalite (the tables seeded as the
// program seeds them) and the OpenSearch fake holding orders under the real index mapping:
// co-purchase from the orders, popular as the cold start, the catalog when search has nothing
// or fails, Personalize when configured, never an out-of-stock product.
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { GetRecommendationsCommand } from "@aws-sdk/client-personalize-runtime";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { createOpenSearchClient, type OpenSearchClient } from "../../../handlers/lib/opensearch-client";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { strict as assert } from "node:assert";
import {
  privateCacheControl,
  publicCacheControl,
  type RecommendationsResponse,
  recommendationsResponseSchema,
} from "../../../handlers/recommendations/contract";
import {
  createRecommendationsApi,
  type RecommendationsApiDependencies,
} from "../../../handlers/recommendations/router";
import { TtlCache } from "../../../handlers/recommendations/ttl-cache";
import type { Order } from "../../../handlers/shared/order";
import { ordersIndex, ordersIndexTemplate, toOrderSearchDocument } from "../../../handlers/shared/order-index";
import { clientConfig, type Emulator, startDynamoDb } from "../../../testing/emulators";
import { FakeOpenSearch } from "../../../testing/opensearch-server";
import { recordHttpCall, recordingClient, recordingSender } from "../../../testing/aws-calls";
import { lambdaContext, ordersEvent } from "../../../testing/orders-events";
import { allowedOrigin, createOrderTables, tables } from "../../../testing/orders-fixture";

const mug = "KIT-MUG-STN-12";
const pan = "KIT-PAN-CST-10";
const knife = "KIT-KNF-CHF-8";
const board = "KIT-BRD-BMB-L";
const lamp = "HOM-LAMP-DSK-BRS";
const throwBlanket = "HOM-THR-KNT-OAT";
const relatedItemsArn = "arn:aws:personalize:us-east-1:123456789012:campaign/also-bought";
const userRecommendationsArn = "arn:aws:personalize:us-east-1:123456789012:recommender/for-you";

let orderNumber = 0;
function order(skus: string[], status: Order["status"] = "PLACED"): Order {
  orderNumber += 1;
  const lines = skus.map((sku) => ({ sku, name: sku, quantity: 1, unitPriceCents: 1000, lineTotalCents: 1000 }));
  return {
    orderId: `00000000-0000-4000-8000-${String(orderNumber).padStart(12, "0")}`,
    customerId: "customer-1",
    status,
    createdAt: new Date(Date.now() - 86_400_000).toISOString(),
    updatedAt: new Date().toISOString(),
    currency: "USD",
    lines,
    itemCount: lines.length,
    totalCents: 1000 * lines.length,
    version: 1,
  };
}

const orders = [
  order([mug, pan]),
  order([mug, pan, knife]),
  order([mug, board]),
  order([mug, lamp], "CANCELLED"),
  order([pan]),
];

async function put(fake: FakeOpenSearch, path: string, body: unknown): Promise<void> {
  const response = await fetch(new URL(path, fake.endpoint), {
    method: "PUT",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  assert.ok(response.ok, `${path}: ${response.status} ${await response.text()}`);
}

const skusOf = (body: RecommendationsResponse) => body.items.map((p) => p.sku);

const searchClient = (endpoint: string) =>
  createOpenSearchClient({
    endpoint,
    region: "us-east-1",
    credentials: async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }),
  });

describe("recommendations: GET /recommendations, GET /recommendations/me", () => {
  let dynamo: Emulator;
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let fake: FakeOpenSearch;
  let handlerDocumentClient: DynamoDBDocumentClient;
  const binding = {
    PRODUCTS_TABLE: tables.products,
    INVENTORY_TABLE: tables.inventory,
    RELATED_ITEMS_ARN: relatedItemsArn,
    USER_RECOMMENDATIONS_ARN: userRecommendationsArn,
  };

  before(async () => {
    dynamo = await startDynamoDb();
    client = new DynamoDBClient(clientConfig(dynamo));
    doc = DynamoDBDocumentClient.from(client);
    await createOrderTables(client);
    process.env.POWERTOOLS_METRICS_DISABLED = "true";
    handlerDocumentClient = DynamoDBDocumentClient.from(
      recordingClient("recommendations", "dynamodb", new DynamoDBClient(clientConfig(dynamo)), binding),
    );
    fake = await new FakeOpenSearch().start();
    await put(fake, `/${ordersIndex}`, {
      settings: ordersIndexTemplate.template.settings,
      mappings: ordersIndexTemplate.template.mappings,
    });
    for (const o of orders)
      await put(
        fake,
        `/${ordersIndex}/_doc/${o.orderId}`,
        toOrderSearchDocument(o as unknown as Record<string, unknown>),
      );
  });
  after(async () => {
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    await fake.stop();
    client.destroy();
    await dynamo.stop();
  });

  function api(overrides: Partial<RecommendationsApiDependencies> = {}) {
    const handler = createRecommendationsApi({
      documentClient: handlerDocumentClient,
      productsTable: tables.products,
      inventoryTable: tables.inventory,
      search: searchClient(fake.endpoint),
      allowedOrigin,
      logger: new Logger({ logLevel: "SILENT" }),
      metrics: new Metrics({ namespace: "Ecommerce/Recommendations", serviceName: "recommendations" }),
      ...overrides,
    });
    return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
      const before = fake.requests.length;
      try {
        return await handler(event, lambdaContext());
      } finally {
        // What the handler sent to the domain, for the IAM simulator test.
        for (const r of fake.requests.slice(before)) recordHttpCall("recommendations", r.method, r.path);
      }
    };
  }
  const related = (sku: string, limit?: number) =>
    ordersEvent({
      resource: "/recommendations",
      method: "GET",
      query: { sku, ...(limit ? { limit: String(limit) } : {}) },
      claims: null,
    });
  const popular = () => ordersEvent({ resource: "/recommendations", method: "GET", claims: null });
  const mine = (sub = "customer-7") => ordersEvent({ resource: "/recommendations/me", method: "GET", claims: { sub } });
  const bodyOf = (response: APIGatewayProxyResult) => recommendationsResponseSchema.parse(JSON.parse(response.body));
  const setStock = (sku: string, stock: number) =>
    doc.send(
      new UpdateCommand({
        TableName: tables.inventory,
        Key: { sku },
        UpdateExpression: "SET stock = :s",
        ExpressionAttributeValues: { ":s": stock },
      }),
    );

  it("answers 'customers also bought' from the orders holding the sku: most co-purchased first, ties by sku, cancelled orders ignored, the sku itself never", async () => {
    const response = await api()(related(mug));
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers?.["Cache-Control"], publicCacheControl(60));
    assert.equal(response.headers?.["Access-Control-Allow-Origin"], allowedOrigin);
    const body = bodyOf(response);
    assert.equal(body.source, "co-purchase");
    assert.equal(body.basedOn, mug);
    assert.deepEqual(skusOf(body), [pan, board, knife]);
    assert.ok(body.items.every((p) => p.stock > 0 && p.name.length > 0));
  });

  it("aggregates on the keyword field lines.sku with the sku excluded, in one size-0 search", async () => {
    const before = fake.requests.length;
    await api()(related(mug, 2));
    const searches = fake.requests.slice(before).filter((r) => r.path === `/${ordersIndex}/_search`);
    assert.equal(searches.length, 1);
    const body = JSON.parse(searches[0].body);
    assert.equal(body.size, 0);
    assert.deepEqual(body.aggs.also_bought.terms, { field: "lines.sku", size: 7, exclude: [mug] });
  });

  it("never recommends what is out of stock, and honours limit", async () => {
    await setStock(pan, 0);
    try {
      const body = bodyOf(await api()(related(mug, 1)));
      assert.equal(body.source, "co-purchase");
      assert.deepEqual(skusOf(body), [board]);
    } finally {
      await setStock(pan, 35);
    }
  });

  it("falls back to popular items when nobody bought the product with anything (cold start)", async () => {
    const body = bodyOf(await api()(related(throwBlanket, 3)));
    assert.equal(body.source, "popular");
    assert.equal(body.basedOn, throwBlanket);
    // Orders per sku (not cancelled): mug 3, pan 3, board 1, knife 1.
    assert.deepEqual(skusOf(body), [mug, pan, board]);
  });

  it("answers popular items to anyone without a sku", async () => {
    const response = await api()(popular());
    const body = bodyOf(response);
    assert.equal(body.source, "popular");
    assert.equal(body.basedOn, undefined);
    assert.deepEqual(skusOf(body), [mug, pan, board, knife]);
    assert.equal(response.headers?.["Cache-Control"], publicCacheControl(60));
  });

  it("falls back to the best-stocked catalog items when the orders index does not exist yet", async () => {
    const empty = await new FakeOpenSearch().start();
    try {
      const body = bodyOf(await api({ search: searchClient(empty.endpoint) })(related(mug, 3)));
      assert.equal(body.source, "catalog");
      // Stock: ELC-CBL-USBC-2M 200, (mug 150 is the product itself), tees 120 each (ties by sku).
      assert.deepEqual(skusOf(body), ["ELC-CBL-USBC-2M", "APP-TEE-CRW-BLK", "APP-TEE-CRW-WHT"]);
    } finally {
      await empty.stop();
    }
  });

  it("answers from the catalog, not with an error, when the search domain fails", async () => {
    fake.requestFault = () => ({
      status: 503,
      body: { error: { type: "cluster_block_exception", reason: "unavailable" }, status: 503 },
    });
    try {
      const response = await api()(related(mug, 2));
      assert.equal(response.statusCode, 200);
      assert.equal(bodyOf(response).source, "catalog");
    } finally {
      fake.requestFault = undefined;
    }
  });

  it("does not wait past its budget for a search that never answers: the catalog answers instead", async () => {
    const hanging: OpenSearchClient = { request: () => new Promise<never>(() => {}) };
    const response = await api({ search: hanging, timeouts: { personalizeMs: 20, searchMs: 20 } })(related(mug, 2));
    assert.equal(response.statusCode, 200);
    assert.equal(bodyOf(response).source, "catalog");
  });

  it("keeps answers in the container: a repeated question does not reach the search domain again", async () => {
    const handler = api();
    await handler(related(board));
    const before = fake.requests.length;
    const again = bodyOf(await handler(related(board)));
    assert.equal(fake.requests.length, before);
    assert.equal(again.source, "co-purchase");
    assert.deepEqual(skusOf(again), [mug]);
  });

  it("keeps a cold-start or fallback answer a tenth as long as one from the preferred source, so co-purchases show soon after the first orders", async () => {
    let now = 0;
    const handler = api({ clock: () => now, cacheTtlMs: 60_000 });
    const searches = () => fake.requests.filter((r) => r.path.endsWith("/_search")).length;
    const coldStart = await handler(related(throwBlanket));
    assert.equal(
      coldStart.headers?.["Cache-Control"],
      "public, max-age=6, stale-while-revalidate=30",
      "browsers and shared caches keep it no longer than the container",
    );
    await handler(related(mug));
    const asked = searches();
    now = 6_001;
    assert.equal(bodyOf(await handler(related(throwBlanket))).source, "popular");
    assert.equal(
      searches(),
      asked + 2,
      "the cold start (popular, after an empty co-purchase) is asked again after 6 s",
    );
    assert.equal(bodyOf(await handler(related(mug))).source, "co-purchase");
    assert.equal(searches(), asked + 2, "the co-purchase answer is still served from the cache");
    now = 45_000;
    assert.equal(
      (await handler(related(mug))).headers?.["Cache-Control"],
      "public, max-age=15, stale-while-revalidate=75",
      "a kept answer is fresh for what the container has left of it",
    );
    now = 60_001;
    await handler(related(mug));
    assert.equal(searches(), asked + 3);
  });

  it("asks Personalize first when a related-items campaign is configured, dropping the product itself and what is sold out", async () => {
    const sent: GetRecommendationsCommand[] = [];
    const personalize = recordingSender(
      "recommendations",
      "personalize-runtime",
      {
        send: async (command: GetRecommendationsCommand) => {
          sent.push(command);
          return {
            itemList: [{ itemId: board }, { itemId: mug }, { itemId: "XYZ-GONE-1" }, { itemId: lamp }],
            recommendationId: "r1",
          };
        },
      },
      binding,
    );
    await setStock(lamp, 0);
    try {
      const body = bodyOf(await api({ personalize: personalize as any, relatedItemsArn })(related(mug, 3)));
      assert.equal(body.source, "personalize");
      assert.deepEqual(skusOf(body), [board]);
      assert.equal(sent[0].input.campaignArn, relatedItemsArn);
      assert.equal(sent[0].input.itemId, mug);
      assert.equal(sent[0].input.numResults, 10);
    } finally {
      await setStock(lamp, 15);
    }
  });

  it("falls back from a failing Personalize to the orders index", async () => {
    const personalize = {
      send: async () => {
        throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
      },
    };
    const body = bodyOf(await api({ personalize: personalize as any, relatedItemsArn })(related(mug)));
    assert.equal(body.source, "co-purchase");
    assert.deepEqual(skusOf(body), [pan, board, knife]);
  });

  it("recommends for the signed-in shopper from a Personalize recommender by their verified sub, privately cached", async () => {
    const sent: GetRecommendationsCommand[] = [];
    const personalize = recordingSender(
      "recommendations",
      "personalize-runtime",
      {
        send: async (command: GetRecommendationsCommand) => {
          sent.push(command);
          return { itemList: [{ itemId: knife }, { itemId: pan }] };
        },
      },
      binding,
    );
    const response = await api({ personalize: personalize as any, userRecommendationsArn })(mine("sub-42"));
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers?.["Cache-Control"], privateCacheControl(60));
    assert.equal(response.headers?.Vary, "Authorization");
    const body = bodyOf(response);
    assert.equal(body.source, "personalize");
    assert.deepEqual(skusOf(body), [knife, pan]);
    assert.equal(sent[0].input.recommenderArn, userRecommendationsArn);
    assert.equal(sent[0].input.campaignArn, undefined);
    assert.equal(sent[0].input.userId, "sub-42");
  });

  it("recommends popular items to a signed-in shopper when no user campaign is configured", async () => {
    const body = bodyOf(await api()(mine()));
    assert.equal(body.source, "popular");
    assert.deepEqual(skusOf(body), [mug, pan, board, knife]);
  });

  it("refuses /recommendations/me without verified claims (401) and a malformed sku or limit (400), none of it cached", async () => {
    const handler = api();
    const anonymous = await handler(ordersEvent({ resource: "/recommendations/me", method: "GET", claims: null }));
    assert.equal(anonymous.statusCode, 401);
    const badSku = await handler(related("not a sku"));
    assert.equal(badSku.statusCode, 400);
    assert.equal(JSON.parse(badSku.body).details[0].path, "sku");
    assert.equal(badSku.headers?.["Cache-Control"], "no-store");
    const badLimit = await handler(
      ordersEvent({ resource: "/recommendations", method: "GET", query: { limit: "0" }, claims: null }),
    );
    assert.equal(badLimit.statusCode, 400);
    for (const limit of ["0x4", "4e0", "4.0", " 4"]) {
      const lenient = await handler(
        ordersEvent({ resource: "/recommendations", method: "GET", query: { limit }, claims: null }),
      );
      assert.equal(lenient.statusCode, 400, `limit=${JSON.stringify(limit)}`);
      assert.match(JSON.parse(lenient.body).details[0].message, /decimal digits only/);
    }
    const post = await handler(ordersEvent({ resource: "/recommendations", method: "POST", claims: null }));
    assert.equal(post.statusCode, 405);
  });
});

describe("recommendations: the container's answer cache", () => {
  it("forgets an answer after its time to live and drops the oldest beyond its size", () => {
    let now = 0;
    const cache = new TtlCache<string>(2, () => now);
    cache.set("a", "A", 100);
    cache.set("b", "B", 10);
    now = 50;
    assert.equal(cache.get("a"), "A");
    assert.equal(cache.get("b"), undefined);
    cache.set("c", "C", 100);
    cache.set("d", "D", 100);
    assert.equal(cache.size, 2);
    assert.equal(cache.get("a"), undefined);
    assert.equal(cache.get("d"), "D");
  });
});
