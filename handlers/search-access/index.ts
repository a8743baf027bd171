// SearchAccess Lambda: invoked once per deployment (aws.lambda.Invocation) with the domain
// endpoint and the IAM roles to map. Its own role is the domain's fine-grained-access master
// user; it runs inside the VPC because the domain has no public endpoint.
import { Logger } from "@aws-lambda-powertools/logger";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import * as z from "zod";
import { accessRequestSchema, AppliedChange, applySearchAccess, SecurityApi } from "./security";

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "search-access" });
const region = z.string().min(1, { error: "AWS_REGION is required" }).parse(process.env.AWS_REGION);

/** A SigV4-signed client for the given endpoint, as a SecurityApi. */
export function signedSecurityApi(endpoint: string, getCredentials = defaultProvider()): SecurityApi {
  const client = new Client({
    ...AwsSigv4Signer({ region, service: "es", getCredentials }),
    node: endpoint,
    requestTimeout: 10_000,
    maxRetries: 2,
  });
  return {
    async put(path, body) {
      // ignore: every status comes back as a response; applySearchAccess judges it.
      const response = await client.transport.request({ method: "PUT", path, body }, { ignore: [400, 401, 403, 404, 409, 500, 503] });
      return { statusCode: response.statusCode ?? 0, body: response.body };
    },
  };
}

export async function handler(event: unknown): Promise<{ applied: AppliedChange[] }> {
  const parsed = accessRequestSchema.safeParse(event);
  if (!parsed.success) throw new Error(`search-access input is invalid: ${z.prettifyError(parsed.error)}`);
  const applied = await applySearchAccess(signedSecurityApi(parsed.data.endpoint), parsed.data);
  logger.info("search access applied", { applied, indexerRoleArns: parsed.data.indexerRoleArns, readerRoleArns: parsed.data.readerRoleArns });
  return { applied };
}
