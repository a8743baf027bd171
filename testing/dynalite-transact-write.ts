// TransactWriteItems as one in-process operation of dynalite (which has none): it runs against
// dynalite's own store, under dynalite's own per-item locks, with dynalite's own validations
// and its own PutItem / UpdateItem / DeleteItem code, so conditions and update expressions mean
// exactly what they mean in every other call.
//
// How it stays all-or-nothing and isolated:
// - The whole request is validated first (shapes, expressions, keys, one action per item), so
//   a malformed request is refused before anything runs, as AWS does.
// - Then every item's lock is taken (tables in name order, each table's items at once, so two
//   transactions never wait on each other in a cycle). A single-item write to one of these
//   items waits until the transaction is done; where AWS cancels one of two conflicting
//   transactions (`TransactionConflict`), here the later one waits: the stricter of the two
//   behaviours a client must handle.
// - Each action runs as dynalite's single-item action against a staged view of the store:
//   reads are the committed items, writes (item and secondary indexes) are only collected.
//   Every action runs, so the cancellation reasons name every failed condition, as AWS does.
// - Only if every action succeeded are the collected writes applied, as one LevelDB batch
//   (atomic in memory and on disk). A cancelled transaction writes nothing, so no read ever
//   sees it. AWS promises reads of one item serializable isolation against transactions and
//   multi-item reads (Query, BatchGetItem) read-committed isolation; both hold here.
//
// What it costs per action is dynalite's single-item call, less its expression parsing: that
// runs once per distinct expression, names and values (testing/dynalite-parsed-expressions.ts).
import { ParsedExpressions } from "./dynalite-parsed-expressions";

// biome-ignore-start lint/style/noCommonJs: dynalite ships no types; its modules are loaded as CommonJS
const dynaliteDb = require("dynalite/db");
const validations = require("dynalite/validations");
const actionsOf = {
  Put: { run: require("dynalite/actions/putItem"), validation: require("dynalite/validations/putItem") },
  Update: { run: require("dynalite/actions/updateItem"), validation: require("dynalite/validations/updateItem") },
  Delete: { run: require("dynalite/actions/deleteItem"), validation: require("dynalite/validations/deleteItem") },
  // A ConditionCheck is evaluated as a conditional DeleteItem whose writes are dropped.
  ConditionCheck: {
    run: require("dynalite/actions/deleteItem"),
    validation: require("dynalite/validations/deleteItem"),
  },
};
// biome-ignore-end lint/style/noCommonJs: dynalite ships no types

/** dynalite's store (db/index.js `create`): tables, item and index sub-databases. */
export type DynaliteStore = any;

/** An error as dynalite's HTTP layer sends it: status and JSON body. */
export interface DynaliteError extends Error {
  statusCode: number;
  body: Record<string, unknown>;
}

type Kind = keyof typeof actionsOf;
const kinds = Object.keys(actionsOf) as Kind[];

/** The members each kind of action may carry, and those it must (TransactWriteItems API reference). */
const expressionMembers = ["ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues"];
const members: Record<Kind, { allowed: string[]; required: string[] }> = {
  ConditionCheck: { allowed: ["TableName", "Key", ...expressionMembers], required: ["Key", "ConditionExpression"] },
  Put: { allowed: ["TableName", "Item", ...expressionMembers], required: ["Item"] },
  Update: {
    allowed: ["TableName", "Key", "UpdateExpression", ...expressionMembers],
    required: ["Key", "UpdateExpression"],
  },
  Delete: { allowed: ["TableName", "Key", ...expressionMembers], required: ["Key"] },
};

export const maxTransactionActions = 100;
const errorPrefix = "com.amazonaws.dynamodb.v20120810#";

/**
 * dynalite's errors that depend on the item's data, known only once the action runs on it
 * (AWS: "an item size becomes too large ... or a similar validation error occurs because of
 * changes made by the transaction"): a `ValidationError` cancellation reason, not a refused request.
 */
const itemDataErrors = [
  /provided expression refers to an attribute that does not exist in the item/i,
  /operand in the update expression has an incorrect data type/i,
  /document path provided in the update expression is invalid for update/i,
  /type mismatch for attribute to update/i,
  /item size to update has exceeded the maximum allowed size/i,
];

const validation = (message: string): DynaliteError => dynaliteDb.validationError(message);

interface Action {
  kind: Kind;
  /** The action's request as dynalite's own validation left it (expressions parsed). */
  data: Record<string, any>;
  /** The table and dynalite's key string for the item: what is locked and checked for repeats. */
  tableName: string;
  itemKey: string;
  returnOldOnFailure: boolean;
}

interface CancellationReason {
  Code: "None" | "ConditionalCheckFailed" | "ValidationError";
  Message?: string;
  Item?: Record<string, unknown>;
}

/** One collected write to one of dynalite's sub-databases, applied only when the transaction commits. */
interface Write {
  subDb: any;
  operation: { type: "put"; key: string; value: unknown } | { type: "del"; key: string };
}

interface Outcome {
  reason: CancellationReason;
  writes: Write[];
}

const lowerFirst = (s: string) => s[0].toLowerCase() + s.slice(1);

/**
 * Runs one TransactWriteItems request body; resolves with the response body or rejects with a
 * DynaliteError. `expressions`: the server's memo of parsed expressions (none kept by default).
 */
export async function transactWriteItems(
  store: DynaliteStore,
  body: Record<string, any>,
  expressions = new ParsedExpressions(),
): Promise<Record<string, unknown>> {
  const tables = new TableReader(store);
  const actions = await validatedActions(store, tables, expressions, body.TransactItems);
  const release = await lockItems(store, actions);
  try {
    const outcomes = await Promise.all(actions.map((action) => runStaged(store, tables, action)));
    if (outcomes.some((o) => o.reason.Code !== "None")) throw transactionCanceled(outcomes.map((o) => o.reason));
    await commit(
      store,
      outcomes.flatMap((o) => o.writes),
    );
    return consumedCapacity(body.ReturnConsumedCapacity, actions);
  } finally {
    release();
  }
}

function transactionCanceled(reasons: CancellationReason[]): DynaliteError {
  const message = `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`;
  return Object.assign(new Error(message), {
    statusCode: 400,
    body: { __type: `${errorPrefix}TransactionCanceledException`, Message: message, CancellationReasons: reasons },
  });
}

/** The tables one request names, each read from dynalite's table list once for the whole request. */
class TableReader {
  private readonly read = new Map<string, Promise<Record<string, any>>>();

  constructor(private readonly store: DynaliteStore) {}

  get(name: string): Promise<Record<string, any>> {
    let table = this.read.get(name);
    if (!table) {
      table = new Promise((resolve, reject) =>
        this.store.getTable(name, (err: unknown, found: Record<string, any>) => (err ? reject(err) : resolve(found))),
      );
      // Read ahead for actions that may never be reached (an earlier one refused): not an unhandled rejection.
      table.catch(() => {});
      this.read.set(name, table);
    }
    return table;
  }

  /** dynalite's getTable(name, [checkStatus], callback), answered from this request's read. */
  readonly asDynalite = (name: string, ...rest: unknown[]) => {
    const callback = rest[rest.length - 1] as (err: unknown, table?: Record<string, any>) => void;
    this.get(name).then(
      (table) => callback(null, table),
      (err) => callback(err),
    );
  };
}

/** The request's actions, each checked by dynalite's validation of its single-item call; throws on the first problem. */
async function validatedActions(
  store: DynaliteStore,
  tables: TableReader,
  expressions: ParsedExpressions,
  items: unknown,
): Promise<Action[]> {
  if (!Array.isArray(items) || items.length === 0) {
    throw validation(
      "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null",
    );
  }
  if (items.length > maxTransactionActions) {
    throw validation(
      `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${maxTransactionActions}`,
    );
  }
  // Each action's own checks, in request order up to the first that fails, reading the tables
  // they name meanwhile (all at once); then, in the same order, the checks against its table.
  // The first problem in request order is the one refused, as if each action were checked whole in turn.
  const requests: (CheckedRequest | { refused: unknown })[] = [];
  for (const [index, item] of (items as (Record<string, any> | null)[]).entries()) {
    try {
      const request = checkedRequest(store, expressions, index, item);
      requests.push(request);
      tables.get(request.data.TableName);
    } catch (refused) {
      requests.push({ refused });
      break;
    }
  }
  const actions: Action[] = [];
  for (const request of requests) {
    if ("refused" in request) throw request.refused;
    const { kind, data, returnValues } = request;
    const table = await tables.get(data.TableName);
    const keySource = kind === "Put" ? data.Item : data.Key;
    const invalidKey =
      kind === "Put" ? dynaliteDb.validateItem(data.Item, table) : dynaliteDb.validateKey(data.Key, table);
    if (invalidKey) throw invalidKey;
    actions.push({
      kind,
      data,
      tableName: data.TableName,
      itemKey: dynaliteDb.createKey(keySource, table),
      returnOldOnFailure: returnValues === "ALL_OLD",
    });
  }
  const identities = actions.map((a) => `${a.tableName}\n${a.itemKey}`);
  if (new Set(identities).size !== identities.length) {
    throw validation("Transaction request cannot include multiple operations on one item");
  }
  return actions;
}

interface CheckedRequest {
  kind: Kind;
  data: Record<string, any>;
  returnValues: unknown;
}

/** One TransactItems entry checked as its single-item call would be (shape, types, expressions); throws what is wrong. */
function checkedRequest(
  store: DynaliteStore,
  expressions: ParsedExpressions,
  index: number,
  item: Record<string, any> | null,
): CheckedRequest {
  const present = kinds.filter((k) => item?.[k] != null);
  if (present.length !== 1) throw validation("TransactItems can only contain one of Check, Put, Update or Delete");
  const kind = present[0];
  const source = item![kind] as Record<string, unknown>;
  const returnValues = source.ReturnValuesOnConditionCheckFailure;
  if (returnValues != null && returnValues !== "ALL_OLD" && returnValues !== "NONE") {
    throw validation(
      `1 validation error detected: Value '${String(returnValues)}' at 'transactItems.${index + 1}.member.${lowerFirst(kind)}.returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]`,
    );
  }
  for (const name of members[kind].required) {
    if (source[name] == null) {
      throw validation(
        `1 validation error detected: Value null at 'transactItems.${index + 1}.member.${lowerFirst(kind)}.${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
      );
    }
  }
  const request = Object.fromEntries(members[kind].allowed.filter((m) => m in source).map((m) => [m, source[m]]));
  const { validation: rules } = actionsOf[kind];
  const data = validations.checkTypes(request, rules.types);
  expressions.during(() => validations.checkValidations(data, rules.types, rules.custom, store));
  return { kind, data, returnValues };
}

/** Takes every action's item lock (dynalite's, shared with its single-item writes); resolves with the release. */
async function lockItems(store: DynaliteStore, actions: Action[]): Promise<() => void> {
  const keysByTable = new Map<string, string[]>();
  for (const a of actions) keysByTable.set(a.tableName, [...(keysByTable.get(a.tableName) ?? []), a.itemKey]);
  const releases: (() => void)[] = [];
  for (const tableName of [...keysByTable.keys()].sort()) {
    const itemDb = store.getItemDb(tableName);
    releases.push(
      await new Promise<() => void>((resolve) =>
        itemDb.lock(keysByTable.get(tableName), (release: (done: () => void) => () => void) =>
          resolve(release(() => {})),
        ),
      ),
    );
  }
  return () => {
    for (const release of releases.reverse()) release();
  };
}

/**
 * Runs the action as dynalite's single-item call on a staged view of the store: the lock is
 * already held, reads see committed items, writes are collected for the commit.
 */
function runStaged(store: DynaliteStore, tables: TableReader, action: Action): Promise<Outcome> {
  const writes: Write[] = [];
  let oldItem: Record<string, unknown> | undefined;
  const staged = (subDb: any, isItemDb: boolean) => ({
    lock: (_key: string, work: (release: (done: unknown) => unknown) => void) => work((done) => done),
    get: (key: string, callback: (err: unknown, item?: Record<string, unknown>) => void) =>
      subDb.get(key, (err: unknown, item?: Record<string, unknown>) => {
        if (isItemDb) oldItem = item;
        callback(err, item);
      }),
    put: (key: string, value: unknown, callback: (err?: unknown) => void) => {
      writes.push({ subDb, operation: { type: "put", key, value } });
      queueMicrotask(() => callback());
    },
    del: (key: string, callback: (err?: unknown) => void) => {
      writes.push({ subDb, operation: { type: "del", key } });
      queueMicrotask(() => callback());
    },
  });
  const stagedStore = {
    options: store.options,
    getTable: tables.asDynalite,
    getItemDb: (name: string) => staged(store.getItemDb(name), true),
    getIndexDb: (type: string, tableName: string, indexName: string) =>
      staged(store.getIndexDb(type, tableName, indexName), false),
  };
  return new Promise((resolve, reject) => {
    actionsOf[action.kind].run(stagedStore, { ...action.data }, (err: DynaliteError | null) => {
      if (!err) return resolve({ reason: { Code: "None" }, writes: action.kind === "ConditionCheck" ? [] : writes });
      const type = String(err.body?.__type ?? "");
      const message = String(err.body?.message ?? err.message);
      if (type.endsWith("ConditionalCheckFailedException")) {
        const old = action.returnOldOnFailure && oldItem ? { Item: oldItem } : {};
        return resolve({
          reason: { Code: "ConditionalCheckFailed", ...old, Message: "The conditional request failed" },
          writes: [],
        });
      }
      if (type.endsWith("ValidationException") && itemDataErrors.some((p) => p.test(message))) {
        return resolve({ reason: { Code: "ValidationError", Message: message }, writes: [] });
      }
      reject(err);
    });
  });
}

/**
 * Applies the writes, in the order the actions issued them, as one batch of dynalite's LevelDB
 * (store.db). Each sub-database is a view of store.db with its own key prefix, which only it
 * knows: its own `batch` turns the writes into store.db's keys and hands them to store.db.batch,
 * which is caught for that one synchronous call and then written once with everyone's.
 */
function commit(store: DynaliteStore, writes: Write[]): Promise<void> {
  if (writes.length === 0) return Promise.resolve();
  const operations: unknown[] = [];
  const batch = store.db.batch;
  store.db.batch = (prefixed: unknown[]) => operations.push(...prefixed);
  try {
    for (const { subDb, operation } of writes) subDb.batch([operation], () => {});
  } finally {
    store.db.batch = batch;
  }
  return new Promise((resolve, reject) =>
    store.db.batch(operations, (err?: unknown) => (err ? reject(err) : resolve())),
  );
}

/** Transactional writes cost two write units per item (up to 1 KB each). */
function consumedCapacity(returnConsumedCapacity: unknown, actions: Action[]): Record<string, unknown> {
  if (returnConsumedCapacity !== "TOTAL" && returnConsumedCapacity !== "INDEXES") return {};
  const perTable = new Map<string, number>();
  for (const a of actions) perTable.set(a.tableName, (perTable.get(a.tableName) ?? 0) + 2);
  return {
    ConsumedCapacity: [...perTable].map(([TableName, units]) => ({
      TableName,
      CapacityUnits: units,
      WriteCapacityUnits: units,
    })),
  };
}
