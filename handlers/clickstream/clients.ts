// How the processor's SDK clients talk to AWS. Without timeouts a call that never gets an
// answer (a stalled connection) holds the batch until the Lambda times out, and the bounded
// retries of the sinks never get their turn; with them it fails fast as a TimeoutError,
// which the sinks retry and, at the end, report for a resend.
import { loadOnce } from "../lib/lazy-client";
import type { RetryPolicy } from "../lib/retry";

/** Milliseconds to open a connection. */
export const connectionTimeoutMs = 1_000;
/** Milliseconds for one request and its response (a 4 MiB Firehose batch takes well under one second). */
export const requestTimeoutMs = 5_000;

export const requestHandler = {
  connectionTimeout: connectionTimeoutMs,
  requestTimeout: requestTimeoutMs,
  // Newer handlers only warn on requestTimeout unless told to throw; the socket timeout covers
  // a connection that goes silent mid-response in every version.
  throwOnRequestTimeout: true,
  socketTimeout: requestTimeoutMs,
};

/** The sinks' retries (Firehose, Personalize): the only retry layer for those calls. */
export const sinkRetryPolicy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 50, maxDelayMs: 1000 };

/** Firehose and Personalize: one attempt per SDK call; the sinks' retry policy is the only retry layer. */
export const sinkClientConfig = { maxAttempts: 1, requestHandler };
/** S3 (quarantine): the SDK's own retries, as the core does not retry that write. */
export const quarantineClientConfig = { requestHandler };

/**
 * @aws-sdk/client-s3, loaded on first use: only the quarantine (a malformed record) writes to
 * S3, and the package costs a cold start about as much as Firehose's and Personalize's
 * together. `import()` stays a runtime require in the bundle (components/lib/bundle.ts).
 */
export const loadS3Package = loadOnce(() => import("@aws-sdk/client-s3"));
