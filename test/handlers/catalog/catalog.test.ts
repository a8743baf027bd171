// GET /products and GET /products/{sku} against dynalite, with the tables seeded as the
// program seeds them: the contract the storefront builds on.
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyResult } from "aws-lambda";
import { strict as assert } from "node:assert";
import catalog from "../../../catalog/products.json";
import { catalogCacheControl } from "../../../handlers/catalog/contract";
import { createCatalogApi, defaultCatalogKeptMs } from "../../../handlers/catalog/router";
import { recordingClient } from "../../../testing/aws-calls";
import { countDynamoDbCalls } from "../../../testing/dynamodb-call-counter";
import { type Product, type ProductPage, productPageSchema, productSchema } from "../../../handlers/shared/product";
import { clientConfig, type Emulator, startDynamoDb } from "../../../testing/emulators";
import { lambdaContext, ordersEvent } from "../../../testing/orders-events";
import { allowedOrigin, bodyOf, createOrderTables, tables } from "../../../testing/orders-fixture";

const byName = (a: Product, b: Product) =>
  a.name.localeCompare(b.name, "en", { sensitivity: "base" }) || (a.sku < b.sku ? -1 : 1);

/** The catalog API as the handler builds it, on the seeded tables, sending through `client`, on `clock`. */
const catalogApiOn = (client: DynamoDBClient, clock: () => number) =>
  createCatalogApi({
    clock,
    documentClient: DynamoDBDocumentClient.from(client),
    productsTable: tables.products,
    inventoryTable: tables.inventory,
    allowedOrigin,
    logger: new Logger({ logLevel: "SILENT" }),
    metrics: new Metrics({ namespace: "Ecommerce/Catalog", serviceName: "catalog" }),
  });

describe("catalog: GET /products, GET /products/{sku}", () => {
  let dynamo: Emulator;
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let api: ReturnType<typeof createCatalogApi>;
  // The kept catalog's clock: a test that changes the tables moves it past the kept period.
  let now = 0;
  const clock = () => now;
  const afterKeptPeriod = () => {
    now += defaultCatalogKeptMs;
  };

  before(async () => {
    dynamo = await startDynamoDb();
    client = new DynamoDBClient(clientConfig(dynamo));
    doc = DynamoDBDocumentClient.from(client);
    await createOrderTables(client);
    process.env.POWERTOOLS_METRICS_DISABLED = "true";
    // The handler's own client: what it sends is recorded for the IAM simulator test.
    const handlerClient = recordingClient("catalog", "dynamodb", new DynamoDBClient(clientConfig(dynamo)), {
      PRODUCTS_TABLE: tables.products,
      INVENTORY_TABLE: tables.inventory,
    });
    api = catalogApiOn(handlerClient, clock);
  });
  after(async () => {
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    client.destroy();
    await dynamo.stop();
  });

  const list = (query: Record<string, string> = {}) =>
    api(ordersEvent({ resource: "/products", method: "GET", query, claims: null }), lambdaContext());
  const one = (sku: string) =>
    api(
      ordersEvent({ resource: "/products/{sku}", method: "GET", pathParameters: { sku }, claims: null }),
      lambdaContext(),
    );
  const page = (response: APIGatewayProxyResult): ProductPage => productPageSchema.parse(bodyOf(response));

  async function everyPage(query: Record<string, string>): Promise<{ items: Product[]; pages: number }> {
    const items: Product[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await list({ ...query, ...(cursor ? { cursor } : {}) });
      assert.equal(response.statusCode, 200, response.body);
      const body = page(response);
      items.push(...body.items);
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    return { items, pages };
  }

  it("lists 24 products by default, by name, each with description, image, price and stock; public and cacheable", async () => {
    const response = await list();
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers?.["Cache-Control"], catalogCacheControl);
    assert.match(String(response.headers?.["Cache-Control"]), /^public, max-age=\d+, stale-while-revalidate=\d+$/);
    assert.equal(response.headers?.["Access-Control-Allow-Origin"], allowedOrigin);
    const body = page(response);
    assert.equal(body.items.length, 24);
    assert.equal(typeof body.nextCursor, "string");
    const expected = catalog
      .map((p) => productSchema.parse(p))
      .sort(byName)
      .slice(0, 24);
    assert.deepEqual(body.items, expected);
    for (const item of body.items) assert.equal(item.image, `/images/${item.sku}.svg`);
  });

  it("filters by category", async () => {
    const kitchen = page(await list({ category: "kitchen", limit: "100" }));
    assert.deepEqual(
      kitchen.items.map((p) => p.sku).sort(),
      catalog
        .filter((p) => p.category === "kitchen")
        .map((p) => p.sku)
        .sort(),
    );
    assert.equal(kitchen.nextCursor, undefined);
    assert.deepEqual(page(await list({ category: "garden" })).items, []);
  });

  it("sorts by price either way, sku breaking ties", async () => {
    const ascending = page(await list({ sort: "price", order: "asc", limit: "100" })).items;
    assert.equal(ascending.length, catalog.length);
    for (let i = 1; i < ascending.length; i++) {
      const [a, b] = [ascending[i - 1], ascending[i]];
      assert.ok(
        a.priceCents < b.priceCents || (a.priceCents === b.priceCents && a.sku < b.sku),
        `${a.sku} before ${b.sku}`,
      );
    }
    const descending = page(await list({ sort: "price", order: "desc", limit: "100" })).items;
    assert.deepEqual(descending, [...ascending].reverse());
    const names = page(await list({ sort: "name", order: "desc", limit: "100" })).items;
    assert.deepEqual(names, [...catalog.map((p) => productSchema.parse(p))].sort(byName).reverse());
  });

  for (const query of [
    { limit: "1" },
    { limit: "7", sort: "price" },
    { limit: "5", sort: "price", order: "desc", category: "electronics" },
    { limit: "3", sort: "name", order: "desc", category: "apparel" },
    { limit: "100" },
  ] as Record<string, string>[]) {
    it(`pages through every product exactly once, in order: ${JSON.stringify(query)}`, async () => {
      const { items, pages } = await everyPage(query);
      const all = page(await list({ ...query, limit: "100" })).items;
      assert.deepEqual(items, all);
      const expected = catalog.filter((p) => !query.category || p.category === query.category).length;
      assert.equal(items.length, expected);
      assert.equal(pages, Math.max(1, Math.ceil(expected / Number(query.limit))), "the last page hands out no cursor");
    });
  }

  it("a product added while paging neither repeats nor shifts the products already seen", async () => {
    const first = page(await list({ limit: "10" }));
    const added = { ...catalog[0], sku: "AAA-NEW-1", name: "Aardvark Plush", image: "/images/AAA-NEW-1.svg" };
    const { stock: _stock, ...entry } = added;
    await doc.send(new PutCommand({ TableName: tables.products, Item: entry }));
    afterKeptPeriod();
    try {
      const rest: Product[] = [];
      let cursor = first.nextCursor;
      while (cursor) {
        const next = page(await list({ limit: "10", cursor }));
        rest.push(...next.items);
        cursor = next.nextCursor;
      }
      const seen = [...first.items, ...rest].map((p) => p.sku);
      assert.equal(new Set(seen).size, seen.length, "no product twice");
      assert.equal(seen.length, catalog.length, "every original product once; the new one sorts before the cursor");
    } finally {
      await doc.send(new DeleteCommand({ TableName: tables.products, Key: { sku: added.sku } }));
      afterKeptPeriod();
    }
  });

  it("accepts every cursor it hands out, even after the longest name the catalog allows (not ASCII, or escaped in JSON)", async () => {
    // The cursor carries the last name: 200 characters are up to 600 bytes of UTF-8, or 1,200
    // as JSON escapes (a control character), in base64url a third more again.
    const category = `long-${"x".repeat(59)}`;
    const skus = ["LONG-NAME-A", "LONG-NAME-B", `LONG-${"Z".repeat(27)}`];
    for (const name of ["日本の手作り陶器".repeat(25), "\u0001".repeat(200)]) {
      const entries = skus.map((sku) => ({ ...catalog[0], sku, name, category, image: `/images/${sku}.svg` }));
      for (const { stock: _stock, ...entry } of entries)
        await doc.send(new PutCommand({ TableName: tables.products, Item: entry }));
      afterKeptPeriod();
      try {
        const { items, pages } = await everyPage({ category, sort: "name", order: "desc", limit: "1" });
        assert.deepEqual(
          items.map((p) => p.sku),
          [...skus].sort().reverse(),
        );
        assert.equal(pages, skus.length);
      } finally {
        for (const sku of skus) await doc.send(new DeleteCommand({ TableName: tables.products, Key: { sku } }));
        afterKeptPeriod();
      }
    }
  });

  it("shows the live stock from the inventory table; a product without an inventory item has none", async () => {
    const sku = "KIT-MUG-STN-12";
    await doc.send(new PutCommand({ TableName: tables.inventory, Item: { sku, stock: 3 } }));
    assert.equal(bodyOf<Product>(await one(sku)).stock, 3);
    await doc.send(new DeleteCommand({ TableName: tables.inventory, Key: { sku } }));
    assert.equal(bodyOf<Product>(await one(sku)).stock, 0);
    afterKeptPeriod();
    assert.equal(page(await list({ limit: "100" })).items.find((p) => p.sku === sku)!.stock, 0);
    await doc.send(
      new PutCommand({ TableName: tables.inventory, Item: { sku, stock: catalog.find((p) => p.sku === sku)!.stock } }),
    );
    afterKeptPeriod();
  });

  describe("bad parameters: a 400 saying what is allowed", () => {
    for (const [query, path, message] of [
      [{ sort: "rating" }, "sort", /sort must be one of name, price/],
      [{ order: "up" }, "order", /order must be one of asc, desc/],
      [{ limit: "0" }, "limit", /at least 1/],
      [{ limit: "101" }, "limit", /at most 100/],
      [{ limit: "ten" }, "limit", /decimal digits only/],
      [{ limit: "2.5" }, "limit", /whole number/],
      // Number() reads these too; a client sending them has a bug worth a 400, as GET /orders says.
      [{ limit: "0x10" }, "limit", /decimal digits only/],
      [{ limit: "1e1" }, "limit", /decimal digits only/],
      [{ limit: " 5" }, "limit", /decimal digits only/],
      [{ limit: "+5" }, "limit", /decimal digits only/],
      [{ limit: "" }, "limit", /decimal digits only/],
      [{ category: "Home & Garden" }, "category", /lower-case/],
      [{ cursor: "not a cursor!" }, "cursor", /nextCursor/],
      [{ cursor: Buffer.from('{"sort":"name"}').toString("base64url") }, "cursor", /nextCursor/],
    ] as const) {
      it(`${JSON.stringify(query)}`, async () => {
        const response = await list(query);
        assert.equal(response.statusCode, 400, response.body);
        const { error, details } = bodyOf(response);
        assert.equal(typeof error, "string");
        assert.equal(details[0].path, path);
        assert.match(details[0].message, message);
      });
    }

    it("a cursor of another listing (sort, order or category changed) is refused", async () => {
      const { nextCursor } = page(await list({ limit: "2" }));
      for (const other of [{ sort: "price" }, { order: "desc" }, { category: "kitchen" }] as Record<string, string>[]) {
        const response = await list({ limit: "2", cursor: nextCursor!, ...other });
        assert.equal(response.statusCode, 400, JSON.stringify(other));
        assert.equal(bodyOf(response).details[0].path, "cursor");
      }
    });

    it("parameters it does not know (tracking, cache busters) are ignored, not refused", async () => {
      const response = await list({ utm_source: "newsletter", _: "123" });
      assert.equal(response.statusCode, 200);
      assert.equal(page(response).items.length, 24);
    });
  });

  it("GET /products/{sku}: the product, a 404 naming a missing sku, a 400 for a malformed one", async () => {
    const mug = await one("KIT-MUG-STN-12");
    assert.equal(mug.statusCode, 200);
    assert.equal(mug.headers?.["Cache-Control"], catalogCacheControl);
    assert.deepEqual(
      productSchema.parse(bodyOf(mug)),
      productSchema.parse(catalog.find((p) => p.sku === "KIT-MUG-STN-12")),
    );
    const missing = await one("NOPE-123");
    assert.equal(missing.statusCode, 404);
    assert.equal(bodyOf(missing).error, "product not found");
    const malformed = await one("mug; drop");
    assert.equal(malformed.statusCode, 400);
    assert.equal(bodyOf(malformed).details[0].path, "sku");
  });

  it("a malformed catalog row is a 500 that is never cached", async () => {
    await doc.send(new PutCommand({ TableName: tables.products, Item: { sku: "BAD-ROW-1", name: "no price" } }));
    afterKeptPeriod();
    try {
      const response = await list();
      assert.equal(response.statusCode, 500);
      assert.equal(response.headers?.["Cache-Control"], "no-store");
    } finally {
      await doc.send(new DeleteCommand({ TableName: tables.products, Key: { sku: "BAD-ROW-1" } }));
      afterKeptPeriod();
    }
  });

  it("a table throttled past the client's retries is a 503 with Retry-After, never cached, not a 500", async () => {
    // One attempt per call, so the refusal comes at once; the deployed client's retries come first there.
    const throttledClient = new DynamoDBClient({ ...clientConfig(dynamo), maxAttempts: 1 });
    const calls = countDynamoDbCalls(throttledClient);
    const throttledApi = catalogApiOn(throttledClient, clock);
    try {
      calls.throttleNext(1, "Scan");
      const response = await throttledApi(
        ordersEvent({ resource: "/products", method: "GET", claims: null }),
        lambdaContext(),
      );
      assert.equal(response.statusCode, 503, response.body);
      assert.equal(response.headers?.["Retry-After"], "1");
      assert.equal(response.headers?.["Access-Control-Expose-Headers"], "Retry-After");
      assert.equal(response.headers?.["Cache-Control"], "no-store");
      assert.equal(response.headers?.["Access-Control-Allow-Origin"], allowedOrigin);
      assert.equal(bodyOf(response).error, "the service is busy; retry shortly");
      // One Scan of each table (products and stock), the throttled one not retried.
      assert.equal(calls.byOperation().Scan, 2);
    } finally {
      throttledClient.destroy();
    }
  });
  describe("a container lists from the catalog it read at most a few seconds ago", () => {
    let counted: DynamoDBClient;
    let calls: ReturnType<typeof countDynamoDbCalls>;
    let keptApi: ReturnType<typeof createCatalogApi>;
    beforeEach(() => {
      counted = new DynamoDBClient({ ...clientConfig(dynamo), maxAttempts: 1 });
      calls = countDynamoDbCalls(counted);
      keptApi = catalogApiOn(counted, clock);
    });
    afterEach(() => counted.destroy());
    const listOn = async (query: Record<string, string> = {}) => {
      const response = await keptApi(
        ordersEvent({ resource: "/products", method: "GET", query, claims: null }),
        lambdaContext(),
      );
      assert.equal(response.statusCode, 200, response.body);
      return page(response);
    };

    it("any number of distinct listings and cursors within the period: one scan of each table; after it, one more", async () => {
      afterKeptPeriod();
      let cursor = (await listOn({ limit: "5" })).nextCursor;
      while (cursor) cursor = (await listOn({ limit: "5", cursor })).nextCursor;
      for (const sort of ["name", "price"])
        for (const order of ["asc", "desc"]) await listOn({ sort, order, category: "kitchen", _: String(now) });
      assert.equal(calls.byOperation().Scan, 2, "products and stock, each read once");
      now += defaultCatalogKeptMs - 1;
      await listOn();
      assert.equal(calls.byOperation().Scan, 2, "still within the period");
      now += 1;
      await listOn();
      assert.equal(calls.byOperation().Scan, 4, "the period over: read again");
    });

    it("concurrent listings share one read", async () => {
      afterKeptPeriod();
      const pages = await Promise.all(Array.from({ length: 10 }, (_, i) => listOn({ limit: String(i + 1) })));
      assert.deepEqual(
        pages.map((p) => p.items.length),
        Array.from({ length: 10 }, (_, i) => i + 1),
      );
      assert.equal(calls.byOperation().Scan, 2);
    });

    it("a failed read is not kept: the next request reads again and succeeds", async () => {
      afterKeptPeriod();
      calls.throttleNext(1, "Scan");
      const refused = await keptApi(
        ordersEvent({ resource: "/products", method: "GET", claims: null }),
        lambdaContext(),
      );
      assert.equal(refused.statusCode, 503, refused.body);
      assert.equal((await listOn()).items.length, 24, "same instant, no waiting out the period");
    });

    it("one product's page always reads the live stock", async () => {
      const sku = "KIT-MUG-STN-12";
      afterKeptPeriod();
      await listOn();
      await doc.send(new PutCommand({ TableName: tables.inventory, Item: { sku, stock: 1 } }));
      try {
        const product = await keptApi(
          ordersEvent({ resource: "/products/{sku}", method: "GET", pathParameters: { sku }, claims: null }),
          lambdaContext(),
        );
        assert.equal(bodyOf<Product>(product).stock, 1);
      } finally {
        await doc.send(
          new PutCommand({
            TableName: tables.inventory,
            Item: { sku, stock: catalog.find((p) => p.sku === sku)!.stock },
          }),
        );
      }
    });
  });
});
