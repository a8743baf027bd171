// Counts the DynamoDB calls a client really sends, per operation, with a middleware on the
// client (not by reading the handler's code): the order path's call budgets are held by
// tests and printed by the bench from these counts. Optionally fakes AWS cancelling a
// transaction with TransactionConflict, past the counter, so a conflicted attempt counts.
import { type DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";

export interface DynamoDbCallCounter {
  /** Calls since the last reset, per operation (e.g. { TransactWriteItems: 1 }). */
  byOperation(): Record<string, number>;
  total(): number;
  reset(): void;
  /** The next `times` TransactWriteItems calls are cancelled as AWS does under contention (after being counted). */
  conflictNext(times: number): void;
}

export function countDynamoDbCalls(client: DynamoDBClient): DynamoDbCallCounter {
  let counts: Record<string, number> = {};
  let conflicts = 0;
  client.middlewareStack.add(
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: { input: object }) => {
      const operation = String(context.commandName).replace(/Command$/, "");
      counts[operation] = (counts[operation] ?? 0) + 1;
      if (operation === "TransactWriteItems" && conflicts > 0) {
        conflicts--;
        throw new TransactionCanceledException({
          $metadata: { httpStatusCode: 400 },
          message:
            "Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]",
          CancellationReasons: ((args.input as { TransactItems?: unknown[] }).TransactItems ?? []).map((_, i) =>
            i === 2
              ? { Code: "TransactionConflict", Message: "Transaction is ongoing for the item" }
              : { Code: "None" },
          ),
        });
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
    },
    conflictNext: (times) => {
      conflicts = times;
    },
  };
}
