// PATCH /orders/{orderId}: the admin group moves an order through its statuses (PLACED to
// PAID to SHIPPED, or CANCELLED before it ships). The change is one transaction, conditional
// on the order still being what was read (status and version), so two admins never both win;
// a cancellation gives the order's stock back in the same transaction. The version goes up
// by one, which is what lets the SearchIndexer's external versioning take the change.
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { setTimeout as sleep } from "node:timers/promises";
import { type Order, orderTransitions, updateOrderStatusRequestSchema } from "../shared/order";
import type { Caller } from "./caller";
import type { OrdersDependencies } from "./dependencies";
import { badRequest, conflict, type ErrorDetail, HttpError, notFound, zodDetails } from "./errors";
import { orderIdPattern } from "./get";
import { jsonBody } from "./request";
import { jsonResponse } from "./responses";
import {
  cancelledByConflict,
  conflictBackoffMs,
  isTransactionCancelled,
  maxConflictRetries,
  returnStock,
} from "./stock";

/** An illegal transition, machine-readable as well as worded. */
interface TransitionDetail extends ErrorDetail {
  from: string;
  to: string;
}

/** Another change won the race this many times in a row: give up with a 409 and Retry-After. */
const maxAttempts = maxConflictRetries + 1;

export function updateOrderStatusRoute(deps: OrdersDependencies) {
  const now = deps.now ?? (() => new Date());

  return async (event: APIGatewayProxyEvent, caller: Caller): Promise<APIGatewayProxyResult> => {
    if (!caller.isAdmin) throw new HttpError(403, "only the admin group may change an order's status");
    const orderId = event.pathParameters?.orderId ?? "";
    if (!orderIdPattern.test(orderId)) {
      throw badRequest("orderId is malformed", [{ path: "orderId", message: "1-64 characters of A-Z a-z 0-9 -" }]);
    }
    const parsed = updateOrderStatusRequestSchema.safeParse(jsonBody(event));
    if (!parsed.success) throw badRequest("status change is invalid", zodDetails(parsed.error));
    const to = parsed.data.status;

    for (let attempt = 1; ; attempt++) {
      const { Item } = await deps.documentClient.send(
        new GetCommand({ TableName: deps.ordersTable, Key: { orderId }, ConsistentRead: true }),
      );
      if (!Item) throw notFound("order not found");
      const current = Item as Order;
      const from = current.status;
      // Asking for the status it already has changes nothing: a retried PATCH is harmless.
      if (from === to) return jsonResponse(200, current, { allowedOrigin: deps.allowedOrigin });
      if (!orderTransitions[from].includes(to)) {
        const allowed = orderTransitions[from];
        const detail: TransitionDetail = {
          path: "status",
          message: allowed.length ? `from ${from} it can go to ${allowed.join(" or ")}` : `${from} is final`,
          from,
          to,
        };
        throw new HttpError(409, `an order cannot go from ${from} to ${to}`, [detail]);
      }
      const updated: Order = { ...current, status: to, updatedAt: now().toISOString(), version: current.version + 1 };
      try {
        await deps.documentClient.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: deps.ordersTable,
                  Key: { orderId },
                  UpdateExpression: "SET #status = :to, updatedAt = :updatedAt, version = :next",
                  ConditionExpression: "#status = :from AND version = :version",
                  ExpressionAttributeNames: { "#status": "status" },
                  ExpressionAttributeValues: {
                    ":to": to,
                    ":from": from,
                    ":updatedAt": updated.updatedAt,
                    ":next": updated.version,
                    ":version": current.version,
                  },
                },
              },
              ...(to === "CANCELLED" ? returnStock(deps.inventoryTable, current.lines) : []),
            ],
          }),
        );
      } catch (err) {
        if (!isTransactionCancelled(err)) throw err;
        const reasons = err.CancellationReasons ?? [];
        const raced = reasons[0]?.Code === "ConditionalCheckFailed" || cancelledByConflict(reasons);
        if (!raced) throw err;
        // Someone changed the order meanwhile: read it again and decide again.
        if (attempt >= maxAttempts)
          throw conflict("the order is being changed by someone else; retry shortly", { "Retry-After": "1" });
        await sleep(conflictBackoffMs(attempt));
        continue;
      }
      deps.metrics.addMetric("OrderStatusChanged", MetricUnit.Count, 1);
      deps.logger.info("order status changed", { orderId, from, to, version: updated.version, by: caller.customerId });
      return jsonResponse(200, updated, { allowedOrigin: deps.allowedOrigin });
    }
  };
}
