// The Idempotency-Key's record: written in the same transaction as the order it names, so a
// key is remembered exactly when its order exists. Powertools idempotency no longer fits
// here: it saves an in-progress record before the work and the result after it (two writes
// of their own, plus a read on every replay), and cannot join the order's transaction.
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { createHash } from "node:crypto";
import type { CreateOrderRequest } from "../shared/order";

/** An item of the idempotency table (key id, TTL attribute expiration, epoch seconds). */
export interface IdempotencyRecord {
  id: string;
  orderId: string;
  /** sha256 of the parsed request: the same body in other formatting or key order is the same request. */
  requestHash: string;
  expiration: number;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** sha256 of a customer and their Idempotency-Key: the order's id and the key's record id are both made from it. */
export const customerKeyDigest = (customerId: string, idempotencyKey: string) =>
  sha256(`${customerId}\n${idempotencyKey}`);

/** The record id of a customer-and-key digest. Independent of the function's name, so a rename keeps the remembered keys. */
export const recordIdOf = (digest: string) => `orders.create#${digest}`;

export const idempotencyRecordId = (customerId: string, idempotencyKey: string) =>
  recordIdOf(customerKeyDigest(customerId, idempotencyKey));

/** The parsed request (zod's output, keys in schema order) hashed: what a replay must match. */
export const requestHashOf = (request: CreateOrderRequest) => sha256(JSON.stringify(request));

/**
 * The record's Put in the order's transaction: only where the key is new or its record has
 * expired (DynamoDB's TTL deletes expired items lazily, up to days later, so expiry is
 * checked here rather than trusted to have happened).
 */
export function rememberKey(table: string, record: IdempotencyRecord, nowSeconds: number) {
  return {
    Put: {
      TableName: table,
      Item: record,
      ConditionExpression: "attribute_not_exists(id) OR expiration < :now",
      ExpressionAttributeValues: { ":now": nowSeconds },
      // A replay is answered from the cancellation itself: the record comes back with it.
      ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
    },
  };
}

const attributeValueKinds = new Set(["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"]);
const isAttributeValue = (value: unknown) =>
  typeof value === "object" &&
  value !== null &&
  Object.keys(value).length === 1 &&
  attributeValueKinds.has(Object.keys(value)[0]);

/** A cancellation reason's old item as a plain object (the SDK leaves it in wire format). */
export function plainItem<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  return (Object.values(item).every(isAttributeValue) ? unmarshall(item as never) : item) as T;
}
