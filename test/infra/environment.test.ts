// The Lambda environment a component builds from its handler's contract: every variable the
// schema requires must be given (or it does not compile), the contract adds the telemetry
// names, and a value already known at deploy time is checked with the handler's own schema.
import { strict as assert } from "node:assert";
import { environmentFor } from "../../components/lib/environment";
import { clickstreamContract, quarantinePrefix } from "../../handlers/clickstream/contract";
import { ordersContract } from "../../handlers/orders/contract";
import { orderSearchContract } from "../../handlers/orders-search/contract";

const ordersVariables = {
  ORDERS_TABLE: "orders",
  PRODUCTS_TABLE: "products",
  INVENTORY_TABLE: "inventory",
  IDEMPOTENCY_TABLE: "idempotency",
  ALLOWED_ORIGIN: "https://shop.example.com",
};

describe("environmentFor", () => {
  it("deploys the given variables and the contract's telemetry names", () => {
    assert.deepEqual(environmentFor(ordersContract, ordersVariables), {
      ...ordersVariables,
      POWERTOOLS_SERVICE_NAME: "orders-api",
      POWERTOOLS_METRICS_NAMESPACE: "Ecommerce/Orders",
    });
  });

  it("leaves out an optional variable given as undefined (Personalize disabled)", () => {
    const env = environmentFor(clickstreamContract, {
      FIREHOSE_STREAM_NAME: "lake",
      LAKE_BUCKET: "bucket",
      QUARANTINE_PREFIX: quarantinePrefix,
      PERSONALIZE_TRACKING_ID: undefined,
    });
    assert.equal("PERSONALIZE_TRACKING_ID" in env, false);
    assert.equal(env.QUARANTINE_PREFIX, "quarantine/");
  });

  it("refuses a value the handler would refuse at cold start, naming the variable", () => {
    assert.throws(
      () =>
        environmentFor(ordersContract, {
          ...ordersVariables,
          ORDERS_TABLE: "",
          IDEMPOTENCY_TTL_SECONDS: "soon",
        }),
      (error: Error) =>
        /^OrderProcessing environment is invalid: /.test(error.message) &&
        /ORDERS_TABLE: /.test(error.message) &&
        /IDEMPOTENCY_TTL_SECONDS: /.test(error.message),
    );
    assert.throws(
      () =>
        environmentFor(orderSearchContract, {
          OPENSEARCH_ENDPOINT: "http://search.internal",
          ALLOWED_ORIGIN: "https://shop.example.com",
        }),
      (error: Error) =>
        /^OrderSearch environment is invalid: /.test(error.message) &&
        /OPENSEARCH_ENDPOINT: OPENSEARCH_ENDPOINT must be an https:\/\/ URL/.test(error.message),
    );
  });

  it("refuses a variable the handler does not read", () => {
    const stray: Record<string, string> = { ORDERS_TABLES: "orders" };
    assert.throws(
      () => environmentFor(ordersContract, { ...ordersVariables, ...stray }),
      /ORDERS_TABLES: not a variable the handler reads/,
    );
  });

  it("gives OrderProcessing no OpenSearch endpoint: it is not a variable the handler reads (OrderSearch's is)", () => {
    const endpoint = { OPENSEARCH_ENDPOINT: "https://vpc-orders.eu-west-1.es.amazonaws.com" };
    const stray: Record<string, string> = endpoint;
    assert.throws(
      () => environmentFor(ordersContract, { ...ordersVariables, ...stray }),
      /OPENSEARCH_ENDPOINT: not a variable the handler reads/,
    );
    assert.deepEqual(environmentFor(orderSearchContract, { ...endpoint, ALLOWED_ORIGIN: "https://shop.example.com" }), {
      ...endpoint,
      ALLOWED_ORIGIN: "https://shop.example.com",
      POWERTOOLS_SERVICE_NAME: "orders-search",
      POWERTOOLS_METRICS_NAMESPACE: "Ecommerce/Orders",
    });
  });

  it("does not compile without a required variable, or with one the schema lacks (npm run typecheck)", () => {
    const { ORDERS_TABLE: _left, ...withoutOrdersTable } = ordersVariables;
    // @ts-expect-error ORDERS_TABLE is required by the orders schema
    assert.throws(() => environmentFor(ordersContract, withoutOrdersTable), /ORDERS_TABLE/);
    // @ts-expect-error AWS_REGION is set by Lambda itself (reserved)
    assert.throws(() => environmentFor(ordersContract, { ...ordersVariables, AWS_REGION: "eu-west-1" }), /AWS_REGION/);
  });
});
