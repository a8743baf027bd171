// Stock moves only inside the transaction that changes the order: placing an order takes
// each line's quantity from the inventory table (on condition that enough is left), and
// cancelling gives it back. These are the transaction's inventory actions and the reading
// of its cancellation reasons.
import type { CancellationReason } from "@aws-sdk/client-dynamodb";
import type { OrderLine } from "../shared/order";
import type { ErrorDetail } from "./errors";

/** A line that could not be reserved: where in the request, which sku, how many are left. */
export interface StockShortage extends ErrorDetail {
  sku: string;
  available: number;
}

/** Takes each line's quantity, only where at least that much is left (never below zero). */
export function reserveStock(inventoryTable: string, lines: OrderLine[]) {
  return lines.map((line) => ({
    Update: {
      TableName: inventoryTable,
      Key: { sku: line.sku },
      UpdateExpression: "SET stock = stock - :quantity",
      ConditionExpression: "stock >= :quantity",
      ExpressionAttributeValues: { ":quantity": line.quantity },
      // The failed item's stock says how many are left, without a second read.
      ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
    },
  }));
}

/**
 * Gives each line's quantity back. ADD, unconditional: the units are back on the shelf even if
 * the product has left the catalog meanwhile (its inventory item then simply stays).
 */
export function returnStock(inventoryTable: string, lines: OrderLine[]) {
  return lines.map((line) => ({
    Update: {
      TableName: inventoryTable,
      Key: { sku: line.sku },
      UpdateExpression: "ADD stock :quantity",
      ExpressionAttributeValues: { ":quantity": line.quantity },
    },
  }));
}

/** The stock attribute of a cancellation reason's old item (wire format, or already unmarshalled). */
function stockOf(reason: CancellationReason | undefined): number {
  const value = (reason?.Item as Record<string, unknown> | undefined)?.stock as { N?: string } | number | undefined;
  const n = typeof value === "number" ? value : Number(value?.N ?? 0);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/**
 * The lines the transaction could not reserve, given its reasons and the index of the first
 * inventory action (the actions before it are the order's own).
 */
export function stockShortages(
  reasons: CancellationReason[],
  lines: OrderLine[],
  firstInventoryAction: number,
): StockShortage[] {
  return lines.flatMap((line, index) => {
    const reason = reasons[firstInventoryAction + index];
    if (reason?.Code !== "ConditionalCheckFailed") return [];
    const available = stockOf(reason);
    return [{ path: `lines[${index}].sku`, message: `${line.sku}: only ${available} left`, sku: line.sku, available }];
  });
}

export const isTransactionCancelled = (err: unknown): err is Error & { CancellationReasons?: CancellationReason[] } =>
  (err as Error)?.name === "TransactionCanceledException";

/** Cancelled only because another transaction held an item: worth retrying as it is. */
export const cancelledByConflict = (reasons: CancellationReason[]) =>
  reasons.some((r) => r.Code === "TransactionConflict") &&
  reasons.every((r) => r.Code === "None" || r.Code === "TransactionConflict");

/** Backoff before retry `attempt` (1-based) of a conflicted transaction: 20, 40, 80 ms, with jitter. */
export const conflictBackoffMs = (attempt: number) => 20 * 2 ** (attempt - 1) * (0.5 + Math.random());
export const maxConflictRetries = 3;
