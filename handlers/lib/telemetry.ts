// The one place a handler's logger, metrics and tracer are configured. Every function runs
// with X-Ray active tracing; capturing its SDK clients here makes each AWS call a subsegment
// of the invocation's trace (fetch requests, such as OpenSearch's, are traced by the tracer
// itself). Outside Lambda the tracer is disabled and capturing is a no-op. A function whose
// bundle and cold start cannot carry the X-Ray SDK takes ./logging.ts alone (README,
// "Bundles and cold start").
import { Tracer } from "@aws-lambda-powertools/tracer";
import { createLogging, type Logging, type TelemetryNames } from "./logging";

export interface Telemetry extends Logging {
  tracer: Tracer;
  /** The client, with its calls traced as X-Ray subsegments. */
  captureClient<T>(client: T): T;
}

export function createTelemetry(names: TelemetryNames = {}): Telemetry {
  const tracer = new Tracer({ serviceName: names.serviceName });
  return { ...createLogging(names), tracer, captureClient: (client) => tracer.captureAWSv3Client(client) };
}
