// What an alarm is: one AlarmSpec per failure mode, with the metric, the threshold (from stack
// config where it differs per stage), how long it must last, what missing data means for that
// metric, and the runbook entry (README.md) to open first. The specs of each kind of moving part
// are in monitoring-kinds/. Pure: no resources are created here; Monitoring turns each spec into
// a MetricAlarm.
import type * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "./config";

/** Every `alarm*` threshold of the stack config (a new one reaches the kinds without a further edit). */
export type AlarmThresholds = Pick<
  PlatformConfig,
  Exclude<Extract<keyof PlatformConfig, `alarm${string}`>, "alarmEmails">
>;

/** CloudFront publishes its metrics in us-east-1 only; its alarms (and their topic) live there. */
export const cloudFrontMetricsRegion = "us-east-1";

export type Comparison =
  | "GreaterThanThreshold"
  | "GreaterThanOrEqualToThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";
/**
 * notBreaching: the metric is only published while there is traffic, so no data means "nothing
 * happened". breaching: the metric is published continuously while the part works, so no data
 * means it stopped.
 */
export type MissingData = "notBreaching" | "breaching";

export interface Metric {
  namespace: string;
  metricName: string;
  dimensions: Record<string, pulumi.Input<string>>;
  /** Sum, Average, Minimum, Maximum or a percentile such as p99. */
  stat: string;
}

/** A metric-math alarm: `expression` over the named metrics (ids are the keys). */
export interface MetricMath {
  expression: string;
  label: string;
  metrics: Record<string, Metric>;
}

/** How long a condition must hold: `datapointsToAlarm` of `evaluationPeriods` periods of `period` seconds. */
export interface Window {
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
}

/** Fires on the first bad minute; clears after five clean ones. For things that must never happen. */
export const firstOccurrence: Window = { period: 60, evaluationPeriods: 5, datapointsToAlarm: 1 };
/** Three bad minutes out of five: a burst the clients retry through does not page. */
export const sustained: Window = { period: 60, evaluationPeriods: 5, datapointsToAlarm: 3 };
/** Two bad 5-minute periods out of three: percentiles need samples, a single slow spell is noise. */
export const slow: Window = { period: 300, evaluationPeriods: 3, datapointsToAlarm: 2 };

export interface AlarmSpec<Kind extends string = string> {
  /** Unique, readable suffix of the alarm's resource name, e.g. "lambda-ingestion-processor-errors". */
  id: string;
  /** The alarm kind: its heading anchor in README.md (the runbook). */
  kind: Kind;
  /** The resource, as named in the program (e.g. "ingestion-processor"). */
  resource: string;
  metric: Metric | MetricMath;
  window: Window;
  comparison: Comparison;
  threshold: number;
  treatMissingData: MissingData;
  /** Percentile alarms: leave the state alone when too few samples make a percentile meaningless. */
  lowSampleCountPercentiles?: "ignore";
  /** The metric's region when it is not the stack's (CloudFront). */
  region?: string;
}

/** What an alarm kind means and the first thing to check (README.md has an entry for each). */
export interface AlarmKindDoc {
  means: string;
  check: string;
}

/** A resource name as a piece of an alarm id. */
export const slug = (name: string) => name.replace(/[^a-zA-Z0-9-]+/g, "-");

const comparisonWords: Record<Comparison, string> = {
  GreaterThanThreshold: ">",
  GreaterThanOrEqualToThreshold: ">=",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "<=",
};

/** The alarm's description: what it watches, what it means, where to look first, the runbook. */
export function describeAlarm(spec: AlarmSpec, { means, check }: AlarmKindDoc): string {
  const what = "expression" in spec.metric ? spec.metric.label : `${spec.metric.metricName} (${spec.metric.stat})`;
  const w = spec.window;
  const when = `${what} ${comparisonWords[spec.comparison]} ${spec.threshold} in ${w.datapointsToAlarm} of ${w.evaluationPeriods} periods of ${w.period}s`;
  return `${spec.resource}: ${means}. Fires when ${when}. First check: ${check}. Runbook: README.md#${spec.kind}`;
}
