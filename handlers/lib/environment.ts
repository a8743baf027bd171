// One environment reader for every handler, and the shape of a handler's contract: the
// environment schema, service name and metrics namespace both the component and the handler
// read (handlers/<fn>/contract.ts). No SDK or Pulumi imports: the component and the bundle
// share this file.
import * as z from "./zod";

/** What a component and its handler agree on, whatever the handler is. */
export interface HandlerContract<Schema extends z.ZodMiniObject = z.ZodMiniObject> {
  /** How the handler names itself in a configuration error ("OrderProcessing", "Catalog", ...). */
  title: string;
  /** POWERTOOLS_SERVICE_NAME: the `service` key of every log line, metric and trace. */
  serviceName: string;
  /** POWERTOOLS_METRICS_NAMESPACE: the CloudWatch namespace of its EMF metrics. */
  metricsNamespace: string;
  /** Every variable the handler reads; defaults live here and nowhere else. */
  environmentSchema: Schema;
}

/** The two telemetry variables every handler reads, defaulting to its contract's names. */
export function telemetryEnvironment(serviceName: string, metricsNamespace: string) {
  return {
    POWERTOOLS_SERVICE_NAME: z._default(z.string().check(z.minLength(1)), serviceName),
    POWERTOOLS_METRICS_NAMESPACE: z._default(z.string().check(z.minLength(1)), metricsNamespace),
  };
}

/**
 * The handler's environment, parsed once at cold start. Every missing or invalid variable is
 * named in one error, so a misconfigured function fails at once and says all that is wrong,
 * not on the first request with the first problem.
 */
export function readEnvironment<Schema extends z.ZodMiniObject>(
  contract: Pick<HandlerContract<Schema>, "title" | "environmentSchema">,
  // Passed in (process.env at the entry) so this file stays free of Node types: the site reads contracts too.
  env: Record<string, string | undefined>,
): z.output<Schema> {
  const parsed = contract.environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`);
    throw new Error(`${contract.title} environment is invalid: ${problems.join("; ")}`);
  }
  return parsed.data;
}

/** Variables Lambda sets itself (reserved: a function configuration may not set them). */
export const runtimeVariables = ["AWS_REGION"] as const;
export type RuntimeVariable = (typeof runtimeVariables)[number];
/** Variables the contract's own names fill in (see telemetryVariables). */
export type TelemetryVariable = "POWERTOOLS_SERVICE_NAME" | "POWERTOOLS_METRICS_NAMESPACE";

type Input<Schema extends z.ZodMiniObject> = z.input<Schema>;
type Settable<Schema extends z.ZodMiniObject> = Exclude<
  keyof Input<Schema> & string,
  RuntimeVariable | TelemetryVariable
>;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/**
 * The variables a component must give (every one without a default) and may give (the
 * defaulted and optional ones), each a string of type `Value` (e.g. pulumi.Input<string>).
 * A variable the schema requires and the component leaves out does not compile.
 */
export type EnvironmentVariables<Schema extends z.ZodMiniObject, Value> = {
  [K in Settable<Schema> & RequiredKeys<Input<Schema>>]: Value;
} & {
  [K in Exclude<Settable<Schema>, RequiredKeys<Input<Schema>>>]?: Value;
};

/** The telemetry names as Powertools reads them from the environment. */
export function telemetryVariables(
  contract: Pick<HandlerContract, "serviceName" | "metricsNamespace">,
): Record<TelemetryVariable, string> {
  return { POWERTOOLS_SERVICE_NAME: contract.serviceName, POWERTOOLS_METRICS_NAMESPACE: contract.metricsNamespace };
}
