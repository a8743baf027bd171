// A handler's logger and metrics, configured in one place (./telemetry.ts adds X-Ray tracing).
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";

/** Absent names are read by Powertools from POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE. */
export interface TelemetryNames {
  /** The `service` key of every log line, metric and trace annotation. */
  serviceName?: string;
  /** Where the function's EMF metrics land. */
  metricsNamespace?: string;
}

export interface Logging {
  logger: Logger;
  metrics: Metrics;
}

export function createLogging(names: TelemetryNames = {}): Logging {
  return {
    logger: new Logger({ serviceName: names.serviceName }),
    metrics: new Metrics({ namespace: names.metricsNamespace, serviceName: names.serviceName }),
  };
}
