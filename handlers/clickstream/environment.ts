// The ClickstreamProcessor's environment, validated once at cold start so a misconfigured
// function fails at once with a message naming the variable, not on the first record.
// Namespace import: lets esbuild tree-shake zod (the `{ z }` form bundles all of it, ~450 KB).
import * as z from "zod";

const required = (name: string, what: string) => `${name} (${what}) is required`;

export const environmentSchema = z.object({
  FIREHOSE_STREAM_NAME: z.string({ error: required("FIREHOSE_STREAM_NAME", "the lake's delivery stream") }).min(1, { error: required("FIREHOSE_STREAM_NAME", "the lake's delivery stream") }),
  LAKE_BUCKET: z.string({ error: required("LAKE_BUCKET", "the lake bucket, for the quarantine") }).min(1, { error: required("LAKE_BUCKET", "the lake bucket, for the quarantine") }),
  QUARANTINE_PREFIX: z
    .string()
    .default("quarantine/")
    .transform((prefix) => (prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`)),
  // Absent or blank: Personalize is disabled.
  PERSONALIZE_TRACKING_ID: z
    .string()
    .optional()
    .transform((id) => (id?.trim() ? id.trim() : undefined)),
  PERSONALIZE_CONCURRENCY: z.coerce
    .number({ error: "PERSONALIZE_CONCURRENCY must be a number" })
    .int({ error: "PERSONALIZE_CONCURRENCY must be a whole number" })
    .min(1, { error: "PERSONALIZE_CONCURRENCY must be 1 to 64" })
    .max(64, { error: "PERSONALIZE_CONCURRENCY must be 1 to 64" })
    .default(8),
});
export type ClickstreamEnvironment = z.infer<typeof environmentSchema>;

export function readEnvironment(env: NodeJS.ProcessEnv): ClickstreamEnvironment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`ClickstreamProcessor environment is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}
