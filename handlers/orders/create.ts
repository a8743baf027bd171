// POST /orders: validate, price from the catalog, and write the order, its idempotency record
// and the stock reservations in one TransactWriteItems: on a warm container a new order and a
// replay each cost that one call.
//
// Exactly-once: the orderId is derived from customer + Idempotency-Key and written only if
// new; the key's record (with the request's hash) is written only if the key is new or
// expired, in the same transaction. So a replay (same key and body) is cancelled and answered
// from the cancellation reasons (the record and the stored order come back with it); another
// body under the key is a 409; and even with the record lost or expired, a retry can never
// store a second order. Parallel requests with one key serialise on those items: one
// transaction wins, the others see its record.
//
// Prices come from a per-container catalog cache; each product's price is asserted in the
// same transaction, so a stale entry can cancel an order but never price one.
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { GetCommand, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { setTimeout as sleep } from "node:timers/promises";
import { idempotencyKeyHeader } from "../shared/http";
import { type CreateOrderRequest, createOrderRequestSchema, type Order } from "../shared/order";
import type { Caller } from "./caller";
import type { OrdersDependencies } from "./dependencies";
import { badRequest, conflict, HttpError, zodDetails } from "./errors";
import {
  customerKeyDigest,
  type IdempotencyRecord,
  idempotencyRecordId,
  plainItem,
  recordIdOf,
  rememberKey,
  requestHashOf,
} from "./idempotency";
import { CatalogCache, orderTotals, priceAsserted, priceLines } from "./pricing";
import { headerValues, jsonBody } from "./request";
import { jsonResponse } from "./responses";
import {
  cancelledByConflict,
  conflictBackoffMs,
  isTransactionCancelled,
  maxConflictRetries,
  reserveStock,
  stockShortages,
} from "./stock";

/** A UUID fits; so does any client-generated token of 8-128 URL-safe characters. */
const idempotencyKeyPattern = /^[A-Za-z0-9_.:-]{8,128}$/;

/** TransactWriteItems takes at most 100 actions. */
const maxTransactionActions = 100;
/**
 * The record, the order, and per line a stock update and a price assertion. An order too long
 * for the assertions (50 lines: 102 actions) is priced from a fresh read instead.
 */
const actionsWithPriceAssertions = (lineCount: number) => 2 + 2 * lineCount;

interface CreateOrderInput {
  customerId: string;
  idempotencyKey: string;
  request: CreateOrderRequest;
}

/** The order answered, and whether it is a replay of an earlier request's. */
interface CreatedOrder {
  order: Order;
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
  return orderIdOf(customerKeyDigest(customerId, idempotencyKey));
}

/** The order id of a customer-and-key digest (customerKeyDigest). */
function orderIdOf(hex: string): string {
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function idempotencyKeyOf(event: APIGatewayProxyEvent): string {
  const values = headerValues(event, idempotencyKeyHeader);
  const path = `headers.${idempotencyKeyHeader}`;
  if (values.length === 0)
    throw badRequest(`${idempotencyKeyHeader} header is required`, [
      { path, message: "send a unique key (e.g. a UUID) per order; reuse it only to retry" },
    ]);
  if (values.length > 1)
    throw badRequest(`${idempotencyKeyHeader} header is given more than once`, [
      { path, message: "send exactly one key" },
    ]);
  if (!idempotencyKeyPattern.test(values[0])) {
    throw badRequest(`${idempotencyKeyHeader} header is malformed`, [
      { path, message: "8-128 characters of A-Z a-z 0-9 _ . : -" },
    ]);
  }
  return values[0];
}

const sameLines = (order: Order, request: CreateOrderRequest) =>
  order.lines.length === request.lines.length &&
  order.lines.every((line, i) => line.sku === request.lines[i].sku && line.quantity === request.lines[i].quantity);

export function createOrderRoute(deps: OrdersDependencies) {
  const { documentClient, metrics, logger } = deps;
  const now = deps.now ?? (() => new Date());
  // Per container: a warm container prices from memory (asserted in each transaction).
  const catalog = new CatalogCache(documentClient, deps.productsTable);

  /** The key's record names this request: answer with its order, if that still exists. */
  function replay(record: IdempotencyRecord, requestHash: string, stored: Order | undefined): CreatedOrder {
    if (record.requestHash !== requestHash) {
      metrics.addMetric("IdempotencyConflict", MetricUnit.Count, 1);
      throw conflict(`${idempotencyKeyHeader} was already used with a different request body`);
    }
    // The remembered order may have been deleted since: never answer 201 for it.
    if (!stored)
      throw conflict(`the order this ${idempotencyKeyHeader} created no longer exists; send a new key to order again`);
    metrics.addMetric("IdempotentReplay", MetricUnit.Count, 1);
    return { order: stored, replayed: true };
  }

  /**
   * The order for this key exists without its record (lost, or expired and the key reused).
   * The same lines: it is this request's order; its record is written again so the next
   * retry is an ordinary replay.
   */
  async function existingOrder(
    input: CreateOrderInput,
    stored: Order,
    record: IdempotencyRecord,
    nowSeconds: number,
  ): Promise<CreatedOrder> {
    if (stored.customerId !== input.customerId || !sameLines(stored, input.request)) {
      throw conflict(`${idempotencyKeyHeader} was already used for a different order`);
    }
    logger.warn("order existed without an idempotency record; returning it", { orderId: stored.orderId });
    try {
      await documentClient.send(new PutCommand(rememberKey(deps.idempotency.table, record, nowSeconds).Put));
    } catch (err) {
      // A parallel retry wrote it first: the same record.
      if ((err as Error).name !== "ConditionalCheckFailedException") throw err;
    }
    return { order: stored };
  }

  /**
   * Before refusing unknown skus: a replay of an order whose product has left the catalog since
   * is still answered with that order (two reads, on this refusal path only).
   */
  async function replayOfRemovedProducts(
    input: CreateOrderInput,
    requestHash: string,
    nowSeconds: number,
  ): Promise<CreatedOrder | undefined> {
    const id = idempotencyRecordId(input.customerId, input.idempotencyKey);
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: deps.idempotency.table, Key: { id }, ConsistentRead: true }),
    );
    const record = Item as IdempotencyRecord | undefined;
    if (!record || record.expiration < nowSeconds) return undefined;
    const stored = await documentClient.send(
      new GetCommand({ TableName: deps.ordersTable, Key: { orderId: record.orderId }, ConsistentRead: true }),
    );
    return replay(record, requestHash, stored.Item as Order | undefined);
  }

  async function placeOrder(input: CreateOrderInput): Promise<CreatedOrder> {
    const createdAt = now();
    const nowSeconds = Math.floor(createdAt.getTime() / 1000);
    const requestHash = requestHashOf(input.request);
    const skus = input.request.lines.map((l) => l.sku);
    const assertPrices = actionsWithPriceAssertions(skus.length) <= maxTransactionActions;
    const timestamp = createdAt.toISOString();
    // One digest names both the order and the key's record.
    const digest = customerKeyDigest(input.customerId, input.idempotencyKey);
    const orderId = orderIdOf(digest);
    const record: IdempotencyRecord = {
      id: recordIdOf(digest),
      orderId,
      requestHash,
      expiration: nowSeconds + deps.idempotency.expiresAfterSeconds,
    };

    /** The order priced from the catalog, or the answer to a replay whose products are gone. */
    async function priced(): Promise<Order | { replayed: CreatedOrder }> {
      const products = await catalog.entriesFor(skus, { fresh: !assertPrices });
      if (products.size < skus.length) {
        const replayed = await replayOfRemovedProducts(input, requestHash, nowSeconds);
        if (replayed) return { replayed };
      }
      const lines = priceLines(input.request, products);
      return {
        orderId,
        customerId: input.customerId,
        status: "PLACED",
        createdAt: timestamp,
        updatedAt: timestamp,
        currency: "USD",
        lines,
        ...orderTotals(lines),
        version: creationVersion(createdAt),
      };
    }

    const first = await priced();
    if ("replayed" in first) return first.replayed;
    let order = first;
    // A new command (so a new ClientRequestToken) per attempt: each attempt is a new transaction.
    const transaction = (o: Order) =>
      new TransactWriteCommand({
        TransactItems: [
          rememberKey(deps.idempotency.table, record, nowSeconds),
          {
            Put: {
              TableName: deps.ordersTable,
              Item: o,
              ConditionExpression: "attribute_not_exists(orderId)",
              ReturnValuesOnConditionCheckFailure: "ALL_OLD",
            },
          },
          ...reserveStock(deps.inventoryTable, o.lines),
          ...(assertPrices ? priceAsserted(deps.productsTable, o.lines) : []),
        ],
      });
    const firstStockAction = 2;
    let repriced = false;
    for (let attempt = 1; ; attempt++) {
      try {
        await documentClient.send(transaction(order));
        break;
      } catch (err) {
        if (!isTransactionCancelled(err)) throw err;
        const reasons = err.CancellationReasons ?? [];
        const [recordReason, orderReason] = reasons;
        const stored = orderReason?.Code === "ConditionalCheckFailed" ? plainItem<Order>(orderReason.Item) : undefined;
        if (recordReason?.Code === "ConditionalCheckFailed") {
          const remembered = plainItem<IdempotencyRecord>(recordReason.Item);
          if (!remembered) throw err;
          return replay(remembered, requestHash, stored);
        }
        if (stored) return existingOrder(input, stored, record, nowSeconds);
        const firstPriceAction = firstStockAction + order.lines.length;
        const stalePrices = assertPrices
          ? order.lines.filter((_, i) => reasons[firstPriceAction + i]?.Code === "ConditionalCheckFailed")
          : [];
        if (stalePrices.length > 0) {
          // Priced from a stale entry: take the entries the transaction saw and price once more.
          if (repriced) throw conflict("prices changed while ordering; retry shortly", { "Retry-After": "1" });
          for (const line of stalePrices) {
            const index = order.lines.indexOf(line);
            catalog.replace(line.sku, plainItem(reasons[firstPriceAction + index]?.Item));
          }
          repriced = true;
          metrics.addMetric("OrderRepriced", MetricUnit.Count, 1);
          const again = await priced();
          if ("replayed" in again) return again.replayed;
          order = again;
          continue;
        }
        const shortages = stockShortages(reasons, order.lines, firstStockAction);
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
    logger.info("order created", { orderId: order.orderId, totalCents: order.totalCents, lines: order.lines.length });
    return { order };
  }

  return async (event: APIGatewayProxyEvent, caller: Caller, _context: Context): Promise<APIGatewayProxyResult> => {
    const idempotencyKey = idempotencyKeyOf(event);
    const parsed = createOrderRequestSchema.safeParse(jsonBody(event));
    if (!parsed.success) throw badRequest("order request is invalid", zodDetails(parsed.error));
    const { order, replayed } = await placeOrder({
      customerId: caller.customerId,
      idempotencyKey,
      request: parsed.data,
    });
    return jsonResponse(201, order, {
      allowedOrigin: deps.allowedOrigin,
      headers: {
        Location: `/orders/${order.orderId}`,
        ...(replayed ? { "Idempotent-Replayed": "true" } : {}),
      },
    });
  };
}
