// One DynamoDB stream record of the orders table → one OpenSearch bulk action, or the reason
// it cannot become one (the record then goes to the dead-letter queue).
//
// Versioning: every action carries `version_type: external`, so OpenSearch keeps a document
// only if its version is strictly higher than the one it holds (a live document or a delete
// tombstone). INSERT/MODIFY use the new image's `version` (1 at creation, +1 per update).
// REMOVE uses the old image's version + 1: the delete comes after every write up to that
// version, so it beats all of them (a replayed INSERT/MODIFY is refused with 409) and never
// beats a write it did not see. An order created again under the same orderId (deleted out of
// band, its key reused after the idempotency TTL) starts at its creation time in epoch ms,
// far above any earlier version + 1, so the tombstone never hides it.
import type { DynamoDBRecord } from "aws-lambda";
import { unmarshallDynamoDB } from "@aws-lambda-powertools/commons/utils/unmarshallDynamoDB";
// zod/mini (../lib/zod), not the Powertools parser's ready-made DynamoDB stream schema: that
// one is built on zod's classic API, which would put 85 KB or more back in the bundle.
import * as z from "../lib/zod";
import { toOrderSearchDocument } from "../shared/order-index";

export type BulkOperation = "index" | "delete";

export interface BulkAction {
  /** The stream record's SequenceNumber: the batch item identifier if the action fails. */
  sequenceNumber: string;
  operation: BulkOperation;
  /** Document id = orderId. */
  id: string;
  /** External version (see above). */
  version: number;
  /** The search document (index only). */
  document?: Record<string, unknown>;
}

export type DeadLetterCode =
  | "invalid-record" // not a DynamoDB stream record, or an image that cannot be unmarshalled
  | "missing-image" // the image the action needs is absent (stream view type is not NEW_AND_OLD_IMAGES)
  | "invalid-order-image" // no usable orderId or version in the image
  | "version-not-incremented" // a MODIFY whose version is not above the old one: indexing it would be refused
  | "mapping-rejected"; // OpenSearch refused the document (400), retrying cannot help

export interface DeadLetterReason {
  code: DeadLetterCode;
  message: string;
  /** OpenSearch's item status and error type, for mapping-rejected. */
  status?: number;
  errorType?: string;
}

export type RecordConversion =
  | { ok: true; action: BulkAction }
  | { ok: false; sequenceNumber?: string; reason: DeadLetterReason };

/** The SequenceNumber of a record even when the rest of it is malformed. */
export function sequenceNumberOf(record: unknown): string | undefined {
  const value = (record as { dynamodb?: { SequenceNumber?: unknown } } | undefined)?.dynamodb?.SequenceNumber;
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

const attributeMap = z.record(z.string(), z.record(z.string(), z.unknown()));

/** The fields of a DynamoDB stream record this handler relies on (as the Lambda event delivers them). */
const streamRecordSchema = z.object({
  eventID: z.string(),
  eventName: z.enum(["INSERT", "MODIFY", "REMOVE"]),
  eventSource: z.literal("aws:dynamodb"),
  dynamodb: z.object({
    Keys: attributeMap,
    NewImage: z.optional(attributeMap),
    OldImage: z.optional(attributeMap),
    SequenceNumber: z.string().check(z.minLength(1)),
    StreamViewType: z.optional(z.string()),
  }),
});

type Image = Record<string, unknown>;

export function toBulkAction(record: DynamoDBRecord | unknown): RecordConversion {
  const parsed = streamRecordSchema.safeParse(record);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(record)"}: ${i.message}`);
    return reject(
      sequenceNumberOf(record),
      "invalid-record",
      `not a valid DynamoDB stream record: ${problems.join("; ")}`,
    );
  }
  const { eventName, dynamodb } = parsed.data;
  const sequenceNumber = dynamodb.SequenceNumber;
  let keys: Image, newImage: Image | undefined, oldImage: Image | undefined;
  try {
    keys = unmarshall("Keys", dynamodb.Keys);
    newImage = dynamodb.NewImage && unmarshall("NewImage", dynamodb.NewImage);
    oldImage = dynamodb.OldImage && unmarshall("OldImage", dynamodb.OldImage);
  } catch (err) {
    return reject(sequenceNumber, "invalid-record", (err as Error).message);
  }
  const id = keys.orderId;
  if (typeof id !== "string" || id.length === 0) {
    return reject(sequenceNumber, "invalid-order-image", "Keys.orderId is missing or not a non-empty string");
  }
  const viewType = dynamodb.StreamViewType ?? "unknown";

  if (eventName === "REMOVE") {
    if (!oldImage)
      return reject(sequenceNumber, "missing-image", `REMOVE of ${id} has no OldImage (stream view type ${viewType})`);
    const oldVersion = oldImage.version;
    if (!isVersion(oldVersion))
      return reject(sequenceNumber, "invalid-order-image", `OldImage of ${id}: ${versionProblem(oldVersion)}`);
    return { ok: true, action: { sequenceNumber, operation: "delete", id, version: oldVersion + 1 } };
  }

  if (!newImage)
    return reject(
      sequenceNumber,
      "missing-image",
      `${eventName} of ${id} has no NewImage (stream view type ${viewType})`,
    );
  const version = newImage.version;
  if (!isVersion(version))
    return reject(sequenceNumber, "invalid-order-image", `NewImage of ${id}: ${versionProblem(version)}`);
  if (newImage.orderId !== id)
    return reject(sequenceNumber, "invalid-order-image", `NewImage.orderId does not match Keys.orderId ${id}`);
  const oldVersion = oldImage?.version;
  if (eventName === "MODIFY" && isVersion(oldVersion) && version <= oldVersion) {
    return reject(
      sequenceNumber,
      "version-not-incremented",
      `MODIFY of ${id} kept version ${version} (old image has ${oldVersion}); every update must increment version or OpenSearch keeps the old document`,
    );
  }
  return {
    ok: true,
    action: { sequenceNumber, operation: "index", id, version, document: toOrderSearchDocument(newImage) },
  };
}

function unmarshall(name: string, attributes: Record<string, Record<string, unknown>>): Image {
  try {
    return unmarshallDynamoDB(attributes as never) as Image;
  } catch (err) {
    throw new Error(`could not unmarshall ${name}: ${(err as Error).message}`);
  }
}

function isVersion(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 1;
}

function versionProblem(value: unknown): string {
  return value === undefined
    ? "version is missing"
    : `version must be a positive integer, got ${JSON.stringify(String(value))}`;
}

function reject(sequenceNumber: string | undefined, code: DeadLetterCode, message: string): RecordConversion {
  return { ok: false, sequenceNumber, reason: { code, message } };
}
