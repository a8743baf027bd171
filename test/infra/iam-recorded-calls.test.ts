// The recorded-calls list the IAM simulator test reads: how a handler's SDK command becomes an
// entry, and when the list counts as out of date (the root hook fails the run then).
import { strict as assert } from "node:assert";
import {
  compareRecordedCalls,
  describeSdkCall,
  readRecordedCalls,
  updatedRecordedCalls,
} from "../../testing/aws-calls";

describe("recorded AWS calls", () => {
  const env = {
    ORDERS_TABLE: "orders",
    PRODUCTS_TABLE: "products",
    LAKE_BUCKET: "lake",
    QUARANTINE_PREFIX: "quarantine/",
  };

  it("names resources by the environment variable the component sets, each table of a transaction on its own", () => {
    assert.deepEqual(describeSdkCall("dynamodb", "Query", { TableName: "orders", IndexName: "byCustomer" }, env), [
      "dynamodb:Query table/${ORDERS_TABLE}/index/byCustomer",
    ]);
    assert.deepEqual(
      describeSdkCall(
        "dynamodb",
        "TransactWriteItems",
        {
          TransactItems: [
            { Put: { TableName: "orders" } },
            { Update: { TableName: "products" } },
            { ConditionCheck: { TableName: "products" } },
          ],
        },
        env,
      ),
      [
        "dynamodb:TransactWriteItems.Put table/${ORDERS_TABLE}",
        "dynamodb:TransactWriteItems.Update table/${PRODUCTS_TABLE}",
        "dynamodb:TransactWriteItems.ConditionCheck table/${PRODUCTS_TABLE}",
      ],
    );
    assert.deepEqual(
      describeSdkCall("s3", "PutObject", { Bucket: "lake", Key: "quarantine/dt=2026-01-01/x.json" }, env),
      ["s3:PutObject ${LAKE_BUCKET}/${QUARANTINE_PREFIX}*"],
    );
  });

  it("refuses a resource the test did not bind to the handler's environment, naming it", () => {
    assert.throws(
      () => describeSdkCall("dynamodb", "GetItem", { TableName: "elsewhere" }, env),
      /table "elsewhere" is not one of the handler's environment values/,
    );
    assert.throws(() => describeSdkCall("kms", "Decrypt", {}, env), /no resource description for kms:Decrypt/);
  });

  it("is out of date when a handler made a call it lacks, or a fully passed file no longer makes one it has", () => {
    const committed = {
      "test/handlers/a.test.ts": {
        "orders-api": ["dynamodb:GetItem table/${ORDERS_TABLE}", "dynamodb:Scan table/${ORDERS_TABLE}"],
      },
    };
    const ran = {
      "test/handlers/a.test.ts": {
        "orders-api": ["dynamodb:GetItem table/${ORDERS_TABLE}", "dynamodb:PutItem table/${ORDERS_TABLE}"],
      },
    };
    assert.deepEqual(compareRecordedCalls(ran, committed, new Set(["test/handlers/a.test.ts"])), [
      "orders-api made dynamodb:PutItem table/${ORDERS_TABLE} in test/handlers/a.test.ts, which recorded-aws-calls.json lacks",
      "orders-api no longer makes dynamodb:Scan table/${ORDERS_TABLE} in test/handlers/a.test.ts, which recorded-aws-calls.json still has",
    ]);
    // A file with a failed or filtered-out test may not have made every call: only additions count.
    assert.deepEqual(compareRecordedCalls(ran, committed, new Set()), [
      "orders-api made dynamodb:PutItem table/${ORDERS_TABLE} in test/handlers/a.test.ts, which recorded-aws-calls.json lacks",
    ]);
    assert.deepEqual(
      compareRecordedCalls(
        ran,
        updatedRecordedCalls(ran, committed, new Set(["test/handlers/a.test.ts"])),
        new Set(["test/handlers/a.test.ts"]),
      ),
      [],
    );
  });

  it("the committed list has entries for the handler test files, sorted and without duplicates", () => {
    const list = readRecordedCalls();
    assert.ok(Object.keys(list).length >= 4);
    for (const [file, byHandler] of Object.entries(list)) {
      for (const [handler, calls] of Object.entries(byHandler)) {
        assert.deepEqual(calls, [...new Set(calls)].sort(), `${file} ${handler}`);
      }
    }
  });
});
