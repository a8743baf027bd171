// SearchAccess Lambda: invoked once per deployment (aws.lambda.Invocation) with the domain
// endpoint and the IAM roles to map. Its own role is the domain's fine-grained-access master
// user; it runs inside the VPC because the domain has no public endpoint.
import { Logger } from "@aws-lambda-powertools/logger";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type { Context } from "aws-lambda";
import { readEnvironment } from "../lib/environment";
import * as z from "../lib/zod";
import { createOpenSearchClient, type SigningCredentials } from "../lib/opensearch-client";
import { retryWithinBudget, type RetryPolicy } from "../lib/retry";
import { searchAccessContract } from "./contract";
import { accessRequestSchema, type AppliedChange, applySearchAccess, type SecurityApi } from "./security";

const env = readEnvironment(searchAccessContract, process.env);
const logger = new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME });
const region = env.AWS_REGION;

/**
 * Waits between attempts while the new domain is not ready: 1, 2, 4, 8, 8, ... s, a fixed
 * schedule (one caller, nobody to spread from), as many as fit before the deadline.
 */
export const retryPolicy: RetryPolicy = {
  maxAttempts: Number.POSITIVE_INFINITY,
  baseDelayMs: 1_000,
  maxDelayMs: 8_000,
  jitter: false,
};
/** One request's timeout: the longest an attempt takes. */
export const requestTimeoutMs = 10_000;
/** Kept back from the Lambda's remaining time to log and return. */
export const reserveMs = 2_000;

/** Statuses a freshly created domain answers before it accepts its master role. */
export const isRetryableStatus = (status: number) =>
  status >= 500 || status === 429 || status === 403 || status === 401;

/**
 * A SigV4-signed client for the given endpoint, as a SecurityApi. Every PUT retries what a new
 * domain answers before it is ready (5xx, 429, 401/403, no answer) until `deadlineMs`: the
 * whole run fits the function's timeout, however many requests it makes.
 */
export function signedSecurityApi(
  endpoint: string,
  credentials: () => Promise<SigningCredentials> = defaultProvider(),
  budget: { deadlineMs: number; attemptMs?: number; policy?: RetryPolicy },
): SecurityApi {
  const attemptMs = budget.attemptMs ?? requestTimeoutMs;
  const client = createOpenSearchClient({ endpoint, region, credentials, requestTimeoutMs: attemptMs });
  // Every status comes back as a response; applySearchAccess judges it.
  const send = (path: string, body: object) => client.request({ method: "PUT", path, body });
  return {
    put: (path, body) =>
      retryWithinBudget(
        () => send(path, body),
        (r) => !isRetryableStatus(r.statusCode),
        {
          deadlineMs: budget.deadlineMs,
          attemptMs,
          policy: budget.policy ?? retryPolicy,
        },
      ),
  };
}

export async function handler(
  event: unknown,
  context: Pick<Context, "getRemainingTimeInMillis">,
): Promise<{ applied: AppliedChange[] }> {
  const parsed = accessRequestSchema.safeParse(event);
  if (!parsed.success) throw new Error(`search-access input is invalid: ${z.prettifyError(parsed.error)}`);
  const deadlineMs = Date.now() + context.getRemainingTimeInMillis() - reserveMs;
  const applied = await applySearchAccess(
    signedSecurityApi(parsed.data.endpoint, defaultProvider(), { deadlineMs }),
    parsed.data,
  );
  logger.info("search access applied", {
    applied,
    indexerRoleArns: parsed.data.indexerRoleArns,
    readerRoleArns: parsed.data.readerRoleArns,
  });
  return { applied };
}
