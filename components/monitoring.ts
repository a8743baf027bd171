// Monitoring: alarms on everything that can fail and a dashboard of the golden signals, both
// derived from the MonitoringTargets each component lists, so a new function, queue, stream,
// table or domain is watched as soon as its component lists it. What each kind of part gets is
// in monitoring-registry.ts (and how to add a kind). Alarms notify an encrypted SNS
// topic (e-mail subscriptions from config); CloudFront's alarms live in us-east-1, where its
// metrics are, and notify a second topic there with the same subscriptions.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "./config";
import { callerContext } from "./lib/iam";
import type { MonitoringTargets } from "./lib/monitoring-targets";
import {
  type AlarmSpec,
  type AlarmThresholds,
  cloudFrontMetricsRegion,
  describeAlarm,
  type Metric,
} from "./monitoring-alarms";
import { dashboardBody, type DashboardSection } from "./monitoring-dashboard";
import type { MonitoringContext } from "./monitoring-kind";
import { alarmKinds, monitoredKinds } from "./monitoring-registry";
import { AlarmTopic } from "./monitoring-topic";

export type MonitoringConfig = AlarmThresholds & Pick<PlatformConfig, "project" | "stack" | "region" | "alarmEmails">;

export interface MonitoringArgs {
  config: MonitoringConfig;
  /** Each component's `monitoring`. */
  targets: MonitoringTargets[];
}

/** One alarm as created, with the spec it was made from (for tests and the dashboard). */
export interface MonitoringAlarm {
  spec: AlarmSpec;
  alarm: aws.cloudwatch.MetricAlarm;
}

/** Every kind's parts with their alarm specs, and the dashboard sections drawn from them. */
function watch(
  targets: MonitoringTargets[],
  context: MonitoringContext,
): { specs: AlarmSpec[]; sections: DashboardSection[] } {
  const kinds = Object.values(monitoredKinds).map((kind) => ({
    kind,
    parts: kind.parts(targets).map((part) => ({ part, alarms: kind.alarms(part, context) })),
  }));
  return {
    specs: kinds.flatMap(({ parts }) => parts.flatMap((p) => p.alarms)),
    sections: kinds.map(({ kind, parts }) => ({ heading: kind.heading, rows: kind.rows(parts, context) })),
  };
}

const isPercentile = (stat: string) => /^p\d/.test(stat);

/** The metric part of a MetricAlarm's arguments: one metric, or metric math. */
function metricArgs(spec: AlarmSpec): Partial<aws.cloudwatch.MetricAlarmArgs> {
  if ("expression" in spec.metric) {
    const math = spec.metric;
    return {
      metricQueries: [
        ...Object.entries(math.metrics).map(([id, m]) => ({
          id,
          returnData: false,
          metric: {
            namespace: m.namespace,
            metricName: m.metricName,
            dimensions: m.dimensions,
            stat: m.stat,
            period: spec.window.period,
          },
        })),
        { id: "result", expression: math.expression, label: math.label, returnData: true },
      ],
    };
  }
  const m: Metric = spec.metric;
  return {
    namespace: m.namespace,
    metricName: m.metricName,
    dimensions: m.dimensions,
    period: spec.window.period,
    ...(isPercentile(m.stat) ? { extendedStatistic: m.stat } : { statistic: m.stat }),
  };
}

export class Monitoring extends pulumi.ComponentResource {
  /** The alarm topic in the stack's region. */
  public readonly topic: AlarmTopic;
  /** The alarm topic in us-east-1 for CloudFront's alarms (the stack's topic when the stack is there). */
  public readonly globalTopic: AlarmTopic;
  public readonly alarms: MonitoringAlarm[];
  public readonly dashboard: aws.cloudwatch.Dashboard;
  /** The dashboard in the CloudWatch console. */
  public readonly dashboardUrl: pulumi.Output<string>;
  public readonly alarmTopicArn: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:monitoring:Monitoring", name, {}, opts);
    const c = args.config;
    const { accountId, partition } = callerContext({ parent: this });
    const { specs, sections } = watch(args.targets, { thresholds: c, accountId });
    const allInStackRegion = specs.every((spec) => spec.region === undefined || spec.region === c.region);

    this.topic = new AlarmTopic(
      `${name}-alarms`,
      { region: c.region, explicitRegion: false, emails: c.alarmEmails, accountId, partition },
      { parent: this },
    );
    this.globalTopic = allInStackRegion
      ? this.topic
      : new AlarmTopic(
          `${name}-alarms-${cloudFrontMetricsRegion}`,
          { region: cloudFrontMetricsRegion, explicitRegion: true, emails: c.alarmEmails, accountId, partition },
          { parent: this },
        );
    this.alarmTopicArn = this.topic.arn;

    this.alarms = specs.map((spec) => ({ spec, alarm: this.createAlarm(name, spec, c.region) }));

    const dashboardName = `${c.project}-${c.stack}`;
    this.dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName,
        dashboardBody: dashboardBody({
          title: `${c.project} ${c.stack}`,
          region: c.region,
          sections,
          alarmArns: this.alarms.filter((a) => !a.spec.region || a.spec.region === c.region).map((a) => a.alarm.arn),
        }),
      },
      { parent: this },
    );
    this.dashboardUrl = pulumi.interpolate`https://${c.region}.console.aws.amazon.com/cloudwatch/home?region=${c.region}#dashboards:name=${this.dashboard.dashboardName}`;

    this.registerOutputs({
      dashboardUrl: this.dashboardUrl,
      alarmTopicArn: this.alarmTopicArn,
      alarmCount: this.alarms.length,
    });
  }

  private createAlarm(name: string, spec: AlarmSpec, stackRegion: string): aws.cloudwatch.MetricAlarm {
    const elsewhere = spec.region !== undefined && spec.region !== stackRegion;
    const topic = elsewhere ? this.globalTopic : this.topic;
    const percentile = !("expression" in spec.metric) && isPercentile(spec.metric.stat);
    return new aws.cloudwatch.MetricAlarm(
      `${name}-${spec.id}`,
      {
        ...(elsewhere ? { region: spec.region } : {}),
        alarmDescription: describeAlarm(spec, alarmKinds[spec.kind]),
        ...metricArgs(spec),
        comparisonOperator: spec.comparison,
        threshold: spec.threshold,
        evaluationPeriods: spec.window.evaluationPeriods,
        datapointsToAlarm: spec.window.datapointsToAlarm,
        treatMissingData: spec.treatMissingData,
        ...(percentile && spec.lowSampleCountPercentiles
          ? { evaluateLowSampleCountPercentiles: spec.lowSampleCountPercentiles }
          : {}),
        actionsEnabled: true,
        alarmActions: [topic.arn],
        okActions: [topic.arn],
      },
      { parent: this, dependsOn: [topic] },
    );
  }
}
