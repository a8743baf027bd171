// API Gateway REST APIs (one stage each): the share of 5XX answers and the p99 latency.
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type Metric, slow, slug, sustained } from "../monitoring-alarms";
import { line } from "../monitoring-dashboard";
import { listed, partKind, thresholdOf } from "../monitoring-kind";

/** A REST API and its stage: their names identify the API's metrics. */
export interface WatchedRestApi {
  restApi: aws.apigateway.RestApi;
  stage: aws.apigateway.Stage;
}

export const restApis = partKind<WatchedRestApi, "api-5xx-rate" | "api-latency">({
  heading: "API Gateway",
  alarmKinds: {
    "api-5xx-rate": {
      means: "the API answers a share of requests with server errors",
      check: "the API access log (status, integrationStatus, errorMessage) and the Lambda errors",
    },
    "api-latency": {
      means: "the API's slowest requests are too slow",
      check: "IntegrationLatency vs Latency; the order function's Duration and DynamoDB latency",
    },
  },
  parts: listed("restApis"),
  alarms: (api, { thresholds: t }) => {
    const resource = pulumi.resourceName(api.restApi);
    const dimensions = { ApiName: api.restApi.name, Stage: api.stage.stageName };
    const metric = (metricName: string, stat: string): Metric => ({
      namespace: "AWS/ApiGateway",
      metricName,
      dimensions,
      stat,
    });
    const id = (suffix: string) => `api-${slug(resource)}-${suffix}`;
    return [
      {
        id: id("5xx-rate"),
        kind: "api-5xx-rate",
        resource,
        metric: {
          expression: "100 * errors / requests",
          label: "5XX responses (% of requests)",
          metrics: { errors: metric("5XXError", "Sum"), requests: metric("Count", "Sum") },
        },
        window: sustained,
        comparison: "GreaterThanThreshold",
        threshold: t.alarmApi5xxPercent,
        treatMissingData: "notBreaching",
      },
      {
        id: id("latency-p99"),
        kind: "api-latency",
        resource,
        metric: metric("Latency", "p99"),
        window: slow,
        comparison: "GreaterThanThreshold",
        threshold: t.alarmApiLatencyP99Ms,
        treatMissingData: "notBreaching",
        lowSampleCountPercentiles: "ignore",
      },
    ];
  },
  rows: (parts) =>
    parts.map(({ part: api, alarms }) => {
      const name = pulumi.resourceName(api.restApi);
      const dims: [string, pulumi.Input<string>][] = [
        ["ApiName", api.restApi.name],
        ["Stage", api.stage.stageName],
      ];
      const m = (metric: string, stat: string, label?: string) => line("AWS/ApiGateway", metric, dims, stat, label);
      return [
        { title: `${name}: requests`, metrics: [m("Count", "Sum")] },
        { title: `${name}: 4XX and 5XX responses`, metrics: [m("4XXError", "Sum"), m("5XXError", "Sum")] },
        {
          title: `${name}: latency (ms)`,
          metrics: [
            m("Latency", "p50", "p50"),
            m("Latency", "p99", "p99"),
            m("IntegrationLatency", "p99", "integration p99"),
          ],
          lines: [{ label: "alarm (p99)", value: thresholdOf(alarms, "api-latency") }],
          period: 300,
        },
        {
          title: `${name}: 5XX share (alarm at ${thresholdOf(alarms, "api-5xx-rate")}%)`,
          metrics: [m("5XXError", "Average", "5XX share (0-1)")],
        },
      ];
    }),
});
