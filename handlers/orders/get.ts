// GET /orders/{orderId}: the caller's own order. Someone else's order answers exactly like
// a missing one (404), so order ids reveal nothing about other customers.
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type { Caller } from "./caller";
import type { OrdersDependencies } from "./dependencies";
import { badRequest, notFound } from "./errors";
import { jsonResponse } from "./responses";

export const orderIdPattern = /^[A-Za-z0-9-]{1,64}$/;

export function getOrderRoute(deps: OrdersDependencies) {
  return async (event: APIGatewayProxyEvent, caller: Caller): Promise<APIGatewayProxyResult> => {
    const orderId = event.pathParameters?.orderId ?? "";
    if (!orderIdPattern.test(orderId)) {
      throw badRequest("orderId is malformed", [{ path: "orderId", message: "1-64 characters of A-Z a-z 0-9 -" }]);
    }
    // Consistent: a client reading the order it has just created must find it.
    const { Item } = await deps.documentClient.send(
      new GetCommand({ TableName: deps.ordersTable, Key: { orderId }, ConsistentRead: true }),
    );
    if (!Item || Item.customerId !== caller.customerId) throw notFound("order not found");
    return jsonResponse(200, Item, { allowedOrigin: deps.allowedOrigin });
  };
}
