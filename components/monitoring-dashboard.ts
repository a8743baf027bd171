// The operations dashboard: alarm states at the top, then a section per kind of moving part with
// a row of golden signals (traffic, errors, latency, saturation, backlog) per part. The rows come
// from the kinds in monitoring-registry.ts, the same that make the alarms; this file lays them out.
import * as pulumi from "@pulumi/pulumi";

/** A metric line: namespace, name, dimension name/value pairs, then rendering options. */
export type MetricLine = pulumi.Input<string | Record<string, unknown>>[];

export interface Graph {
  title: string;
  metrics: MetricLine[];
  /** Horizontal lines, e.g. the alarm threshold or the timeout. */
  lines?: { label: string; value: number }[];
  region?: string;
  period?: number;
}

/** One section of the dashboard: a heading, then one row of graphs per part (or one for all). */
export interface DashboardSection {
  heading: string;
  rows: Graph[][];
}

/** A metric line from its namespace, name, dimensions, statistic and label. */
export const line = (
  namespace: string,
  metricName: string,
  dims: [string, pulumi.Input<string>][],
  stat: string,
  label?: string,
): MetricLine => [namespace, metricName, ...dims.flat(), { stat, ...(label ? { label } : {}) }];

const fullWidth = 24;
const graphHeight = 6;

/** The dashboard body (JSON), laid out row by row. */
export function dashboardBody(args: {
  title: string;
  region: string;
  sections: DashboardSection[];
  /** Alarms of the stack's region, shown in the status widget (at most 100 are shown). */
  alarmArns: pulumi.Input<string>[];
}): pulumi.Output<string> {
  const widgets: Record<string, unknown>[] = [
    {
      type: "text",
      x: 0,
      y: 0,
      width: fullWidth,
      height: 2,
      properties: {
        markdown: `# ${args.title}\nGolden signals of every moving part. What each alarm means and what to check first: README.md.`,
      },
    },
    {
      type: "alarm",
      x: 0,
      y: 2,
      width: fullWidth,
      height: 6,
      properties: { title: "Alarms", alarms: args.alarmArns.slice(0, 100), sortBy: "stateUpdatedTimestamp" },
    },
  ];
  let y = 8;
  for (const section of args.sections.filter((s) => s.rows.length > 0)) {
    widgets.push({
      type: "text",
      x: 0,
      y,
      width: fullWidth,
      height: 1,
      properties: { markdown: `## ${section.heading}` },
    });
    y += 1;
    for (const graphs of section.rows) {
      const width = Math.floor(fullWidth / graphs.length);
      graphs.forEach((g, i) =>
        widgets.push({
          type: "metric",
          x: i * width,
          y,
          width,
          height: graphHeight,
          properties: {
            title: g.title,
            region: g.region ?? args.region,
            view: "timeSeries",
            stacked: false,
            period: g.period ?? 60,
            metrics: g.metrics,
            ...(g.lines ? { annotations: { horizontal: g.lines } } : {}),
          },
        }),
      );
      y += graphHeight;
    }
  }
  return pulumi.jsonStringify({ start: "-PT6H", periodOverride: "inherit", widgets });
}
