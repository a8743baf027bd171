// Whether AWS refused a call for throughput, so that the same request may succeed shortly:
// the SDK's own throttling classification (ProvisionedThroughputExceededException,
// ThrottlingException, RequestLimitExceeded... once the client's retries are spent), and a
// DynamoDB transaction cancelled because a table or partition was throttled, which arrives as
// TransactionCanceledException and no SDK retries. Its CancellationReasons then hold
// ProvisionedThroughputExceeded or ThrottlingError (TransactWriteItems API reference). The
// caller gets a 503 with Retry-After instead of a 500: nothing is wrong with the request.
import type { Logger } from "@aws-lambda-powertools/logger";
import { MetricUnit, type Metrics } from "@aws-lambda-powertools/metrics";
import { isThrottlingError } from "@smithy/service-error-classification";

const throttlingCancellations = new Set(["ProvisionedThroughputExceeded", "ThrottlingError"]);

export function isThrottledByAws(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] } | undefined;
  if (!e || typeof e !== "object") return false;
  if (e.name === "TransactionCanceledException")
    return (e.CancellationReasons ?? []).some((reason) => throttlingCancellations.has(reason.Code ?? ""));
  return isThrottlingError(e as never);
}

/** What a throttled caller is told: a 503 (never cached) and to ask again after a second. */
export const throttledReply = {
  statusCode: 503,
  error: "the service is busy; retry shortly",
  headers: { "Retry-After": "1" },
} as const;

/** Counts the throttling (Throttled) and logs it as a warning: AWS's limit, not the request's fault. */
export function noteThrottled(error: unknown, logger: Logger, metrics: Metrics): void {
  metrics.addMetric("Throttled", MetricUnit.Count, 1);
  logger.warn("request throttled by AWS", { error: error as Error });
}
