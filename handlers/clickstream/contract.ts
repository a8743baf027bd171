// The seam between the Ingestion component and the ClickstreamProcessor (no SDK or Pulumi
// imports): the environment the component builds and the handler parses, and the telemetry
// names. Defaults are spelled here only: the component deploys these values, the handler
// falls back to them.
import * as z from "../lib/zod";
import { type HandlerContract, telemetryEnvironment } from "../lib/environment";

export const title = "ClickstreamProcessor";
export const serviceName = "clickstream-processor";
export const metricsNamespace = "Ecommerce/Clickstream";

/** Where the processor keeps invalid events, with the reason (in the lake bucket). */
export const quarantinePrefix = "quarantine/";
/** Personalize PutEvents calls in flight per invocation (1,000 calls/s per dataset group). */
export const personalizeConcurrency = 8;

const required = (name: string, what: string) => `${name} (${what}) is required`;

export const environmentSchema = z.object({
  FIREHOSE_STREAM_NAME: z
    .string({ error: required("FIREHOSE_STREAM_NAME", "the lake's delivery stream") })
    .check(z.minLength(1, { error: required("FIREHOSE_STREAM_NAME", "the lake's delivery stream") })),
  LAKE_BUCKET: z
    .string({ error: required("LAKE_BUCKET", "the lake bucket, for the quarantine") })
    .check(z.minLength(1, { error: required("LAKE_BUCKET", "the lake bucket, for the quarantine") })),
  QUARANTINE_PREFIX: z.pipe(
    z._default(z.string(), quarantinePrefix),
    z.transform((prefix: string) => (prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`)),
  ),
  // Absent or blank: Personalize is disabled.
  PERSONALIZE_TRACKING_ID: z.pipe(
    z.optional(z.string()),
    z.transform((id: string | undefined) => (id?.trim() ? id.trim() : undefined)),
  ),
  PERSONALIZE_CONCURRENCY: z._default(
    z.coerce
      .number({ error: "PERSONALIZE_CONCURRENCY must be a number" })
      .check(
        z.int({ error: "PERSONALIZE_CONCURRENCY must be a whole number" }),
        z.minimum(1, { error: "PERSONALIZE_CONCURRENCY must be 1 to 64" }),
        z.maximum(64, { error: "PERSONALIZE_CONCURRENCY must be 1 to 64" }),
      ),
    personalizeConcurrency,
  ),
  ...telemetryEnvironment(serviceName, metricsNamespace),
});
export type ClickstreamEnvironment = z.infer<typeof environmentSchema>;

export const clickstreamContract = {
  title,
  serviceName,
  metricsNamespace,
  environmentSchema,
} satisfies HandlerContract<typeof environmentSchema>;
