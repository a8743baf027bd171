// DynamoDB stream records of the orders table, shaped exactly as Lambda delivers them
// (marshalled images, NEW_AND_OLD_IMAGES), for the SearchIndexer tests and benchmark.
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import type { Order } from "../handlers/shared/order";

export const ordersStreamArn =
  "arn:aws:dynamodb:us-east-1:123456789012:table/orders-1a2b3c/stream/2026-01-01T00:00:00.000";

/** DynamoDB's JSON encoding of a plain value (strings, numbers, booleans, lists, maps). */
export function marshallValue(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === "string") return { S: value };
  if (typeof value === "number" || typeof value === "bigint") return { N: String(value) };
  if (typeof value === "boolean") return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(marshallValue) };
  return { M: marshallItem(value as Record<string, unknown>) };
}

export function marshallItem(item: Record<string, unknown>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, marshallValue(v)]));
}

let sequence = 100000000000000000000n;

/** A fresh, increasing SequenceNumber (21 digits, as a DynamoDB stream gives them). */
export function nextSequenceNumber(): string {
  sequence += 1000n;
  return sequence.toString();
}

export function order(overrides: Partial<Order> & { orderId: string }): Order {
  const lines = overrides.lines ?? [
    { sku: "KIT-MUG-STN-12", name: "Stoneware Mug 12 oz", quantity: 2, unitPriceCents: 1450, lineTotalCents: 2900 },
    { sku: "TEA-GRN-SEN-50", name: "Sencha Green Tea, 50 bags", quantity: 1, unitPriceCents: 899, lineTotalCents: 899 },
  ];
  return {
    customerId: "3f1c2b7a-9d4e-4c1a-8f7e-2a6b5c4d3e21",
    status: "PLACED",
    createdAt: "2026-03-01T10:15:30.000Z",
    updatedAt: "2026-03-01T10:15:30.000Z",
    currency: "USD",
    lines,
    itemCount: lines.reduce((n, l) => n + l.quantity, 0),
    totalCents: lines.reduce((n, l) => n + l.lineTotalCents, 0),
    version: 1,
    ...overrides,
  };
}

type Image = Record<string, unknown>;

function record(
  eventName: "INSERT" | "MODIFY" | "REMOVE",
  keys: Image,
  newImage?: Image,
  oldImage?: Image,
): DynamoDBRecord {
  const Keys = marshallItem(keys);
  const NewImage = newImage && marshallItem(newImage);
  const OldImage = oldImage && marshallItem(oldImage);
  return {
    eventID: Math.random().toString(16).slice(2),
    eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "us-east-1",
    eventSourceARN: ordersStreamArn,
    dynamodb: {
      ApproximateCreationDateTime: 1772360130,
      Keys,
      ...(NewImage ? { NewImage } : {}),
      ...(OldImage ? { OldImage } : {}),
      SequenceNumber: nextSequenceNumber(),
      SizeBytes: JSON.stringify([Keys, NewImage, OldImage]).length,
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
  };
}

export function insertRecord(item: Image): DynamoDBRecord {
  return record("INSERT", { orderId: item.orderId }, item);
}

export function modifyRecord(oldItem: Image, newItem: Image): DynamoDBRecord {
  return record("MODIFY", { orderId: newItem.orderId }, newItem, oldItem);
}

export function removeRecord(oldItem: Image): DynamoDBRecord {
  return record("REMOVE", { orderId: oldItem.orderId }, undefined, oldItem);
}

export function streamEvent(...records: DynamoDBRecord[]): DynamoDBStreamEvent {
  return { Records: records };
}
