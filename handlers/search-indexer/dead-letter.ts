// The dead-letter queue for stream records that can never be indexed as they are (malformed
// images, documents the mapping refuses). Each message holds the whole stream record and the
// reason, so the record can be fixed and replayed; nothing is dropped.
//
// Only a record that can never be indexed comes here, so @aws-sdk/client-sqs is loaded on the
// first dead letter, not at every cold start (it costs more than the credential chain the
// OpenSearch signer needs on every request), and the entry builds its SQS client then too.
import type { SendMessageCommand, SendMessageCommandOutput } from "@aws-sdk/client-sqs";
import { loadOnce, type Sender } from "../lib/lazy-client";
import type { DeadLetterReason } from "./stream-record";

/** The part of SQSClient used here, so tests can inject a fake at the SDK boundary. */
export type SqsSender = Sender<SendMessageCommand, SendMessageCommandOutput>;

/** @aws-sdk/client-sqs, on first use; `import()` stays a runtime require in the bundle (components/lib/bundle.ts). */
export const loadSqsPackage = loadOnce(() => import("@aws-sdk/client-sqs"));

export interface DeadLetterSink {
  /** Resolves once the queue has the message; rejects if it does not. */
  send(record: unknown, reason: DeadLetterReason): Promise<void>;
}

/**
 * SQS refuses messages over 256 KiB (the queue's default maximum), counting the body and every
 * message attribute's name, data type and value; two 400 KB DynamoDB images can exceed that.
 */
export const maxDeadLetterBytes = 256 * 1024;

type MessageAttributes = NonNullable<SendMessageCommand["input"]["MessageAttributes"]>;

/** The attributes a dead letter carries: its reason code, to filter on without parsing the body. */
export function deadLetterAttributes(reason: DeadLetterReason): MessageAttributes {
  return { reason: { DataType: "String", StringValue: reason.code } };
}

/** What the attributes count against the SQS message size. */
function attributeBytes(attributes: MessageAttributes): number {
  return Object.entries(attributes).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? "") +
      Buffer.byteLength(value.StringValue ?? "") +
      (value.BinaryValue?.byteLength ?? 0),
    0,
  );
}

export interface DeadLetterMessage {
  source: "search-indexer";
  reason: DeadLetterReason;
  failedAt: string;
  sequenceNumber?: string;
  /** The stream record as received, or only its identifying parts if it was too large. */
  record: unknown;
  /** Set when the images were left out to fit SQS: replay the record from the stream or the table. */
  recordTruncated?: true;
}

/** The message body: no larger than what the attributes leave of the SQS limit. */
export function deadLetterBody(record: unknown, reason: DeadLetterReason, now = new Date()): string {
  const maxBodyBytes = maxDeadLetterBytes - attributeBytes(deadLetterAttributes(reason));
  const r = record as
    | { eventID?: unknown; eventName?: unknown; eventSourceARN?: unknown; dynamodb?: Record<string, unknown> }
    | undefined;
  const sequenceNumber = typeof r?.dynamodb?.SequenceNumber === "string" ? r.dynamodb.SequenceNumber : undefined;
  const message: DeadLetterMessage = {
    source: "search-indexer",
    reason,
    failedAt: now.toISOString(),
    sequenceNumber,
    record,
  };
  const full = JSON.stringify(message);
  if (Buffer.byteLength(full) <= maxBodyBytes) return full;
  const { Keys, SequenceNumber, ApproximateCreationDateTime, SizeBytes } = r?.dynamodb ?? {};
  return JSON.stringify({
    ...message,
    record: {
      eventID: r?.eventID,
      eventName: r?.eventName,
      eventSourceARN: r?.eventSourceARN,
      dynamodb: { Keys, SequenceNumber, ApproximateCreationDateTime, SizeBytes },
    },
    recordTruncated: true,
  });
}

export class SqsDeadLetterQueue implements DeadLetterSink {
  constructor(
    private readonly sqs: SqsSender,
    private readonly queueUrl: string,
  ) {}

  async send(record: unknown, reason: DeadLetterReason): Promise<void> {
    const { SendMessageCommand } = await loadSqsPackage();
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: deadLetterBody(record, reason),
        MessageAttributes: deadLetterAttributes(reason),
      }),
    );
  }
}
