// TransactWriteItems for an emulator that has none (dynalite): a passthrough HTTP proxy on
// 127.0.0.1 that implements the call with the target's own single-item operations, and
// forwards every other call untouched.
//
// How a transaction stays all-or-nothing and isolated:
// - Transactions hold a lock exclusively; every other call holds it shared. So no read sees a
//   half-applied transaction and no single-item write lands in the middle of one (AWS gives
//   reads of one item serializable isolation against transactions). Transactions run one at a
//   time: AWS would cancel some concurrent ones with `TransactionConflict`; serialising them
//   is the stricter of the two behaviours a client must handle.
// - Each touched item is read first (the snapshot). Then every action runs as the target's
//   own conditional call, so condition and update expressions mean exactly what the target
//   says they mean. A ConditionCheck is a conditional DeleteItem whose item is put back.
// - Every action is tried, so the cancellation reasons name every failed condition, as AWS
//   does; if any failed, every item is restored from its snapshot.
//
// Shapes as documented for TransactWriteItems: 1-100 actions, exactly one of ConditionCheck /
// Put / Update / Delete per action, one action per item, `ClientRequestToken` (optional) makes
// a retry within 10 minutes of a success return that success without applying it again,
// `TransactionCanceledException` with one `CancellationReasons` entry per action (`None`, `ConditionalCheckFailed` with the old `Item`
// when `ReturnValuesOnConditionCheckFailure` is `ALL_OLD`, `ValidationError`).
import { createHash, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ReadWriteLock } from "./read-write-lock";

export interface TransactionalDynamo {
  /** http://127.0.0.1:<port>: give it to the SDK client as `endpoint`. */
  endpoint: string;
  stop(): Promise<void>;
}

/** DynamoDB's JSON wire format: attribute values as `{ S: "..." }`, `{ N: "1" }`, ... */
type AttributeMap = Record<string, Record<string, unknown>>;

interface WireError {
  status: number;
  type: string;
  message: string;
  extra?: Record<string, unknown>;
}

class DynamoError extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
  }
}

const apiPrefix = "DynamoDB_20120810";
const errorPrefix = "com.amazonaws.dynamodb.v20120810#";
const maxActions = 100;
const idempotencyWindowMs = 10 * 60 * 1000;
/** Errors of the target that depend on the item's data: a cancellation reason, not a rejected request. */
const itemValidationErrors = [
  /provided expression refers to an attribute that does not exist in the item/i,
  /operand in the update expression has an incorrect data type/i,
  /item size has exceeded the maximum allowed size/i,
  /item size to update has exceeded the maximum allowed size/i,
];

const validation = (message: string) =>
  new DynamoError({ status: 400, type: `${errorPrefix}ValidationException`, message });

/** One action of TransactItems, normalised. */
interface Action {
  kind: "ConditionCheck" | "Put" | "Update" | "Delete";
  table: string;
  key: AttributeMap;
  request: Record<string, unknown>;
  returnOldOnFailure: boolean;
}

interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: AttributeMap;
}

export async function startTransactionalDynamo(options: { target: string }): Promise<TransactionalDynamo> {
  const target = new URL(options.target);
  const lock = new ReadWriteLock();
  const keySchemas = new Map<string, string[]>();
  const outcomes = new Map<string, { requestHash: string; at: number; status: number; body: string }>();

  /** One call to the target, as our own client: JSON in, JSON or a DynamoError out. */
  async function call(operation: string, body: Record<string, unknown>): Promise<Record<string, any>> {
    const payload = JSON.stringify(body);
    const { status, text } = await send({
      method: "POST",
      path: "/",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": `${apiPrefix}.${operation}`,
        "x-amz-date": new Date().toISOString().replace(/[-:]|\.\d{3}/g, ""),
        // The emulator checks that a signature is present, not what it signs.
        authorization:
          "AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0",
      },
      body: Buffer.from(payload),
    });
    const parsed = text ? JSON.parse(text) : {};
    if (status >= 300) {
      throw new DynamoError({
        status,
        type: String(parsed.__type ?? "UnknownError"),
        message: String(parsed.message ?? parsed.Message ?? ""),
      });
    }
    return parsed;
  }

  function send(request: { method: string; path: string; headers: http.OutgoingHttpHeaders; body: Buffer }) {
    return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
      const outgoing = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.path,
          headers: { ...request.headers, host: target.host, "content-length": request.body.length },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 500,
              headers: response.headers,
              text: Buffer.concat(chunks).toString("utf8"),
            }),
          );
          response.on("error", reject);
        },
      );
      outgoing.on("error", reject);
      outgoing.end(request.body);
    });
  }

  async function keyNamesOf(table: string): Promise<string[]> {
    const known = keySchemas.get(table);
    if (known) return known;
    const { Table } = await call("DescribeTable", { TableName: table });
    const names = (Table.KeySchema as { AttributeName: string }[]).map((k) => k.AttributeName);
    keySchemas.set(table, names);
    return names;
  }

  async function parseActions(items: unknown): Promise<Action[]> {
    if (!Array.isArray(items) || items.length === 0) {
      throw validation(
        "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null",
      );
    }
    if (items.length > maxActions) {
      throw validation(
        `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${maxActions}`,
      );
    }
    const actions: Action[] = [];
    for (const item of items as Record<string, Record<string, any> | undefined>[]) {
      const kinds = (["ConditionCheck", "Put", "Update", "Delete"] as const).filter((k) => item?.[k] !== undefined);
      if (kinds.length !== 1) throw validation("TransactItems can only contain one of Check, Put, Update or Delete");
      const kind = kinds[0];
      const { ReturnValuesOnConditionCheckFailure, ...request } = item[kind]!;
      if (typeof request.TableName !== "string") throw validation(`${kind}: TableName is required`);
      if (kind === "ConditionCheck" && typeof request.ConditionExpression !== "string") {
        throw validation("ConditionCheck: ConditionExpression is required");
      }
      const keyNames = await keyNamesOf(request.TableName);
      const source = (kind === "Put" ? request.Item : request.Key) as AttributeMap | undefined;
      const key: AttributeMap = {};
      for (const name of keyNames) {
        if (!source?.[name]) throw validation("The provided key element does not match the schema");
        key[name] = source[name];
      }
      actions.push({
        kind,
        table: request.TableName,
        key,
        request,
        returnOldOnFailure: ReturnValuesOnConditionCheckFailure === "ALL_OLD",
      });
    }
    const identities = actions.map((a) => `${a.table}\n${JSON.stringify(Object.entries(a.key).sort())}`);
    if (new Set(identities).size !== identities.length) {
      throw validation("Transaction request cannot include multiple operations on one item");
    }
    return actions;
  }

  /** The action as the target's own single-item call. */
  function singleItemCall(action: Action): [string, Record<string, unknown>] {
    switch (action.kind) {
      case "Put":
        return ["PutItem", action.request];
      case "Update":
        return ["UpdateItem", action.request];
      case "Delete":
        return ["DeleteItem", action.request];
      case "ConditionCheck": {
        // Evaluated by a conditional delete; the item is put back from its snapshot afterwards.
        const { TableName, Key, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } =
          action.request;
        return [
          "DeleteItem",
          { TableName, Key, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues },
        ];
      }
    }
  }

  async function restore(action: Action, snapshot: AttributeMap | undefined): Promise<void> {
    if (snapshot) await call("PutItem", { TableName: action.table, Item: snapshot });
    else await call("DeleteItem", { TableName: action.table, Key: action.key });
  }

  async function transact(body: Record<string, any>): Promise<Record<string, unknown>> {
    const actions = await parseActions(body.TransactItems);
    // Every action is on its own item (checked above) and the lock is held exclusively, so the
    // snapshots, and then the actions, can run side by side without seeing each other.
    const snapshots: (AttributeMap | undefined)[] = await Promise.all(
      actions.map(
        async (action) =>
          (await call("GetItem", { TableName: action.table, Key: action.key, ConsistentRead: true })).Item,
      ),
    );
    const reasons: CancellationReason[] = new Array(actions.length);
    const touched: number[] = [];
    let fatal: DynamoError | undefined;
    await Promise.all(
      actions.map(async (action, index) => {
        const [operation, request] = singleItemCall(action);
        try {
          await call(operation, request);
          touched.push(index);
          reasons[index] = { Code: "None" };
        } catch (err) {
          if (!(err instanceof DynamoError)) throw err;
          if (err.wire.type.endsWith("ConditionalCheckFailedException")) {
            const old = action.returnOldOnFailure && snapshots[index] ? { Item: snapshots[index] } : {};
            reasons[index] = { Code: "ConditionalCheckFailed", ...old, Message: "The conditional request failed" };
          } else if (
            err.wire.type.endsWith("ValidationException") &&
            itemValidationErrors.some((p) => p.test(err.wire.message))
          ) {
            reasons[index] = { Code: "ValidationError", Message: err.wire.message };
          } else {
            // A malformed request (bad expression, missing table): refused as a whole, as AWS does.
            fatal ??= err;
          }
        }
      }),
    );
    const cancelled = fatal !== undefined || reasons.some((r) => r?.Code !== "None");
    // Undo what ran if the transaction is cancelled; a ConditionCheck's delete is always undone.
    await Promise.all(
      touched
        .filter((index) => cancelled || actions[index].kind === "ConditionCheck")
        .map((index) => restore(actions[index], snapshots[index])),
    );
    if (fatal) throw fatal;
    if (cancelled) {
      throw new DynamoError({
        status: 400,
        type: `${errorPrefix}TransactionCanceledException`,
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`,
        extra: { CancellationReasons: reasons },
      });
    }
    return consumedCapacity(body, actions);
  }

  /** Transactional writes cost two write units per item (up to 1 KB each). */
  function consumedCapacity(body: Record<string, any>, actions: Action[]): Record<string, unknown> {
    if (body.ReturnConsumedCapacity !== "TOTAL" && body.ReturnConsumedCapacity !== "INDEXES") return {};
    const perTable = new Map<string, number>();
    for (const a of actions) perTable.set(a.table, (perTable.get(a.table) ?? 0) + 2);
    return {
      ConsumedCapacity: [...perTable].map(([TableName, units]) => ({
        TableName,
        CapacityUnits: units,
        WriteCapacityUnits: units,
      })),
    };
  }

  /** TransactWriteItems, with ClientRequestToken replaying a success for 10 minutes. */
  async function transactOnce(text: string): Promise<{ status: number; body: string }> {
    let body: Record<string, any>;
    try {
      body = JSON.parse(text);
    } catch {
      return { status: 400, body: JSON.stringify({ __type: "com.amazon.coral.service#SerializationException" }) };
    }
    const token = body.ClientRequestToken as string | undefined;
    if (token !== undefined && (typeof token !== "string" || token.length < 1 || token.length > 36)) {
      return wire(
        validation(
          "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length between 1 and 36",
        ),
      );
    }
    const { ClientRequestToken: _token, ...request } = body;
    const requestHash = createHash("sha256").update(JSON.stringify(request)).digest("hex");
    const now = Date.now();
    for (const [key, outcome] of outcomes) if (now - outcome.at > idempotencyWindowMs) outcomes.delete(key);
    if (token !== undefined) {
      const previous = outcomes.get(token);
      if (previous && previous.requestHash !== requestHash) {
        return wire(
          new DynamoError({
            status: 400,
            type: `${errorPrefix}IdempotentParameterMismatchException`,
            message: "The request uses the same client token as a previous, but non-identical request.",
          }),
        );
      }
      if (previous) return previous;
    }
    let outcome: { status: number; body: string };
    try {
      outcome = { status: 200, body: JSON.stringify(await transact(body)) };
    } catch (err) {
      if (!(err instanceof DynamoError)) throw err;
      outcome = wire(err);
    }
    // AWS documents the replay of a successful call; a refused or cancelled one may be retried as new.
    if (token !== undefined && outcome.status === 200) outcomes.set(token, { requestHash, at: now, ...outcome });
    return outcome;
  }

  function wire(err: DynamoError): { status: number; body: string } {
    return {
      status: err.wire.status,
      body: JSON.stringify({ __type: err.wire.type, Message: err.wire.message, ...err.wire.extra }),
    };
  }

  async function forward(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<void> {
    const headers = { ...req.headers };
    delete headers["content-length"];
    delete headers.host;
    const response = await send({ method: req.method ?? "POST", path: req.url ?? "/", headers, body });
    const passHeaders = { ...response.headers };
    delete passHeaders["content-length"];
    delete passHeaders["transfer-encoding"];
    res.writeHead(response.status, { ...passHeaders, "content-length": Buffer.byteLength(response.text) });
    res.end(response.text);
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers["x-amz-target"] ?? "");
      const handled =
        operation === `${apiPrefix}.TransactWriteItems`
          ? lock
              .with("exclusive", () => transactOnce(body.toString("utf8")))
              .then(({ status, body: text }) => {
                res.writeHead(status, {
                  "content-type": "application/x-amz-json-1.0",
                  "content-length": Buffer.byteLength(text),
                  "x-amzn-requestid": randomUUID(),
                });
                res.end(text);
              })
          : lock.with("shared", () => forward(req, body, res));
      handled.catch((err: Error) => {
        if (res.headersSent) return res.destroy(err);
        const text = JSON.stringify({
          __type: "com.amazonaws.dynamodb.v20120810#InternalServerError",
          Message: err.message,
        });
        res.writeHead(500, { "content-type": "application/x-amz-json-1.0", "content-length": Buffer.byteLength(text) });
        res.end(text);
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
