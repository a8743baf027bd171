// Fakes of the ClickstreamProcessor's SDK boundary (Firehose PutRecordBatch, Personalize
// PutEvents, S3 PutObject) that answer with the services' documented reply shapes, scripted
// per call, and record what they received so tests can check limits and deliveries.
import {
  FirehoseServiceException,
  InvalidArgumentException,
  ServiceUnavailableException,
  type PutRecordBatchCommand,
  type PutRecordBatchCommandOutput,
} from "@aws-sdk/client-firehose";
import {
  InvalidInputException,
  PersonalizeEventsServiceException,
  type PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsCommandOutput,
} from "@aws-sdk/client-personalize-events";
import type { PutObjectCommand, PutObjectCommandOutput } from "@aws-sdk/client-s3";
import { Logger } from "@aws-lambda-powertools/logger";
import type { RetryPolicy } from "../handlers/lib/retry";

const metadata = (httpStatusCode: number) => ({ httpStatusCode, requestId: "fake", attempts: 1, totalRetryDelay: 0 });

/** How a fake answers one call. */
export type FirehoseReply =
  | { kind: "ok" }
  /** HTTP 200 with FailedPutCount > 0: the entries at these positions carry an ErrorCode. */
  | { kind: "partial"; failedPositions: number[] }
  /** As "partial", but FailedPutCount says 0: only the entries tell. */
  | { kind: "count-lies"; failedPositions: number[] }
  /** HTTP 200 with fewer RequestResponses than records: the records without one were not taken. */
  | { kind: "truncated"; entries: number }
  | { kind: "throttled" }
  | { kind: "server-error" }
  | { kind: "invalid-argument" };

export type PersonalizeReply =
  | { kind: "ok" }
  | { kind: "throttled" }
  | { kind: "server-error" }
  | { kind: "invalid-input" }
  | { kind: "not-found" };

export const firehoseErrors = {
  throttled: () => new ServiceUnavailableException({ message: "Slow down.", $metadata: metadata(503) }),
  serverError: () =>
    new FirehoseServiceException({
      name: "InternalFailure",
      $fault: "server",
      message: "Internal failure",
      $metadata: metadata(500),
    }),
  invalidArgument: () =>
    new InvalidArgumentException({ message: "Records size exceeds limit", $metadata: metadata(400) }),
};

export const personalizeErrors = {
  throttled: () =>
    new PersonalizeEventsServiceException({
      name: "ThrottlingException",
      $fault: "client",
      message: "Rate exceeded",
      $metadata: metadata(400),
    }),
  serverError: () =>
    new PersonalizeEventsServiceException({
      name: "InternalFailure",
      $fault: "server",
      message: "Internal failure",
      $metadata: metadata(500),
    }),
  invalidInput: () => new InvalidInputException({ message: "Invalid itemId", $metadata: metadata(400) }),
  notFound: () =>
    new PersonalizeEventsServiceException({
      name: "ResourceNotFoundException",
      $fault: "client",
      message: "No tracker",
      $metadata: metadata(404),
    }),
};

/** Firehose: `landed` holds every line the fake accepted, in order; `calls` every request. */
export class FakeFirehose {
  readonly calls: { streamName?: string; records: Uint8Array[] }[] = [];
  readonly landed: string[] = [];
  constructor(
    private readonly script: (call: number, records: Uint8Array[]) => FirehoseReply = () => ({ kind: "ok" }),
  ) {}

  async send(command: PutRecordBatchCommand): Promise<PutRecordBatchCommandOutput> {
    const records = (command.input.Records ?? []).map((r) => r.Data as Uint8Array);
    const call = this.calls.length;
    this.calls.push({ streamName: command.input.DeliveryStreamName, records });
    const reply = this.script(call, records);
    if (reply.kind === "throttled") throw firehoseErrors.throttled();
    if (reply.kind === "server-error") throw firehoseErrors.serverError();
    if (reply.kind === "invalid-argument") throw firehoseErrors.invalidArgument();
    const failedPositions = reply.kind === "partial" || reply.kind === "count-lies" ? reply.failedPositions : [];
    const failed = new Set(failedPositions.filter((p) => p < records.length));
    const answered = reply.kind === "truncated" ? records.slice(0, reply.entries) : records;
    const RequestResponses = answered.map((data, i) => {
      if (failed.has(i)) return { ErrorCode: "ServiceUnavailableException", ErrorMessage: "Slow down." };
      this.landed.push(Buffer.from(data).toString("utf8"));
      return { RecordId: `record-${call}-${i}` };
    });
    const FailedPutCount = reply.kind === "count-lies" ? 0 : failed.size + (records.length - answered.length);
    return { $metadata: metadata(200), FailedPutCount, Encrypted: true, RequestResponses };
  }

  /** The lake's events: every accepted line parsed. */
  lakeEvents(): Record<string, unknown>[] {
    return this.landed.map((line) => {
      if (!line.endsWith("\n")) throw new Error(`lake record is not newline-terminated: ${line}`);
      return JSON.parse(line);
    });
  }
}

/** Keys PutEvents refuses in an event's `properties`, whatever their case (PutEvents API reference). */
export const reservedPropertyKeys = ["userid", "sessionid", "eventtype", "timestamp", "recommendationid", "impression"];

/**
 * Personalize: `accepted` holds the input of every call that succeeded. As the service does,
 * it refuses the whole call with InvalidInputException when an event's `properties` use a
 * reserved key.
 */
export class FakePersonalize {
  readonly calls: PutEventsCommandInput[] = [];
  readonly accepted: PutEventsCommandInput[] = [];
  constructor(
    private readonly script: (call: number, input: PutEventsCommandInput) => PersonalizeReply = () => ({ kind: "ok" }),
  ) {}

  async send(command: PutEventsCommand): Promise<PutEventsCommandOutput> {
    const call = this.calls.length;
    this.calls.push(command.input);
    const reserved = (command.input.eventList ?? [])
      .flatMap((e) => (e.properties ? Object.keys(JSON.parse(e.properties as string)) : []))
      .find((key) => reservedPropertyKeys.includes(key.toLowerCase()));
    if (reserved !== undefined) {
      throw new InvalidInputException({
        message: `properties may not use the reserved key ${reserved}`,
        $metadata: metadata(400),
      });
    }
    const reply = this.script(call, command.input);
    if (reply.kind === "throttled") throw personalizeErrors.throttled();
    if (reply.kind === "server-error") throw personalizeErrors.serverError();
    if (reply.kind === "invalid-input") throw personalizeErrors.invalidInput();
    if (reply.kind === "not-found") throw personalizeErrors.notFound();
    this.accepted.push(command.input);
    return { $metadata: metadata(200) };
  }
}

/** An in-memory S3 for the property test (the example tests use s3rver). */
export class FakeS3 {
  readonly objects = new Map<string, string>();
  constructor(private readonly fail: () => boolean = () => false) {}

  async send(command: PutObjectCommand): Promise<PutObjectCommandOutput> {
    if (this.fail()) {
      throw Object.assign(new Error("We encountered an internal error. Please try again."), {
        name: "InternalError",
        $fault: "server",
        $metadata: metadata(500),
      });
    }
    this.objects.set(command.input.Key!, String(command.input.Body));
    return { $metadata: metadata(200) };
  }
}

/** Retries at once (no real waiting) and records the delays the policy asked for. */
export function instantRetryPolicy(delays: number[] = []): RetryPolicy {
  return {
    maxAttempts: 4,
    baseDelayMs: 50,
    maxDelayMs: 1000,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms);
    },
  };
}

export const silentLogger = () => new Logger({ serviceName: "clickstream-test", logLevel: "SILENT" });
