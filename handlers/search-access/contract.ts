// The seam between the Orders component and SearchAccess, its deploy-time step (no SDK or
// Pulumi imports): the environment the component builds and the handler parses, and the
// telemetry names. Its input (the roles to map) is the invocation's payload: security.ts.
import * as z from "../lib/zod";
import { type HandlerContract, telemetryEnvironment } from "../lib/environment";

export const title = "search-access";
export const serviceName = "search-access";
/** It publishes no metrics of its own; the namespace is where it would. */
export const metricsNamespace = "Ecommerce/Search";

export const environmentSchema = z.object({
  AWS_REGION: z.string().check(z.minLength(1, { error: "AWS_REGION is required" })),
  ...telemetryEnvironment(serviceName, metricsNamespace),
});
export type SearchAccessEnvironment = z.infer<typeof environmentSchema>;

export const searchAccessContract = {
  title,
  serviceName,
  metricsNamespace,
  environmentSchema,
} satisfies HandlerContract<typeof environmentSchema>;
