// The order contract shared by the OrderProcessing handler, the SearchIndexer and the tests:
// what a client may send, what is stored in the orders table (and indexed into OpenSearch),
// and the query parameters of the list and search routes.
import * as z from "../lib/zod";
import { limitParameter, skuSchema } from "./product";

export const orderStatuses = ["PLACED", "PAID", "SHIPPED", "CANCELLED"] as const;
export const orderStatusSchema = z.enum(orderStatuses);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

/**
 * Where an order may go next: paid, then shipped; cancelled any time before it ships.
 * Cancelling returns the order's stock.
 */
export const orderTransitions: Record<OrderStatus, readonly OrderStatus[]> = {
  PLACED: ["PAID", "CANCELLED"],
  PAID: ["SHIPPED", "CANCELLED"],
  SHIPPED: [],
  CANCELLED: [],
};

/** The body of PATCH /orders/{orderId} (admin group only). */
export const updateOrderStatusRequestSchema = z.strictObject({
  status: z.enum(["PAID", "SHIPPED", "CANCELLED"], { error: "status must be one of PAID, SHIPPED, CANCELLED" }),
});
export type UpdateOrderStatusRequest = z.infer<typeof updateOrderStatusRequestSchema>;

// The sku format is the product contract's; re-exported for the order's users.
export { skuSchema };

export const maxLinesPerOrder = 50;
export const maxQuantityPerLine = 100;

/**
 * The body of POST /orders. Strict: a client-sent price, total or customer is refused, so
 * nobody can believe they set one. Each sku at most once (quantities are per line).
 */
export const createOrderRequestSchema = z
  .strictObject({
    lines: z
      .array(
        z.strictObject({
          sku: skuSchema,
          quantity: z
            .number({ error: "quantity must be a number" })
            .check(
              z.int({ error: "quantity must be a whole number" }),
              z.minimum(1, { error: "quantity must be at least 1" }),
              z.maximum(maxQuantityPerLine, { error: `quantity must be at most ${maxQuantityPerLine}` }),
            ),
        }),
        { error: "lines must be an array" },
      )
      .check(
        z.minLength(1, { error: "an order needs at least one line" }),
        z.maxLength(maxLinesPerOrder, { error: `an order has at most ${maxLinesPerOrder} lines` }),
      ),
  })
  .check(
    z.superRefine((request, ctx) => {
      const firstLineOf = new Map<string, number>();
      request.lines.forEach((line, index) => {
        const first = firstLineOf.get(line.sku);
        if (first === undefined) firstLineOf.set(line.sku, index);
        else
          ctx.addIssue({
            code: "custom",
            path: ["lines", index, "sku"],
            message: `sku ${line.sku} already appears in lines[${first}]; combine the quantities`,
          });
      });
    }),
  );
export type CreateOrderRequest = z.infer<typeof createOrderRequestSchema>;

const cents = z.number().check(z.int(), z.nonnegative());
const isoTimestamp = z.iso.datetime();

export const orderLineSchema = z.strictObject({
  sku: skuSchema,
  name: z.string(),
  quantity: z.number().check(z.int(), z.minimum(1), z.maximum(maxQuantityPerLine)),
  unitPriceCents: cents,
  lineTotalCents: cents,
});
export type OrderLine = z.infer<typeof orderLineSchema>;

/** An item of the orders table; also the OpenSearch document (index `orders`, id = orderId). */
export const orderSchema = z.strictObject({
  orderId: z.string().check(z.minLength(1)),
  customerId: z.string().check(z.minLength(1)),
  status: orderStatusSchema,
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
  currency: z.literal("USD"),
  lines: z.array(orderLineSchema).check(z.minLength(1), z.maxLength(maxLinesPerOrder)),
  itemCount: z.number().check(z.int(), z.minimum(1)),
  totalCents: cents,
  /** The creation time in epoch ms at creation, +1 on every later update: the SearchIndexer's external version. */
  version: z.number().check(z.int(), z.minimum(1)),
});
export type Order = z.infer<typeof orderSchema>;

export const defaultPageSize = 20;
export const maxPageSize = 100;

/** `limit` of the list and search routes: decimal digits only, 1 to 100 (limitParameter). */
const pageSize = limitParameter(maxPageSize, defaultPageSize);

/** GET /orders?limit=&cursor= (cursor: opaque, from the previous page's `nextCursor`). */
export const listOrdersQuerySchema = z.strictObject({
  limit: pageSize,
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});
export type ListOrdersQuery = z.infer<typeof listOrdersQuerySchema>;

/**
 * A date the search backend parses as it is mapped (`strict_date_optional_time`): ISO-8601
 * with an offset, at most 9 fractional digits (nanoseconds), the offset as Z or ±HH:MM within
 * ±18:00 (java.time's ZoneOffset range; zod takes up to ±23:59). What it cannot parse is a
 * 400 here, never a failed search.
 */
const searchDate = (name: string) =>
  z.iso.datetime({ offset: true, error: `${name} must be an ISO-8601 date-time` }).check(
    z.regex(/^[^.]*(?:\.\d{1,9})?(?:Z|[+-](?:(?:0\d|1[0-7]):[0-5]\d|18:00))$/, {
      error: `${name} has at most 9 fractional digits and an offset of Z or ±HH:MM, at most 18:00`,
    }),
  );

/** GET /orders/search?q=&status=&from=&to=&limit= — every parameter optional. */
export const searchOrdersQuerySchema = z
  .strictObject({
    q: z.optional(
      z
        .string()
        .check(
          z.trim(),
          z.minLength(1, { error: "q must not be blank" }),
          z.maxLength(200, { error: "q is at most 200 characters" }),
        ),
    ),
    status: z.optional(orderStatusSchema),
    from: z.optional(searchDate("from")),
    to: z.optional(searchDate("to")),
    limit: pageSize,
  })
  .check(
    z.refine((query) => !query.from || !query.to || Date.parse(query.from) <= Date.parse(query.to), {
      path: ["to"],
      message: "to must not be before from",
    }),
  );
export type SearchOrdersQuery = z.infer<typeof searchOrdersQuerySchema>;
