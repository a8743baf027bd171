// The seam between the Orders component and the SearchIndexer (no SDK or Pulumi imports): the
// environment the component builds and the handler parses, and the telemetry names.
import * as z from "../lib/zod";
import { type HandlerContract, telemetryEnvironment } from "../lib/environment";

export const title = "search-indexer";
export const serviceName = "search-indexer";
export const metricsNamespace = "Ecommerce/Search";

export const environmentSchema = z.object({
  OPENSEARCH_ENDPOINT: z.url({
    protocol: /^https$/,
    error: "OPENSEARCH_ENDPOINT must be the domain's https:// endpoint",
  }),
  DEAD_LETTER_QUEUE_URL: z.url({
    protocol: /^https$/,
    error: "DEAD_LETTER_QUEUE_URL must be an https:// SQS queue URL",
  }),
  AWS_REGION: z.string().check(z.minLength(1, { error: "AWS_REGION is required" })),
  ...telemetryEnvironment(serviceName, metricsNamespace),
});
export type SearchIndexerEnvironment = z.infer<typeof environmentSchema>;

export const searchIndexerContract = {
  title,
  serviceName,
  metricsNamespace,
  environmentSchema,
} satisfies HandlerContract<typeof environmentSchema>;
