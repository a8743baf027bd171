// The one place a handler's logger, metrics and tracing are configured. Every function runs
// with X-Ray active tracing: Lambda records the invocation's segment; capturing an SDK client
// here makes each of its calls a subsegment (./xray-aws-sdk.ts), and the OpenSearch client
// records its own requests (./xray-http.ts). Our own emitter, not the Powertools Tracer: the
// X-Ray SDK under it (aws-xray-sdk-core, cls-hooked and friends, ~120 KB minified) was the
// largest share of several bundles and of their cold import, for documents a few hundred
// bytes long (README, "Bundles and cold start"). Outside Lambda, or unsampled, nothing is sent.
import { Utility } from "@aws-lambda-powertools/commons";
import { getServiceName } from "@aws-lambda-powertools/commons/utils/env";
import { createLogging, type Logging, type TelemetryNames } from "./logging";
import { type TraceableClient, traceAwsClient } from "./xray-aws-sdk";
import { inSubsegment } from "./xray-context";
import type { AnnotationValue } from "./xray-subsegment";

/** Annotations on the invocation's subsegment (string, number or boolean, alphanumeric keys). */
export interface InvocationTrace {
  annotate(key: string, value: AnnotationValue): void;
}

export interface Telemetry extends Logging {
  /** The client, with its calls traced as X-Ray subsegments. */
  captureClient<T extends TraceableClient>(client: T): T;
  /**
   * Runs one invocation inside a `## <handler>` subsegment annotated with ColdStart and
   * Service, under which every traced call of the invocation hangs. Lambda's own segment
   * "cannot be modified by your function code. You can create subsegments and record
   * annotations and metadata on them" (X-Ray developer guide, "AWS Lambda and AWS X-Ray"):
   * the Powertools Tracer did the same (`## index.handler`).
   */
  traceInvocation<T>(work: (trace: InvocationTrace) => Promise<T>): Promise<T>;
}

/**
 * Powertools' cold-start rule, the one its ColdStart metric and log key follow: the first
 * invocation of an on-demand environment (provisioned concurrency initialises in advance).
 */
class ColdStart extends Utility {
  /** True once: on the first invocation of an on-demand environment. */
  take(): boolean {
    return this.getColdStart();
  }
}

export function createTelemetry(names: TelemetryNames = {}): Telemetry {
  const coldStart = new ColdStart();
  return {
    ...createLogging(names),
    captureClient: traceAwsClient,
    traceInvocation(work) {
      const isColdStart = coldStart.take();
      return inSubsegment(`## ${process.env._HANDLER ?? "index.handler"}`, (subsegment) => {
        subsegment?.annotate("ColdStart", isColdStart);
        const service = names.serviceName ?? getServiceName();
        if (service) subsegment?.annotate("Service", service);
        return work({ annotate: (key, value) => subsegment?.annotate(key, value) });
      });
    },
  };
}
