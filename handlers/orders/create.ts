// POST /orders: validate, price from the catalog, reserve the stock and write the order once,
// in one transaction: the order is stored exactly when every line's stock was taken.
//
// Exactly-once has two layers. Powertools idempotency (key = customer + Idempotency-Key,
// payload validation over the parsed body) replays the first response for a retry and
// refuses the same key with another body. Under it, the orderId is derived from the same
// customer + key, and the write is conditional on that id being new: even if the
// idempotency record is lost (a crash between the write and saving the result, or a key
// reused after its record expired), a retry can never store a second order.
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { idempotencyKeyHeader } from "../shared/http";
import { type CreateOrderRequest, createOrderRequestSchema, type Order } from "../shared/order";
import type { Caller } from "./caller";
import type { OrdersDependencies } from "./dependencies";
import { badRequest, conflict, HttpError, zodDetails } from "./errors";
import { loadProducts, priceLines } from "./pricing";
import { headerValues, jsonBody } from "./request";
import { jsonResponse } from "./responses";
import { cancelledByConflict, conflictBackoffMs, isTransactionCancelled, maxConflictRetries, reserveStock, stockShortages } from "./stock";

/** A UUID fits; so does any client-generated token of 8-128 URL-safe characters. */
const idempotencyKeyPattern = /^[A-Za-z0-9_.:-]{8,128}$/;

/** While another request with the same key is still running, wait this long (in steps) for its result. */
const inProgressWaitsMs = [50, 100, 200, 400, 800, 1000];

interface CreateOrderInput {
  customerId: string;
  idempotencyKey: string;
  request: CreateOrderRequest;
}

/** What the idempotency layer stores and replays. */
interface CreatedOrder {
  order: Order;
  /** Set by the response hook on a replay, never stored. */
  replayed?: boolean;
}

/**
 * The version an order is created with: its creation time in epoch milliseconds. Updates add
 * 1. An order deleted out of band and created again under the same key (after its
 * idempotency record expired) so gets a version above the old one and its delete's
 * tombstone (old version + 1): the search index takes it, instead of keeping it hidden.
 */
export function creationVersion(createdAt: Date): number {
  return createdAt.getTime();
}

/** UUID-shaped (version 8: custom) id from sha256(customer, key): same inputs, same order. */
export function orderIdFor(customerId: string, idempotencyKey: string): string {
  const hex = createHash("sha256").update(`${customerId}\n${idempotencyKey}`).digest("hex");
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function idempotencyKeyOf(event: APIGatewayProxyEvent): string {
  const values = headerValues(event, idempotencyKeyHeader);
  const path = `headers.${idempotencyKeyHeader}`;
  if (values.length === 0) throw badRequest(`${idempotencyKeyHeader} header is required`, [{ path, message: "send a unique key (e.g. a UUID) per order; reuse it only to retry" }]);
  if (values.length > 1) throw badRequest(`${idempotencyKeyHeader} header is given more than once`, [{ path, message: "send exactly one key" }]);
  if (!idempotencyKeyPattern.test(values[0])) {
    throw badRequest(`${idempotencyKeyHeader} header is malformed`, [{ path, message: "8-128 characters of A-Z a-z 0-9 _ . : -" }]);
  }
  return values[0];
}

const sameLines = (order: Order, request: CreateOrderRequest) =>
  order.lines.length === request.lines.length &&
  order.lines.every((line, i) => line.sku === request.lines[i].sku && line.quantity === request.lines[i].quantity);

export function createOrderRoute(deps: OrdersDependencies) {
  const { documentClient, metrics, logger } = deps;
  const now = deps.now ?? (() => new Date());

  /** The order for this key exists already: its idempotency record was lost or expired. */
  async function existingOrder(input: CreateOrderInput, orderId: string): Promise<CreatedOrder> {
    const existing = await documentClient.send(
      new GetCommand({ TableName: deps.ordersTable, Key: { orderId }, ConsistentRead: true }),
    );
    const stored = existing.Item as Order | undefined;
    if (stored && stored.customerId === input.customerId && sameLines(stored, input.request)) {
      logger.warn("order existed without an idempotency record; returning it", { orderId });
      return { order: stored };
    }
    throw conflict(`${idempotencyKeyHeader} was already used for a different order`);
  }

  async function placeOrder(input: CreateOrderInput): Promise<CreatedOrder> {
    const products = await loadProducts(documentClient, deps.productsTable, input.request.lines.map((l) => l.sku));
    const lines = priceLines(input.request, products);
    const createdAt = now();
    const timestamp = createdAt.toISOString();
    const order: Order = {
      orderId: orderIdFor(input.customerId, input.idempotencyKey),
      customerId: input.customerId,
      status: "PLACED",
      createdAt: timestamp,
      updatedAt: timestamp,
      currency: "USD",
      lines,
      itemCount: lines.reduce((sum, l) => sum + l.quantity, 0),
      totalCents: lines.reduce((sum, l) => sum + l.lineTotalCents, 0),
      version: creationVersion(createdAt),
    };
    // 1 + at most 50 lines: within TransactWriteItems' 100 actions. A new command (so a new
    // ClientRequestToken) per attempt: each attempt is a new transaction.
    const transaction = () =>
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: deps.ordersTable, Item: order, ConditionExpression: "attribute_not_exists(orderId)" } },
          ...reserveStock(deps.inventoryTable, lines),
        ],
      });
    for (let attempt = 1; ; attempt++) {
      try {
        await documentClient.send(transaction());
        break;
      } catch (err) {
        if (!isTransactionCancelled(err)) throw err;
        const reasons = err.CancellationReasons ?? [];
        if (reasons[0]?.Code === "ConditionalCheckFailed") return existingOrder(input, order.orderId);
        const shortages = stockShortages(reasons, lines, 1);
        if (shortages.length > 0) {
          metrics.addMetric("OrderOutOfStock", MetricUnit.Count, 1);
          throw new HttpError(409, "not enough stock for this order", shortages);
        }
        // AWS cancels a transaction that meets another on the same item: try again shortly.
        if (!cancelledByConflict(reasons)) throw err;
        if (attempt > maxConflictRetries) {
          throw conflict("stock is being updated by other orders; retry shortly", { "Retry-After": "1" });
        }
        await sleep(conflictBackoffMs(attempt));
      }
    }
    metrics.addMetric("OrderCreated", MetricUnit.Count, 1);
    metrics.addMetric("OrderTotalCents", MetricUnit.NoUnit, order.totalCents);
    logger.info("order created", { orderId: order.orderId, totalCents: order.totalCents, lines: lines.length });
    return { order };
  }

  const idempotencyConfig = new IdempotencyConfig({
    eventKeyJmesPath: "[customerId, idempotencyKey]",
    payloadValidationJmesPath: "request",
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: deps.idempotency.expiresAfterSeconds,
    responseHook: (response) => ({ ...(response as object), replayed: true }),
  });
  const placeOrderOnce = makeIdempotent(placeOrder, {
    persistenceStore: deps.idempotency.persistenceStore,
    config: idempotencyConfig,
    // Independent of the function's name, so a rename keeps the remembered keys.
    keyPrefix: "orders.create",
  });

  async function placeOrderOnceWaitingForInFlight(input: CreateOrderInput): Promise<CreatedOrder> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await placeOrderOnce(input);
      } catch (err) {
        const name = (err as Error).name;
        if (name === "IdempotencyValidationError") {
          metrics.addMetric("IdempotencyConflict", MetricUnit.Count, 1);
          throw conflict(`${idempotencyKeyHeader} was already used with a different request body`);
        }
        if (name !== "IdempotencyAlreadyInProgressError") throw err;
        if (attempt >= inProgressWaitsMs.length) {
          throw conflict(`a request with this ${idempotencyKeyHeader} is still in progress; retry shortly`, { "Retry-After": "1" });
        }
        await sleep(inProgressWaitsMs[attempt]);
      }
    }
  }

  return async (event: APIGatewayProxyEvent, caller: Caller, context: Context): Promise<APIGatewayProxyResult> => {
    const idempotencyKey = idempotencyKeyOf(event);
    const parsed = createOrderRequestSchema.safeParse(jsonBody(event));
    if (!parsed.success) throw badRequest("order request is invalid", zodDetails(parsed.error));
    // The in-progress lock then expires with this invocation's time, not after the key's TTL.
    idempotencyConfig.registerLambdaContext(context);
    const { order, replayed } = await placeOrderOnceWaitingForInFlight({
      customerId: caller.customerId,
      idempotencyKey,
      request: parsed.data,
    });
    if (replayed) {
      // The remembered answer may name an order deleted since: never answer 201 for it.
      const current = await documentClient.send(new GetCommand({ TableName: deps.ordersTable, Key: { orderId: order.orderId }, ConsistentRead: true }));
      if (!current.Item) {
        throw conflict(`the order this ${idempotencyKeyHeader} created no longer exists; send a new key to order again`);
      }
      metrics.addMetric("IdempotentReplay", MetricUnit.Count, 1);
    }
    return jsonResponse(201, order, {
      allowedOrigin: deps.allowedOrigin,
      headers: {
        Location: `/orders/${order.orderId}`,
        ...(replayed ? { "Idempotent-Replayed": "true" } : {}),
      },
    });
  };
}
