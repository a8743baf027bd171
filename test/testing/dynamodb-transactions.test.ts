// dynalite's TransactWriteItems (testing/dynamodb-transactions.ts), held to the documented
// behaviour: all-or-nothing, every failed condition reported in CancellationReasons, the request
// limits, ClientRequestToken, isolation from other calls, and no oversell under contention.
import {
  CreateTableCommand,
  DynamoDBClient,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transactWriteItems } from "../../testing/dynalite-transact-write";
import { clientConfig, type Emulator, startDynamoDb } from "../../testing/emulators";

const table = "things";

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail("expected the call to be refused");
}

describe("testing: TransactWriteItems in dynalite", () => {
  let dynalite: Emulator;
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;

  const get = async (id: string) =>
    (await doc.send(new GetCommand({ TableName: table, Key: { pk: id }, ConsistentRead: true }))).Item;
  const put = (Item: Record<string, unknown>) => doc.send(new PutCommand({ TableName: table, Item }));

  beforeEach(async () => {
    dynalite = await startDynamoDb();
    client = new DynamoDBClient({
      ...clientConfig(dynalite),
      maxAttempts: 1,
    });
    doc = DynamoDBDocumentClient.from(client);
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      }),
    );
  });
  afterEach(async () => {
    client.destroy();
    await dynalite.stop();
  });

  it("answers every other call as dynalite does", async () => {
    await put({ pk: "a", n: 1 });
    assert.deepEqual(await get("a"), { pk: "a", n: 1 });
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :a",
        ExpressionAttributeValues: { ":a": "a" },
      }),
    );
    assert.equal(page.Count, 1);
    const err = await rejection(put({ nope: "no key" }));
    assert.equal(err.name, "ValidationException");
  });

  it("applies Put, Update, Delete and ConditionCheck together when every condition holds", async () => {
    await put({ pk: "stock", left: 5 });
    await put({ pk: "gone", x: 1 });
    await put({ pk: "guard", open: true });
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { pk: "order", qty: 2 }, ConditionExpression: "attribute_not_exists(pk)" } },
          {
            Update: {
              TableName: table,
              Key: { pk: "stock" },
              UpdateExpression: "SET #l = #l - :q",
              ConditionExpression: "#l >= :q",
              ExpressionAttributeNames: { "#l": "left" },
              ExpressionAttributeValues: { ":q": 2 },
            },
          },
          { Delete: { TableName: table, Key: { pk: "gone" } } },
          {
            ConditionCheck: {
              TableName: table,
              Key: { pk: "guard" },
              ConditionExpression: "#o = :t",
              ExpressionAttributeNames: { "#o": "open" },
              ExpressionAttributeValues: { ":t": true },
            },
          },
        ],
      }),
    );
    assert.deepEqual(await get("order"), { pk: "order", qty: 2 });
    assert.deepEqual(await get("stock"), { pk: "stock", left: 3 });
    assert.equal(await get("gone"), undefined);
    assert.deepEqual(await get("guard"), { pk: "guard", open: true }, "a ConditionCheck leaves its item as it was");
  });

  it("changes nothing when one condition fails, and gives one cancellation reason per action", async () => {
    await put({ pk: "stock", left: 1 });
    await put({ pk: "other", v: 1 });
    const err = await rejection(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { pk: "order" }, ConditionExpression: "attribute_not_exists(pk)" } },
            {
              Update: {
                TableName: table,
                Key: { pk: "other" },
                UpdateExpression: "SET v = :v",
                ExpressionAttributeValues: { ":v": 2 },
              },
            },
            {
              Update: {
                TableName: table,
                Key: { pk: "stock" },
                UpdateExpression: "SET #l = #l - :q",
                ConditionExpression: "#l >= :q",
                ExpressionAttributeNames: { "#l": "left" },
                ExpressionAttributeValues: { ":q": 2 },
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              },
            },
          ],
        }),
      ),
    );
    assert.ok(err instanceof TransactionCanceledException, String(err));
    assert.equal(err.name, "TransactionCanceledException");
    assert.equal(
      err.message,
      "Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, ConditionalCheckFailed]",
    );
    assert.deepEqual(err.CancellationReasons, [
      { Code: "None" },
      { Code: "None" },
      {
        Code: "ConditionalCheckFailed",
        Item: { pk: { S: "stock" }, left: { N: "1" } },
        Message: "The conditional request failed",
      },
    ]);
    assert.equal(await get("order"), undefined, "the Put before the failed condition is undone");
    assert.deepEqual(await get("other"), { pk: "other", v: 1 }, "the Update before it is undone");
    assert.deepEqual(await get("stock"), { pk: "stock", left: 1 });
  });

  it("reports every failed condition, not only the first, and the old item only where asked", async () => {
    await put({ pk: "a", n: 0 });
    await put({ pk: "b", n: 0 });
    const err = await rejection(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: table,
                Key: { pk: "a" },
                ConditionExpression: "n > :z",
                ExpressionAttributeValues: { ":z": 0 },
              },
            },
            {
              ConditionCheck: {
                TableName: table,
                Key: { pk: "missing" },
                ConditionExpression: "attribute_exists(pk)",
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              },
            },
            {
              Update: {
                TableName: table,
                Key: { pk: "b" },
                UpdateExpression: "SET n = :one",
                ConditionExpression: "n > :z",
                ExpressionAttributeValues: { ":z": 0, ":one": 1 },
              },
            },
          ],
        }),
      ),
    );
    assert.deepEqual(
      err.CancellationReasons.map((r: { Code: string; Item?: unknown }) => [r.Code, r.Item]),
      [
        ["ConditionalCheckFailed", undefined],
        ["ConditionalCheckFailed", undefined],
        ["ConditionalCheckFailed", undefined],
      ],
    );
    assert.deepEqual(await get("a"), { pk: "a", n: 0 }, "a failed ConditionCheck leaves its item in place");
    assert.equal(await get("missing"), undefined);
  });

  it("cancels with a ValidationError reason when an update does not fit the item's data", async () => {
    await put({ pk: "a", n: "text" });
    const err = await rejection(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { pk: "new" } } },
            {
              Update: {
                TableName: table,
                Key: { pk: "a" },
                UpdateExpression: "ADD n :one",
                ExpressionAttributeValues: { ":one": 1 },
              },
            },
          ],
        }),
      ),
    );
    assert.equal(err.name, "TransactionCanceledException");
    assert.deepEqual(
      err.CancellationReasons.map((r: { Code: string }) => r.Code),
      ["None", "ValidationError"],
    );
    assert.match(err.CancellationReasons[1].Message, /incorrect data type/);
    assert.equal(await get("new"), undefined);
  });

  it("refuses a malformed request as a whole with a ValidationException, before anything runs", async () => {
    const err = await rejection(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { pk: "first" } } },
            { Update: { TableName: table, Key: { pk: "x" }, UpdateExpression: "SET = broken" } },
          ],
        }),
      ),
    );
    assert.equal(err.name, "ValidationException");
    assert.equal(await get("first"), undefined);
  });

  it("refuses the first problem in request order: an unknown table before a malformed action, and the reverse", async () => {
    const unknownTable = { Put: { TableName: "no-such-table", Item: { pk: "a" } } };
    const malformed = { Update: { TableName: table, Key: { pk: "x" }, UpdateExpression: "SET = broken" } };
    const send = (TransactItems: object[]) => rejection(doc.send(new TransactWriteCommand({ TransactItems } as never)));
    assert.equal((await send([unknownTable, malformed])).name, "ResourceNotFoundException");
    assert.equal((await send([malformed, unknownTable])).name, "ValidationException");
    // A key the table does not have, before a malformed action: the key is refused.
    const wrongKey = await send([{ Put: { TableName: table, Item: { other: "a" } } }, malformed]);
    assert.equal(wrongKey.name, "ValidationException");
    assert.match(String(wrongKey.message), /Missing the key pk in the item/);
    assert.equal(await get("a"), undefined);
  });

  it("enforces the documented request limits: 1-100 actions, one action per item, one operation per action", async () => {
    const puts = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ Put: { TableName: table, Item: { pk: `p${i}` } } }));
    const tooMany = await rejection(doc.send(new TransactWriteCommand({ TransactItems: puts(101) })));
    assert.equal(tooMany.name, "ValidationException");
    assert.match(tooMany.message, /less than or equal to 100/);
    await doc.send(new TransactWriteCommand({ TransactItems: puts(100) }));
    assert.deepEqual(await get("p99"), { pk: "p99" });

    const none = await rejection(client.send(new TransactWriteItemsCommand({ TransactItems: [] })));
    assert.equal(none.name, "ValidationException");

    const twice = await rejection(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { pk: "same" } } },
            { Delete: { TableName: table, Key: { pk: "same" } } },
          ],
        }),
      ),
    );
    assert.equal(twice.name, "ValidationException");
    assert.equal(twice.message, "Transaction request cannot include multiple operations on one item");

    const both = await rejection(
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: { TableName: table, Item: { pk: { S: "z" } } },
              Delete: { TableName: table, Key: { pk: { S: "z" } } },
            },
          ],
        }),
      ),
    );
    assert.equal(both.name, "ValidationException");
    assert.equal(await get("z"), undefined);

    const missingTable = await rejection(
      doc.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: "nope", Item: { pk: "a" } } }] })),
    );
    assert.equal(missingTable.name, "ResourceNotFoundException");
  });

  it("with a ClientRequestToken, a retry returns the first outcome without applying it twice; another request with the token is refused", async () => {
    await put({ pk: "counter", n: 0 });
    const increment = {
      ClientRequestToken: "token-1",
      TransactItems: [
        {
          Update: {
            TableName: table,
            Key: { pk: "counter" },
            UpdateExpression: "ADD n :one",
            ExpressionAttributeValues: { ":one": 1 },
          },
        },
      ],
    };
    await doc.send(new TransactWriteCommand(increment));
    await doc.send(new TransactWriteCommand(increment));
    assert.deepEqual(await get("counter"), { pk: "counter", n: 1 });

    const mismatch = await rejection(
      doc.send(
        new TransactWriteCommand({
          ...increment,
          TransactItems: [{ Delete: { TableName: table, Key: { pk: "counter" } } }],
        }),
      ),
    );
    assert.equal(mismatch.name, "IdempotentParameterMismatchException");
    assert.deepEqual(await get("counter"), { pk: "counter", n: 1 });

    // Without a token every call is a new transaction (the SDK generates one per call).
    const { ClientRequestToken: _t, ...untokened } = increment;
    await doc.send(new TransactWriteCommand(untokened));
    await doc.send(new TransactWriteCommand(untokened));
    assert.deepEqual(await get("counter"), { pk: "counter", n: 3 });
  });

  it("a retry with the token is the same request whatever its JSON formatting: its parameters are compared, not its bytes", async () => {
    await put({ pk: "counter", n: 0 });
    const request = {
      TransactItems: [
        {
          Update: {
            TableName: table,
            Key: { pk: { S: "counter" } },
            UpdateExpression: "ADD n :one",
            ExpressionAttributeValues: { ":one": { N: "1" } },
          },
        },
      ],
      ClientRequestToken: "token-formatting",
    };
    const send = (text: string) =>
      fetch(dynalite.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.0",
          "x-amz-target": "DynamoDB_20120810.TransactWriteItems",
          authorization:
            "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        },
        body: text,
      }).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as Record<string, unknown>,
      }));
    assert.equal((await send(JSON.stringify(request))).status, 200);
    assert.equal((await send(JSON.stringify(request, null, 2))).status, 200);
    assert.deepEqual(await get("counter"), { pk: "counter", n: 1 });
    const other = { ...request, TransactItems: [{ Delete: { TableName: table, Key: { pk: { S: "counter" } } } }] };
    const mismatch = await send(JSON.stringify(other, null, 1));
    assert.equal(mismatch.status, 400);
    assert.match(String(mismatch.body.__type), /IdempotentParameterMismatchException$/);
    assert.deepEqual(await get("counter"), { pk: "counter", n: 1 });
  });

  it("a ClientRequestToken is remembered for 10 minutes: after that the same token is a new request", async () => {
    await put({ pk: "counter", n: 0 });
    const increment = (token: string) =>
      doc.send(
        new TransactWriteCommand({
          ClientRequestToken: token,
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: { pk: "counter" },
                UpdateExpression: "ADD n :one",
                ExpressionAttributeValues: { ":one": 1 },
              },
            },
          ],
        }),
      );
    await increment("old-token");
    const realNow = Date.now;
    try {
      Date.now = () => realNow() + 9 * 60 * 1000;
      await increment("newer-token");
      await increment("old-token");
      assert.deepEqual(await get("counter"), { pk: "counter", n: 2 }, "within 10 minutes: replayed, not applied");
      Date.now = () => realNow() + 11 * 60 * 1000;
      await increment("old-token");
      assert.deepEqual(await get("counter"), { pk: "counter", n: 3 }, "after 10 minutes: applied as new");
      await increment("newer-token");
      assert.deepEqual(await get("counter"), { pk: "counter", n: 3 }, "the later token is still remembered");
    } finally {
      Date.now = realNow;
    }
  });

  it("50 concurrent decrements of the last 10 units: exactly 10 succeed and the stock never goes below zero", async () => {
    await put({ pk: "stock", left: 10 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: { TableName: table, Item: { pk: `order-${i}` }, ConditionExpression: "attribute_not_exists(pk)" },
              },
              {
                Update: {
                  TableName: table,
                  Key: { pk: "stock" },
                  UpdateExpression: "SET #l = #l - :one",
                  ConditionExpression: "#l >= :one",
                  ExpressionAttributeNames: { "#l": "left" },
                  ExpressionAttributeValues: { ":one": 1 },
                },
              },
            ],
          }),
        ),
      ),
    );
    const placed = outcomes.filter((o) => o.status === "fulfilled").length;
    assert.equal(placed, 10);
    for (const o of outcomes)
      if (o.status === "rejected") assert.equal((o.reason as Error).name, "TransactionCanceledException");
    assert.deepEqual(await get("stock"), { pk: "stock", left: 0 });
    const orders = await Promise.all(Array.from({ length: 50 }, (_, i) => get(`order-${i}`)));
    assert.equal(orders.filter(Boolean).length, 10, "an order is stored exactly when its stock was taken");
  });

  it("no read sees the writes of a transaction that is later cancelled", async () => {
    await put({ pk: "blocker", n: 0 });
    let reads = 0;
    let stop = false;
    const reader = (async () => {
      while (!stop) {
        assert.equal(await get("phantom"), undefined, "read an uncommitted Put");
        reads++;
      }
    })();
    for (let i = 0; i < 20; i++) {
      const err = await rejection(
        doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: table, Item: { pk: "phantom" } } },
              {
                ConditionCheck: {
                  TableName: table,
                  Key: { pk: "blocker" },
                  ConditionExpression: "n > :z",
                  ExpressionAttributeValues: { ":z": 0 },
                },
              },
            ],
          }),
        ),
      );
      assert.equal(err.name, "TransactionCanceledException");
    }
    stop = true;
    await reader;
    assert.ok(reads > 0);
  });

  it("refuses an action without a member it requires, or with an unknown ReturnValuesOnConditionCheckFailure", async () => {
    await put({ pk: "a", n: 1 });
    const noCondition = await rejection(
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [{ ConditionCheck: { TableName: table, Key: { pk: { S: "a" } } } as any }],
        }),
      ),
    );
    assert.equal(noCondition.name, "ValidationException");
    assert.match(noCondition.message, /transactItems\.1\.member\.conditionCheck\.conditionExpression/);
    const noUpdate = await rejection(
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [{ Update: { TableName: table, Key: { pk: { S: "a" } } } as any }],
        }),
      ),
    );
    assert.equal(noUpdate.name, "ValidationException");
    const badReturn = await rejection(
      client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Delete: {
                TableName: table,
                Key: { pk: { S: "a" } },
                ReturnValuesOnConditionCheckFailure: "ALL_NEW" as any,
              },
            },
          ],
        }),
      ),
    );
    assert.equal(badReturn.name, "ValidationException");
    assert.deepEqual(await get("a"), { pk: "a", n: 1 });
  });

  it("an item given too large is refused as a request; an update that makes one too large cancels with ValidationError", async () => {
    const big = "x".repeat(300 * 1024);
    const tooLarge = await rejection(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [{ Put: { TableName: table, Item: { pk: "huge", big: big + big } } }],
        }),
      ),
    );
    assert.equal(tooLarge.name, "ValidationException");
    assert.match(tooLarge.message, /Item size has exceeded the maximum allowed size/);
    assert.equal(await get("huge"), undefined);

    await put({ pk: "large", big });
    const grown = await rejection(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { pk: "small" } } },
            {
              Update: {
                TableName: table,
                Key: { pk: "large" },
                UpdateExpression: "SET more = :more",
                ExpressionAttributeValues: { ":more": big },
              },
            },
          ],
        }),
      ),
    );
    assert.equal(grown.name, "TransactionCanceledException");
    assert.deepEqual(
      grown.CancellationReasons.map((r: { Code: string }) => r.Code),
      ["None", "ValidationError"],
    );
    assert.match(grown.CancellationReasons[1].Message, /Item size to update has exceeded the maximum allowed size/);
    assert.equal(await get("small"), undefined);
  });

  it("keeps a table's secondary index in step: a committed transaction is in it, a cancelled one is not", async () => {
    await client.send(
      new CreateTableCommand({
        TableName: "indexed",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "owner", AttributeType: "S" },
        ],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        GlobalSecondaryIndexes: [
          {
            IndexName: "byOwner",
            KeySchema: [{ AttributeName: "owner", KeyType: "HASH" }],
            Projection: { ProjectionType: "ALL" },
          },
        ],
      }),
    );
    const ownedBy = async (owner: string) =>
      (
        await doc.send(
          new QueryCommand({
            TableName: "indexed",
            IndexName: "byOwner",
            KeyConditionExpression: "#o = :o",
            ExpressionAttributeNames: { "#o": "owner" },
            ExpressionAttributeValues: { ":o": owner },
          }),
        )
      ).Items?.map((i) => i.pk);
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: "indexed", Item: { pk: "o1", owner: "ann" } } },
          { Put: { TableName: table, Item: { pk: "side" } } },
        ],
      }),
    );
    assert.deepEqual(await ownedBy("ann"), ["o1"]);
    // Moved to another owner: out of ann's part of the index, into bob's.
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: "indexed",
              Key: { pk: "o1" },
              UpdateExpression: "SET #o = :b",
              ExpressionAttributeNames: { "#o": "owner" },
              ExpressionAttributeValues: { ":b": "bob" },
            },
          },
        ],
      }),
    );
    assert.deepEqual(await ownedBy("ann"), []);
    assert.deepEqual(await ownedBy("bob"), ["o1"]);
    const err = await rejection(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: "indexed", Item: { pk: "o2", owner: "bob" } } },
            {
              ConditionCheck: {
                TableName: table,
                Key: { pk: "side" },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      ),
    );
    assert.equal(err.name, "TransactionCanceledException");
    assert.deepEqual(await ownedBy("bob"), ["o1"], "the cancelled Put never reached the index");
  });

  it("single-item writes to an item in a transaction wait for it: 60 mixed increments of one counter lose none", async () => {
    await put({ pk: "counter", n: 0 });
    await put({ pk: "other", n: 0 });
    const increment = { UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": 1 } };
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 2 === 0
          ? doc.send(new UpdateCommand({ TableName: table, Key: { pk: "counter" }, ...increment }))
          : doc.send(
              new TransactWriteCommand({
                TransactItems: [
                  { Update: { TableName: table, Key: { pk: "counter" }, ...increment } },
                  { Update: { TableName: table, Key: { pk: "other" }, ...increment } },
                ],
              }),
            ),
      ),
    );
    assert.deepEqual(await get("counter"), { pk: "counter", n: 60 });
    assert.deepEqual(await get("other"), { pk: "other", n: 30 });
  });

  it("transactions over the same items of two tables, named in either order, all complete (no lock cycle)", async () => {
    await client.send(
      new CreateTableCommand({
        TableName: "second",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      }),
    );
    const add = (TableName: string, pk: string) => ({
      Update: { TableName, Key: { pk }, UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": 1 } },
    });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const pair = [add(table, "x"), add("second", "y")];
        return doc.send(new TransactWriteCommand({ TransactItems: i % 2 === 0 ? pair : pair.reverse() }));
      }),
    );
    assert.deepEqual(await get("x"), { pk: "x", n: 40 });
    const y = await doc.send(new GetCommand({ TableName: "second", Key: { pk: "y" }, ConsistentRead: true }));
    assert.deepEqual(y.Item, { pk: "y", n: 40 });
  });
});

describe("testing: TransactWriteItems on dynalite's store", () => {
  // biome-ignore-start lint/style/noCommonJs: dynalite ships no types
  const dynaliteDb = require("dynalite/db");
  const createTable = require("dynalite/actions/createTable");
  // biome-ignore-end lint/style/noCommonJs: dynalite ships no types
  const call = <T>(run: (callback: (err: unknown, result?: T) => void) => void) =>
    new Promise<T | undefined>((resolve, reject) => run((err, result) => (err ? reject(err) : resolve(result))));

  async function storeWithTable() {
    const store = dynaliteDb.create({ createTableMs: 0 });
    await call((cb) =>
      createTable(
        store,
        {
          TableName: table,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        },
        cb,
      ),
    );
    for (;;) {
      const found = await call<{ TableStatus: string }>((cb) => store.getTable(table, cb)).catch(() => undefined);
      if (found?.TableStatus === "ACTIVE") return store;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it("a storage failure writing one item of a commit leaves every item of the transaction unwritten", async () => {
    const store = await storeWithTable();
    const items = store.getItemDb(table);
    const keyOf = (pk: string) =>
      dynaliteDb.createKey(
        { pk: { S: pk } },
        { KeySchema: [{ AttributeName: "pk" }], AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }] },
      );
    const failing = keyOf("b");
    // LevelDB refuses any write that includes item b (a full disk, an I/O error).
    const refuses = (keys: string[]) => keys.some((k) => k.endsWith(failing));
    for (const method of ["put", "batch"] as const) {
      const original = store.db[method];
      store.db[method] = (...args: any[]) => {
        const keys = method === "put" ? [args[0]] : args[0].map((op: { key: string }) => op.key);
        if (!refuses(keys)) return original(...args);
        setImmediate(args[args.length - 1], new Error("IO error: disk full"));
      };
    }
    const put = (pk: string) => ({ Put: { TableName: table, Item: { pk: { S: pk } } } });
    await assert.rejects(transactWriteItems(store, { TransactItems: [put("a"), put("b"), put("c")] }), /disk full/);
    for (const pk of ["a", "b", "c"]) {
      const stored = await call((cb) =>
        items.get(keyOf(pk), (err: any, item: unknown) => cb(err?.name === "NotFoundError" ? null : err, item)),
      );
      assert.equal(stored, undefined, `item ${pk} written`);
    }
    // A transaction the store can write is written whole.
    await transactWriteItems(store, { TransactItems: [put("a"), put("c")] });
    for (const pk of ["a", "c"]) assert.ok(await call((cb) => items.get(keyOf(pk), cb)));
  });
});

describe("testing: TransactWriteItems in dynalite on disk (local mode)", () => {
  it("a committed transaction is still there after a restart", async () => {
    const directory = mkdtempSync(join(tmpdir(), "dynalite-"));
    const open = async () => {
      const emulator = await startDynamoDb({ path: directory });
      const client = new DynamoDBClient(clientConfig(emulator));
      return { emulator, client, doc: DynamoDBDocumentClient.from(client) };
    };
    try {
      const first = await open();
      await first.client.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        }),
      );
      // As on AWS, the table is CREATING until it is ACTIVE; on disk dynalite stores ACTIVE a
      // moment later, and a stop before that left a table that never came back.
      await waitUntilTableExists({ client: first.client, maxWaitTime: 30, minDelay: 1 }, { TableName: table });
      await first.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { pk: "kept", n: 1 } } },
            { Put: { TableName: table, Item: { pk: "also", n: 2 } } },
          ],
        }),
      );
      first.client.destroy();
      await first.emulator.stop();

      const second = await open();
      try {
        const kept = await second.doc.send(
          new GetCommand({ TableName: table, Key: { pk: "kept" }, ConsistentRead: true }),
        );
        assert.deepEqual(kept.Item, { pk: "kept", n: 1 });
      } finally {
        second.client.destroy();
        await second.emulator.stop();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
