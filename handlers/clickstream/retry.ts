// One retry policy for every sink: bounded attempts, exponential backoff with full jitter.
// The SDK clients are built with maxAttempts 1 so this is the only retry layer (and every
// retry is counted in a metric).

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep(ms: number): Promise<void>;
  /** 0 ≤ random() < 1; jitter source. */
  random(): number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 50,
  maxDelayMs: 1000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Delay before retry number `retry` (1 = the first retry). */
export function backoffDelayMs(policy: RetryPolicy, retry: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(policy.random() * ceiling);
}

const throttlingErrorNames = new Set([
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ProvisionedThroughputExceededException",
  "SlowDown",
  // Firehose signals throttling of a delivery stream with this name.
  "ServiceUnavailableException",
]);

interface AwsErrorShape {
  name?: string;
  $fault?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Throttling, 5xx and transport failures (no HTTP reply at all) may succeed later; a 4xx
 * such as a validation or permission error will not, so it is not retried here.
 */
export function isRetryableAwsError(error: unknown): boolean {
  const e = (error ?? {}) as AwsErrorShape;
  if (e.name && throttlingErrorNames.has(e.name)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined) return e.$fault !== "client";
  return status === 429 || status >= 500;
}

export function errorName(error: unknown): string {
  return (error as AwsErrorShape | undefined)?.name ?? "Error";
}
