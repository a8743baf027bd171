// Where a new subsegment hangs: under a subsegment the function opened for this invocation
// (kept in an AsyncLocalStorage, so concurrent work cannot cross), else under the function
// segment Lambda created (the Parent of the invocation's trace header). Nothing is traced, and
// nothing costs more than reading one variable, unless the function runs in Lambda with a
// sampled trace header and a daemon address: an unsampled invocation (Sampled=0), no header, or
// a process outside Lambda sends no datagram.
import { AsyncLocalStorage } from "node:async_hooks";
import { daemonSink, type SegmentSink } from "./xray-daemon";
import { Subsegment } from "./xray-subsegment";
import { formatTraceHeader, invocationTraceHeader } from "./xray-trace-header";

const openSubsegment = new AsyncLocalStorage<Subsegment>();

/** A new subsegment of the current trace, or undefined when this invocation is not traced. */
export function startSubsegment(name: string, env: NodeJS.ProcessEnv = process.env): Subsegment | undefined {
  const parent = openSubsegment.getStore();
  if (parent) return new Subsegment(parent.childTrace, name, parent.sink);
  if (!env.AWS_LAMBDA_FUNCTION_NAME) return undefined;
  const header = invocationTraceHeader();
  if (!header?.sampled || !header.parent) return undefined;
  const sink: SegmentSink | undefined = daemonSink(env);
  return sink ? new Subsegment({ ...header, parent: header.parent }, name, sink) : undefined;
}

/**
 * The header a downstream request carries when no subsegment records it: the invocation's own,
 * unchanged (its sampling decision and Lineage travel on, as the AWS SDK's recursion-detection
 * middleware passes them), or none outside Lambda.
 */
export function untracedPropagationHeader(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.AWS_LAMBDA_FUNCTION_NAME) return undefined;
  const header = invocationTraceHeader();
  return header ? formatTraceHeader(header) : undefined;
}

/**
 * Runs `work` inside a subsegment named `name` (when traced): every subsegment started during
 * it is its child. A thrown error is recorded on it and rethrown.
 */
export async function inSubsegment<T>(
  name: string,
  work: (subsegment: Subsegment | undefined) => Promise<T>,
): Promise<T> {
  const subsegment = startSubsegment(name);
  if (!subsegment) return work(undefined);
  try {
    return await openSubsegment.run(subsegment, () => work(subsegment));
  } catch (err) {
    subsegment.recordError(err, false);
    throw err;
  } finally {
    subsegment.close();
  }
}
