// Traces an AWS SDK v3 client's calls as X-Ray subsegments (namespace "aws"), as the X-Ray
// SDK's captureAWSv3Client does but without it: one middleware in the "build" step, which runs
// once per call and before the retry middleware (finalizeRequest), so one subsegment covers
// every attempt and `retries` counts them. The downstream request carries the trace header
// with this subsegment as Parent; when the invocation is not traced the middleware does
// nothing and the SDK's own recursion-detection middleware passes Lambda's header on.
import type { HandlerExecutionContext, MetadataBearer, MiddlewareStack, Provider } from "@smithy/types";
import { startSubsegment } from "./xray-context";
import type { Subsegment } from "./xray-subsegment";
import { traceHeaderName } from "./xray-trace-header";

/** What capturing needs of a client: its middleware stack and its region. */
export interface TraceableClient {
  // biome-ignore lint/suspicious/noExplicitAny: every client's stack, whatever its input and output types
  middlewareStack: MiddlewareStack<any, any>;
  config: { region?: string | Provider<string> };
}

const middlewareName = "xraySubsegmentMiddleware";

/** The client, its calls traced; capturing twice replaces the middleware, it never doubles it. */
export function traceAwsClient<T extends TraceableClient>(client: T): T {
  client.middlewareStack.add(
    (next, context: HandlerExecutionContext) => async (args) => {
      // "DynamoDBClient" / "PutItemCommand": the subsegment is named after the service, as the X-Ray SDK names it.
      const service = (context.clientName ?? "AWS").replace(/Client$/, "");
      const subsegment = startSubsegment(service);
      if (!subsegment) return next(args);
      const input = (args.input ?? {}) as Record<string, unknown>;
      subsegment.set({
        namespace: "aws",
        aws: {
          operation: (context.commandName ?? "").replace(/Command$/, ""),
          region: await regionOf(client),
          ...(typeof input.TableName === "string" ? { table_name: input.TableName } : {}),
          ...(typeof input.QueueUrl === "string" ? { queue_url: input.QueueUrl } : {}),
        },
      });
      const request = args.request as { headers?: Record<string, string> } | undefined;
      if (request?.headers) request.headers[traceHeaderName] = subsegment.traceHeader;
      try {
        const result = await next(args);
        recordMetadata(subsegment, (result.output as MetadataBearer | undefined)?.$metadata);
        return result;
      } catch (err) {
        const metadata = (err as MetadataBearer).$metadata;
        recordMetadata(subsegment, metadata);
        subsegment.recordError(err, metadata?.httpStatusCode !== undefined);
        throw err;
      } finally {
        subsegment.close();
      }
    },
    { step: "build", name: middlewareName, override: true },
  );
  return client;
}

async function regionOf(client: TraceableClient): Promise<string | undefined> {
  const region = client.config.region;
  try {
    return typeof region === "function" ? await region() : region;
  } catch {
    return undefined;
  }
}

/** Request id, status and retries (attempts beyond the first) from the SDK's response metadata. */
function recordMetadata(subsegment: Subsegment, metadata: MetadataBearer["$metadata"] | undefined): void {
  if (!metadata) return;
  subsegment.set({
    aws: {
      ...(metadata.requestId ? { request_id: metadata.requestId } : {}),
      retries: Math.max(0, (metadata.attempts ?? 1) - 1),
    },
  });
  if (metadata.httpStatusCode !== undefined) subsegment.recordStatus(metadata.httpStatusCode);
}
