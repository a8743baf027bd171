// dynalite has no streams: the proxy in front of it turns each write that changes an item into a
// stream record with keys and images, in write order, and nothing for a write that changes nothing.
import * as assert from "node:assert/strict";
import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
  CreateTableCommand,
  BatchWriteItemCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { startDynamoDb, testCredentials, type Emulator } from "../../testing/emulators";
import { startDynamoDbStreamProxy, type DynamoDbStreamProxy } from "../../local/streams/dynamodb-stream";

describe("local: the emulated DynamoDB stream", () => {
  let dynamo: Emulator;
  let proxy: DynamoDbStreamProxy;
  let direct: DynamoDBClient;
  let viaProxy: DynamoDBClient;
  const table = {
    name: "orders",
    hashKey: "orderId",
    streamArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/1",
    streamViewType: "NEW_AND_OLD_IMAGES",
  };
  const client = (endpoint: string) =>
    new DynamoDBClient({
      endpoint,
      region: "eu-west-1",
      credentials: testCredentials,
      requestHandler: new NodeHttpHandler(),
    });

  before(async () => {
    dynamo = await startDynamoDb();
    direct = client(dynamo.endpoint);
    for (const name of ["orders", "other"]) {
      await direct.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: "orderId", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "orderId", KeyType: "HASH" }],
        }),
      );
    }
    // As local mode chains them: stream proxy → dynalite (which answers TransactWriteItems itself).
    proxy = await startDynamoDbStreamProxy({
      targetEndpoint: dynamo.endpoint,
      client: direct,
      tables: [table],
      region: "eu-west-1",
    });
    viaProxy = client(proxy.endpoint);
  });
  after(async () => {
    viaProxy.destroy();
    direct.destroy();
    await proxy.stop();
    await dynamo.stop();
  });

  it("records INSERT, MODIFY and REMOVE with keys, new and old images, in order; an unchanged write and a refused one record nothing", async () => {
    await viaProxy.send(
      new PutItemCommand({ TableName: "orders", Item: { orderId: { S: "o1" }, status: { S: "PLACED" } } }),
    );
    await viaProxy.send(
      new UpdateItemCommand({
        TableName: "orders",
        Key: { orderId: { S: "o1" } },
        UpdateExpression: "SET #s = :s",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":s": { S: "SHIPPED" } },
      }),
    );
    await viaProxy.send(
      new PutItemCommand({ TableName: "orders", Item: { orderId: { S: "o1" }, status: { S: "SHIPPED" } } }),
    );
    await assert.rejects(
      viaProxy.send(
        new PutItemCommand({
          TableName: "orders",
          Item: { orderId: { S: "o1" }, status: { S: "X" } },
          ConditionExpression: "attribute_not_exists(orderId)",
        }),
      ),
    );
    await viaProxy.send(new PutItemCommand({ TableName: "other", Item: { orderId: { S: "z" } } }));
    await viaProxy.send(new DeleteItemCommand({ TableName: "orders", Key: { orderId: { S: "o1" } } }));
    const records = await proxy.streams.get("orders")!.reader().read(100);
    assert.deepEqual(
      records.map((r) => (r.eventRecord as any).eventName),
      ["INSERT", "MODIFY", "REMOVE"],
    );
    const [insert, modify, remove] = records.map((r) => (r.eventRecord as any).dynamodb);
    assert.deepEqual(insert.Keys, { orderId: { S: "o1" } });
    assert.deepEqual(insert.NewImage, { orderId: { S: "o1" }, status: { S: "PLACED" } });
    assert.equal(insert.OldImage, undefined);
    assert.deepEqual(modify.OldImage.status, { S: "PLACED" });
    assert.deepEqual(modify.NewImage.status, { S: "SHIPPED" });
    assert.deepEqual(remove.OldImage.status, { S: "SHIPPED" });
    assert.equal(remove.NewImage, undefined);
    assert.ok(
      BigInt(insert.SequenceNumber) < BigInt(modify.SequenceNumber) &&
        BigInt(modify.SequenceNumber) < BigInt(remove.SequenceNumber),
    );
    assert.equal((records[0].eventRecord as any).eventSourceARN, table.streamArn);
  });

  it("records each item a transaction changes, and nothing for a cancelled one", async () => {
    await viaProxy.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: "orders", Item: { orderId: { S: "t1" } } } },
          { Put: { TableName: "orders", Item: { orderId: { S: "t2" } } } },
        ],
      }),
    );
    await assert.rejects(
      viaProxy.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: "orders", Item: { orderId: { S: "t3" } } } },
            {
              Put: {
                TableName: "orders",
                Item: { orderId: { S: "t1" } },
                ConditionExpression: "attribute_not_exists(orderId)",
              },
            },
          ],
        }),
      ),
      /TransactionCanceled/,
    );
    const records = await proxy.streams.get("orders")!.reader().read(100);
    assert.deepEqual(
      records.map((r) => (r.eventRecord as any).dynamodb.Keys.orderId.S),
      ["t1", "t2"],
    );
  });

  it("records each item a batch write changes, only on the stream's table", async () => {
    await viaProxy.send(
      new BatchWriteItemCommand({
        RequestItems: {
          orders: [
            { PutRequest: { Item: { orderId: { S: "b1" } } } },
            { PutRequest: { Item: { orderId: { S: "b2" } } } },
          ],
          other: [{ PutRequest: { Item: { orderId: { S: "b3" } } } }],
        },
      }),
    );
    const records = await proxy.streams.get("orders")!.reader().read(100);
    assert.deepEqual(
      records.map((r) => [(r.eventRecord as any).eventName, (r.eventRecord as any).dynamodb.Keys.orderId.S]),
      [
        ["INSERT", "b1"],
        ["INSERT", "b2"],
      ],
    );
  });
});
