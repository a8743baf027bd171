// GET /orders: the caller's orders, newest first, from the customer index, in pages.
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { listOrdersQuerySchema } from "../shared/order";
import { ordersByCustomerIndex } from "../shared/tables";
import type { Caller } from "./caller";
import { type CursorKey, decodeCursor, encodeCursor } from "./cursor";
import type { OrdersDependencies } from "./dependencies";
import { badRequest, zodDetails } from "./errors";
import { queryParameters } from "./request";
import { jsonResponse } from "./responses";

export function listOrdersRoute(deps: OrdersDependencies) {
  return async (event: APIGatewayProxyEvent, caller: Caller): Promise<APIGatewayProxyResult> => {
    const parsed = listOrdersQuerySchema.safeParse(queryParameters(event));
    if (!parsed.success) throw badRequest("invalid query", zodDetails(parsed.error));
    const { limit, cursor } = parsed.data;
    const startKey = cursor ? decodeCursor(cursor, caller.customerId) : undefined;
    // One item more than asked tells whether another page exists, so the last page never
    // hands out a cursor that leads to an empty page.
    const result = await deps.documentClient.send(
      new QueryCommand({
        TableName: deps.ordersTable,
        IndexName: ordersByCustomerIndex,
        KeyConditionExpression: "customerId = :customerId",
        ExpressionAttributeValues: { ":customerId": caller.customerId },
        ScanIndexForward: false,
        Limit: limit + 1,
        ExclusiveStartKey: startKey,
      }),
    );
    const items = result.Items ?? [];
    const orders = items.slice(0, limit);
    let nextCursor: string | undefined;
    if (items.length > limit) nextCursor = encodeCursor(orders[orders.length - 1] as CursorKey);
    // The 1 MB page limit can stop a query short of `limit + 1`; continue from where it stopped.
    else if (result.LastEvaluatedKey) nextCursor = encodeCursor(result.LastEvaluatedKey as CursorKey);
    return jsonResponse(200, { orders, nextCursor: nextCursor ?? null }, { allowedOrigin: deps.allowedOrigin });
  };
}
