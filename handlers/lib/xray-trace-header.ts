// The X-Ray tracing header: `Root=<trace id>;Parent=<segment id>;Sampled=<0|1>` and any
// further fields, as Lambda gives it to the invocation (`_X_AMZN_TRACE_ID`, or the runtime's
// InvokeStore where invocations run concurrently) and as downstream requests carry it
// (`X-Amzn-Trace-Id`). X-Ray developer guide, "Tracing header" and "Segment documents".
import { getXrayTraceDataFromEnv } from "@aws-lambda-powertools/commons/utils/env";

export const traceHeaderName = "X-Amzn-Trace-Id";

export interface TraceHeader {
  /** Trace ID: `1-` + 8 hex digits of epoch seconds + `-` + 24 hex digits. */
  root: string;
  /** The segment (or subsegment) the next one hangs under: 16 hex digits. */
  parent?: string;
  /** The sampling decision; absent when the header does not say. */
  sampled?: boolean;
  /** Fields beyond these three (Lambda's `Lineage`, read by its recursive-loop detection), passed on unchanged. */
  extra: Array<[string, string]>;
}

const traceIdPattern = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const segmentIdPattern = /^[0-9a-f]{16}$/;

/** The header's fields, or undefined when its Root or Parent is not in X-Ray's format. */
export function traceHeaderFrom(fields: Record<string, string>): TraceHeader | undefined {
  const { Root: root, Parent: parent, Sampled: sampled, ...rest } = fields;
  if (!root || !traceIdPattern.test(root)) return undefined;
  if (parent !== undefined && !segmentIdPattern.test(parent)) return undefined;
  return {
    root,
    parent,
    sampled: sampled === "1" ? true : sampled === "0" ? false : undefined,
    extra: Object.entries(rest).filter(([key, value]) => key !== "" && value !== undefined),
  };
}

export function parseTraceHeader(value: string): TraceHeader | undefined {
  const fields: Record<string, string> = {};
  for (const part of value.split(";")) {
    const at = part.indexOf("=");
    if (at > 0) fields[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return traceHeaderFrom(fields);
}

export function formatTraceHeader(header: TraceHeader): string {
  const fields: Array<[string, string]> = [["Root", header.root]];
  if (header.parent) fields.push(["Parent", header.parent]);
  if (header.sampled !== undefined) fields.push(["Sampled", header.sampled ? "1" : "0"]);
  return [...fields, ...header.extra].map(([key, value]) => `${key}=${value}`).join(";");
}

/** This invocation's header as Lambda gives it (Powertools reads the runtime's store, then the environment). */
export function invocationTraceHeader(): TraceHeader | undefined {
  const fields = getXrayTraceDataFromEnv();
  return fields ? traceHeaderFrom(fields) : undefined;
}
