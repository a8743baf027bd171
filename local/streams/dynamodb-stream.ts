// dynalite has no DynamoDB Streams, so local mode puts this passthrough proxy in front of it:
// every write to a table with a stream (PutItem, UpdateItem, DeleteItem, BatchWriteItem,
// TransactWriteItems) is bracketed by consistent reads of the items it touches, and each item
// that changed becomes a stream record (INSERT / MODIFY / REMOVE, keys, new and old images),
// in write order (writes to stream tables are serialised). A write that changes nothing makes
// no record, as in DynamoDB. The event source poller reads the records like a shard.
import { type DynamoDBClient, GetItemCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isDeepStrictEqual } from "node:util";
import type { SourceRecord } from "./batches";
import type { ShardReader } from "./poller";

export interface StreamTable {
  name: string;
  hashKey: string;
  rangeKey?: string;
  streamArn: string;
  streamViewType: string;
}

type Item = Record<string, AttributeValue>;

interface Touched {
  table: StreamTable;
  key: Item;
}

/** The records of one table's stream not yet read, in memory, oldest first (one shard). */
export class TableStream {
  readonly records: SourceRecord[] = [];
  private sequence = 0;

  constructor(
    readonly table: StreamTable,
    private readonly region: string,
  ) {}

  append(key: Item, oldImage: Item | undefined, newImage: Item | undefined) {
    const eventName = !oldImage ? "INSERT" : !newImage ? "REMOVE" : "MODIFY";
    this.sequence += 1;
    const sequenceNumber = String(this.sequence).padStart(21, "0");
    const now = Date.now();
    const dynamodb: Record<string, unknown> = {
      ApproximateCreationDateTime: Math.floor(now / 1000),
      Keys: key,
      SequenceNumber: sequenceNumber,
      SizeBytes: Buffer.byteLength(JSON.stringify({ key, newImage, oldImage })),
      StreamViewType: this.table.streamViewType,
    };
    if (newImage && this.table.streamViewType !== "OLD_IMAGE" && this.table.streamViewType !== "KEYS_ONLY")
      dynamodb.NewImage = newImage;
    if (oldImage && this.table.streamViewType !== "NEW_IMAGE" && this.table.streamViewType !== "KEYS_ONLY")
      dynamodb.OldImage = oldImage;
    this.records.push({
      sequenceNumber,
      arrivalMs: now,
      eventRecord: {
        eventID: `${this.table.name}-${sequenceNumber}`,
        eventName,
        eventVersion: "1.1",
        eventSource: "aws:dynamodb",
        awsRegion: this.region,
        dynamodb,
        eventSourceARN: this.table.streamArn,
      },
    });
  }

  /** The one reader (the table has one consumer): hands out records oldest first and forgets them. */
  reader(): ShardReader {
    return { read: async (limit: number) => this.records.splice(0, limit) };
  }
}

function keyOf(table: StreamTable, item: Item): Item {
  const key: Item = { [table.hashKey]: item[table.hashKey] };
  if (table.rangeKey) key[table.rangeKey] = item[table.rangeKey];
  return key;
}

/** The items a write request touches on stream tables. */
function touchedItems(target: string, body: any, tables: Map<string, StreamTable>): Touched[] {
  const on = (tableName: string, key: Item | undefined): Touched[] => {
    const table = tables.get(tableName);
    return table && key ? [{ table, key: keyOf(table, key) }] : [];
  };
  switch (target) {
    case "PutItem":
      return on(body.TableName, body.Item);
    case "UpdateItem":
    case "DeleteItem":
      return on(body.TableName, body.Key);
    case "BatchWriteItem":
      return Object.entries(body.RequestItems ?? {}).flatMap(([tableName, requests]) =>
        (requests as any[]).flatMap((r) => on(tableName, r.PutRequest?.Item ?? r.DeleteRequest?.Key)),
      );
    case "TransactWriteItems":
      return (body.TransactItems ?? []).flatMap((t: any) =>
        t.Put
          ? on(t.Put.TableName, t.Put.Item)
          : t.Update
            ? on(t.Update.TableName, t.Update.Key)
            : t.Delete
              ? on(t.Delete.TableName, t.Delete.Key)
              : [],
      );
    default:
      return [];
  }
}

export interface DynamoDbStreamProxy {
  endpoint: string;
  streams: Map<string, TableStream>;
  stop(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1 (`port`, 0 for a free one) in front of `targetEndpoint`. */
export async function startDynamoDbStreamProxy(options: {
  targetEndpoint: string;
  client: DynamoDBClient;
  tables: StreamTable[];
  region: string;
  port?: number;
}): Promise<DynamoDbStreamProxy> {
  const tables = new Map(options.tables.map((t) => [t.name, t]));
  const streams = new Map(options.tables.map((t) => [t.name, new TableStream(t, options.region)]));
  let writes: Promise<unknown> = Promise.resolve();

  const image = async (touched: Touched): Promise<Item | undefined> =>
    (
      await options.client.send(
        new GetItemCommand({ TableName: touched.table.name, Key: touched.key, ConsistentRead: true }),
      )
    ).Item;

  const forward = async (req: IncomingMessage, body: Buffer) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === "string" && name !== "host" && name !== "connection") headers[name] = value;
    const response = await fetch(`${options.targetEndpoint}${req.url ?? "/"}`, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const target = String(req.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
    let touched: Touched[] = [];
    if (target) {
      try {
        touched = touchedItems(target, JSON.parse(body.toString("utf8") || "{}"), tables);
      } catch {
        touched = [];
      }
    }
    let reply: Awaited<ReturnType<typeof forward>>;
    if (touched.length === 0) {
      reply = await forward(req, body);
    } else {
      // Serialise writes to stream tables, so each record's images belong to its write.
      const run = writes.then(async () => {
        const before = await Promise.all(touched.map(image));
        const result = await forward(req, body);
        if (result.status === 200) {
          const after = await Promise.all(touched.map(image));
          touched.forEach((t, i) => {
            if (!isDeepStrictEqual(before[i], after[i])) streams.get(t.table.name)!.append(t.key, before[i], after[i]);
          });
        }
        return result;
      });
      writes = run.catch(() => undefined);
      reply = await run;
    }
    const headers: Record<string, string> = {};
    reply.headers.forEach((value, name) => {
      if (
        name !== "content-length" &&
        name !== "transfer-encoding" &&
        name !== "content-encoding" &&
        name !== "connection"
      )
        headers[name] = value;
    });
    headers["content-length"] = String(reply.body.length);
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.writeHead(500, { "content-type": "application/x-amz-json-1.0" });
      res.end(JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: String(err) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    streams,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
