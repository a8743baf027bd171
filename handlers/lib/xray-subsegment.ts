// One X-Ray subsegment, sent on its own when it closes: the fields the X-Ray developer guide
// lists for an independent subsegment ("Segment documents": Subsegments, HTTP request data,
// Annotations, AWS resource data, Errors and exceptions), and nothing the function does not know.
import { randomBytes } from "node:crypto";
import { isThrottlingError } from "@smithy/service-error-classification";
import { maxDocumentBytes, type SegmentSink } from "./xray-daemon";
import { formatTraceHeader, type TraceHeader } from "./xray-trace-header";

export type AnnotationValue = string | number | boolean;

export interface StackFrame {
  path?: string;
  line?: number;
  label?: string;
}

export interface ExceptionDocument {
  id: string;
  message?: string;
  type?: string;
  remote?: boolean;
  truncated?: number;
  stack?: StackFrame[];
}

export interface SubsegmentDocument {
  type: "subsegment";
  id: string;
  trace_id: string;
  parent_id: string;
  name: string;
  start_time: number;
  end_time?: number;
  namespace?: "aws" | "remote";
  aws?: {
    operation?: string;
    region?: string;
    request_id?: string;
    retries?: number;
    table_name?: string;
    queue_url?: string;
  };
  http?: {
    request?: { method?: string; url?: string; traced?: boolean };
    response?: { status?: number; content_length?: number };
  };
  annotations?: Record<string, AnnotationValue>;
  error?: boolean;
  throttle?: boolean;
  fault?: boolean;
  cause?: { exceptions: ExceptionDocument[] };
}

/** A 64-bit id in 16 hex digits ("id", "Segment documents"). */
export function newSegmentId(): string {
  return randomBytes(8).toString("hex");
}

/** Epoch seconds with millisecond (or finer) precision, as start_time and end_time want. */
export function epochSeconds(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}

/** "Values are strings up to 250 characters unless noted otherwise." */
const maxStringLength = 250;
/** "Keys must be alphanumeric in order to work with filters. Underscore is allowed." */
const annotationKeyPattern = /^[A-Za-z0-9_]+$/;

export class Subsegment {
  readonly id = newSegmentId();
  private readonly document: SubsegmentDocument;
  private closed = false;

  constructor(
    private readonly trace: TraceHeader & { parent: string },
    name: string,
    readonly sink: SegmentSink,
  ) {
    this.document = {
      type: "subsegment",
      id: this.id,
      trace_id: trace.root,
      parent_id: trace.parent,
      name: name.slice(0, maxStringLength),
      start_time: epochSeconds(),
    };
  }

  /** The header a downstream request carries: this trace, this subsegment as its parent, sampled. */
  get traceHeader(): string {
    return formatTraceHeader({ ...this.trace, parent: this.id, sampled: true });
  }

  /** The header fields for a subsegment nested in this one. */
  get childTrace(): TraceHeader & { parent: string } {
    return { ...this.trace, parent: this.id };
  }

  /** Sets the namespace; merges `aws` and `http` into what is already recorded. */
  set(fields: Pick<SubsegmentDocument, "namespace" | "aws" | "http">): void {
    const { namespace, aws, http } = fields;
    if (namespace) this.document.namespace = namespace;
    if (aws) this.document.aws = { ...this.document.aws, ...aws };
    if (http) this.document.http = { ...this.document.http, ...http };
  }

  /** An indexed annotation; a key filters cannot use is dropped, as the X-Ray SDK drops it. */
  annotate(key: string, value: AnnotationValue): void {
    if (!annotationKeyPattern.test(key)) return;
    this.document.annotations = { ...this.document.annotations, [key]: value };
  }

  /** The response's status and what it says: 4XX error, 429 throttle, 5XX fault ("Errors and exceptions"). */
  recordStatus(status: number): void {
    this.document.http = { ...this.document.http, response: { status } };
    if (status >= 400 && status < 500) this.document.error = true;
    if (status === 429) this.document.throttle = true;
    if (status >= 500) this.document.fault = true;
  }

  /**
   * The exception the call ended in. `remote`: the downstream service answered with it. An
   * exception without an answer's status (no connection, a timeout) is a fault; a throttling
   * error is flagged as one whatever its status (DynamoDB's are 400s).
   */
  recordError(err: unknown, remote: boolean): void {
    const error = err instanceof Error ? err : new Error(String(err));
    if (!this.document.error && !this.document.fault) this.document.fault = true;
    if (isThrottlingError(error as never)) this.document.throttle = true;
    const stack = stackFrames(error.stack);
    this.document.cause = {
      exceptions: [{ id: newSegmentId(), type: error.name, message: error.message, remote, stack }],
    };
  }

  /** Sets end_time and sends the document; once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.document.end_time = epochSeconds();
    this.sink.send(fitDocument(this.document));
  }
}

/** Frames of a V8 stack ("    at label (path:line:col)"). */
export function stackFrames(stack: string | undefined): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of (stack ?? "").split("\n").slice(1)) {
    const match = line.trim().match(/^at (?:(.+?) \()?(.+?):(\d+):\d+\)?$/);
    if (match) frames.push({ label: match[1], path: match[2], line: Number(match[3]) });
  }
  return frames;
}

const bytes = (document: object) => Buffer.byteLength(JSON.stringify(document));

/**
 * The document within the 64 kB a segment document may have: first without stack frames
 * (`truncated` counts what was left out), then with each exception's message cut to 250
 * characters, then with only its required fields, flags and namespace: the call is never lost.
 */
export function fitDocument(document: SubsegmentDocument): SubsegmentDocument {
  if (bytes(document) <= maxDocumentBytes) return document;
  const exceptions = document.cause?.exceptions ?? [];
  const withoutStacks: SubsegmentDocument = {
    ...document,
    cause: {
      exceptions: exceptions.map(({ stack, ...e }) => ({ ...e, truncated: (e.truncated ?? 0) + (stack?.length ?? 0) })),
    },
  };
  if (!document.cause) delete withoutStacks.cause;
  if (bytes(withoutStacks) <= maxDocumentBytes) return withoutStacks;
  const shortMessages: SubsegmentDocument = {
    ...withoutStacks,
    cause: withoutStacks.cause && {
      exceptions: withoutStacks.cause.exceptions.map((e) => ({ ...e, message: e.message?.slice(0, maxStringLength) })),
    },
  };
  if (!document.cause) delete shortMessages.cause;
  if (bytes(shortMessages) <= maxDocumentBytes) return shortMessages;
  const { type, id, trace_id, parent_id, name, start_time, end_time, namespace, error, throttle, fault } = document;
  return Object.fromEntries(
    Object.entries({
      type,
      id,
      trace_id,
      parent_id,
      name,
      start_time,
      end_time,
      namespace,
      error,
      throttle,
      fault,
    }).filter(([, value]) => value !== undefined),
  ) as unknown as SubsegmentDocument;
}
