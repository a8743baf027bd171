// Counts the DynamoDB calls a client really sends, per operation, with a middleware on the
// client (not by reading the handler's code): the order path's call budgets are held by
// tests and printed by the bench from these counts. Optionally fakes AWS cancelling a
// transaction with TransactionConflict, or throttling a call, past the counter, so a conflicted
// or throttled attempt counts.
import {
  type DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";

export interface DynamoDbCallCounter {
  /** Calls since the last reset, per operation (e.g. { TransactWriteItems: 1 }). */
  byOperation(): Record<string, number>;
  total(): number;
  reset(): void;
  /** The next `times` TransactWriteItems calls are cancelled as AWS does under contention (after being counted). */
  conflictNext(times: number): void;
  /**
   * The next `times` calls of `operation` are throttled as AWS throttles them: a transaction is
   * cancelled with ThrottlingError, any other call fails with ProvisionedThroughputExceededException
   * (which the SDK retries, each retry counted and throttled again while `times` lasts).
   */
  throttleNext(times: number, operation?: string): void;
}

/**
 * A transaction cancelled as AWS cancels one for the third of its items (an order's first stock
 * update: record, order, stock...): that item's reason, None for every other.
 */
function cancelledAtThirdItem(input: object, code: string, reason: string): TransactionCanceledException {
  return new TransactionCanceledException({
    $metadata: { httpStatusCode: 400 },
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [None, ${code}]`,
    CancellationReasons: ((input as { TransactItems?: unknown[] }).TransactItems ?? []).map((_, i) =>
      i === 2 ? { Code: code, Message: reason } : { Code: "None" },
    ),
  });
}

export function countDynamoDbCalls(client: DynamoDBClient): DynamoDbCallCounter {
  let counts: Record<string, number> = {};
  let conflicts = 0;
  const throttles = new Map<string, number>();
  client.middlewareStack.add(
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: { input: object }) => {
      const operation = String(context.commandName).replace(/Command$/, "");
      counts[operation] = (counts[operation] ?? 0) + 1;
      const throttled = throttles.get(operation) ?? 0;
      if (throttled > 0) {
        throttles.set(operation, throttled - 1);
        if (operation === "TransactWriteItems")
          throw cancelledAtThirdItem(args.input, "ThrottlingError", "Throughput exceeds the current capacity");
        throw new ProvisionedThroughputExceededException({
          $metadata: { httpStatusCode: 400 },
          message: "The level of configured provisioned throughput for the table was exceeded.",
        });
      }
      if (operation === "TransactWriteItems" && conflicts > 0) {
        conflicts--;
        throw cancelledAtThirdItem(args.input, "TransactionConflict", "Transaction is ongoing for the item");
      }
      return next(args);
    },
    // After the SDK's own retries (finalizeRequest): each request on the wire counts once.
    { step: "deserialize", name: "countDynamoDbCalls" },
  );
  return {
    byOperation: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    reset: () => {
      counts = {};
      conflicts = 0;
      throttles.clear();
    },
    conflictNext: (times) => {
      conflicts = times;
    },
    throttleNext: (times, operation = "TransactWriteItems") => {
      throttles.set(operation, times);
    },
  };
}
