// Traces one outgoing HTTP request as an X-Ray subsegment (namespace "remote", named after the
// host, `http` request and response: X-Ray developer guide, "HTTP request data"), and gives the
// trace header the request carries: this subsegment as its Parent when traced, else the
// invocation's own header unchanged, as the X-Ray SDK's HTTP capture does.
import { startSubsegment, untracedPropagationHeader } from "./xray-context";

export interface TracedHttpRequest {
  method: string;
  url: URL;
}

/**
 * Runs `send` (which makes the request with `traceHeader` as X-Amzn-Trace-Id, reads the answer
 * and returns it) inside the request's subsegment. `status` reads the answer's HTTP status; a
 * throw (no answer) is recorded as a fault and rethrown.
 */
export async function traceHttpRequest<T>(
  request: TracedHttpRequest,
  send: (traceHeader: string | undefined) => Promise<T>,
  status: (answer: T) => number,
): Promise<T> {
  const subsegment = startSubsegment(request.url.hostname);
  if (!subsegment) return send(untracedPropagationHeader());
  // Without the query string, which may carry what a trace should not keep (as the X-Ray SDK does).
  const url = `${request.url.origin}${request.url.pathname}`;
  subsegment.set({ namespace: "remote", http: { request: { method: request.method, url } } });
  try {
    const answer = await send(subsegment.traceHeader);
    subsegment.recordStatus(status(answer));
    return answer;
  } catch (err) {
    subsegment.recordError(err, false);
    throw err;
  } finally {
    subsegment.close();
  }
}
