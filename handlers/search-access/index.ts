// SearchAccess Lambda: invoked once per deployment (aws.lambda.Invocation) with the domain
// endpoint and the IAM roles to map. Its own role is the domain's fine-grained-access master
// user; it runs inside the VPC because the domain has no public endpoint.
import { Logger } from "@aws-lambda-powertools/logger";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import * as z from "zod";
import type { Context } from "aws-lambda";
import { readEnvironment } from "../lib/environment";
import { searchAccessContract } from "./contract";
import { isRetryableStatus, retryWithinBudget } from "./retry";
import { accessRequestSchema, AppliedChange, applySearchAccess, SecurityApi } from "./security";

const env = readEnvironment(searchAccessContract);
const logger = new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME });
const region = env.AWS_REGION;

/** Waits between attempts while the new domain is not ready (the last one repeats). */
export const retryDelaysMs = [1_000, 2_000, 4_000, 8_000];
/** One request's timeout: the longest an attempt takes. */
export const requestTimeoutMs = 10_000;
/** Kept back from the Lambda's remaining time to log and return. */
export const reserveMs = 2_000;

/**
 * A SigV4-signed client for the given endpoint, as a SecurityApi. Every PUT retries what a new
 * domain answers before it is ready (5xx, 429, 401/403, no answer) until `deadlineMs`: the
 * whole run fits the function's timeout, however many requests it makes.
 */
export function signedSecurityApi(endpoint: string, getCredentials = defaultProvider(), budget: { deadlineMs: number; attemptMs?: number; delaysMs?: readonly number[] }): SecurityApi {
  const attemptMs = budget.attemptMs ?? requestTimeoutMs;
  const client = new Client({
    ...AwsSigv4Signer({ region, service: "es", getCredentials }),
    node: endpoint,
    requestTimeout: attemptMs,
    // Retries are ours, within the deadline.
    maxRetries: 0,
  });
  const send = async (path: string, body: object) => {
    // ignore: every status comes back as a response; applySearchAccess judges it.
    const response = await client.transport.request({ method: "PUT", path, body }, { ignore: [400, 401, 403, 404, 409, 429, 500, 502, 503, 504] });
    return { statusCode: response.statusCode ?? 0, body: response.body };
  };
  return {
    put: (path, body) => retryWithinBudget(() => send(path, body), (r) => !isRetryableStatus(r.statusCode), {
      deadlineMs: budget.deadlineMs,
      attemptMs,
      delaysMs: budget.delaysMs ?? retryDelaysMs,
    }),
  };
}

export async function handler(event: unknown, context: Pick<Context, "getRemainingTimeInMillis">): Promise<{ applied: AppliedChange[] }> {
  const parsed = accessRequestSchema.safeParse(event);
  if (!parsed.success) throw new Error(`search-access input is invalid: ${z.prettifyError(parsed.error)}`);
  const deadlineMs = Date.now() + context.getRemainingTimeInMillis() - reserveMs;
  const applied = await applySearchAccess(signedSecurityApi(parsed.data.endpoint, defaultProvider(), { deadlineMs }), parsed.data);
  logger.info("search access applied", { applied, indexerRoleArns: parsed.data.indexerRoleArns, readerRoleArns: parsed.data.readerRoleArns });
  return { applied };
}
