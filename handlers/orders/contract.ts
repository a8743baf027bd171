// The seam between the Orders component and OrderProcessing (no SDK or Pulumi imports): the
// environment the component builds and the handler parses, the telemetry names, and the routes
// the Api deploys, the router dispatches and local mode serves.
import * as z from "../lib/zod";
import { type HandlerContract, telemetryEnvironment } from "../lib/environment";
import { idempotencyKeyHeader, queryParameters, type RouteContracts } from "../shared/http";
import { createOrderRequestSchema, listOrdersQuerySchema, updateOrderStatusRequestSchema } from "../shared/order";

export const title = "OrderProcessing";
export const serviceName = "orders-api";
export const metricsNamespace = "Ecommerce/Orders";
/** How long an Idempotency-Key is remembered unless the stack says otherwise: one day. */
export const defaultIdempotencyTtlSeconds = 86400;

export const environmentSchema = z.object({
  AWS_REGION: z.string().check(z.minLength(1)),
  /** Orders table (key orderId, index byCustomer). */
  ORDERS_TABLE: z.string().check(z.minLength(1)),
  /** Products table (key sku): the priced catalog. */
  PRODUCTS_TABLE: z.string().check(z.minLength(1)),
  /** Inventory table (key sku): stock, reserved and returned in the order's transaction. */
  INVENTORY_TABLE: z.string().check(z.minLength(1)),
  /** Idempotency-Key records (key id, TTL attribute expiration), written with each order. */
  IDEMPOTENCY_TABLE: z.string().check(z.minLength(1)),
  /** The storefront origin, sent as Access-Control-Allow-Origin. */
  ALLOWED_ORIGIN: z.string().check(z.minLength(1)),
  /** How long an Idempotency-Key is remembered. */
  IDEMPOTENCY_TTL_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.minimum(60), z.maximum(30 * 86400)),
    defaultIdempotencyTtlSeconds,
  ),
  ...telemetryEnvironment(serviceName, metricsNamespace),
});
export type OrdersEnvironment = z.infer<typeof environmentSchema>;

export const ordersContract = { title, serviceName, metricsNamespace, environmentSchema } satisfies HandlerContract<
  typeof environmentSchema
>;

/**
 * Every route is behind the Cognito authorizer: the caller is the token's `sub`. GET
 * /orders/search is OrderSearch's (handlers/orders-search/contract.ts).
 */
export const orderRoutes = {
  createOrder: {
    method: "POST",
    path: "/orders",
    authorization: "cognito",
    body: { name: "CreateOrderRequest", schema: createOrderRequestSchema },
    requiredHeaders: [idempotencyKeyHeader],
  },
  listMyOrders: {
    method: "GET",
    path: "/orders",
    authorization: "cognito",
    optionalQuery: queryParameters(listOrdersQuerySchema),
  },
  getOrder: { method: "GET", path: "/orders/{orderId}", authorization: "cognito" },
  // The admin group only; the handler refuses anyone else with a 403.
  updateOrderStatus: {
    method: "PATCH",
    path: "/orders/{orderId}",
    authorization: "cognito",
    body: { name: "UpdateOrderStatusRequest", schema: updateOrderStatusRequestSchema },
  },
} as const satisfies RouteContracts;
