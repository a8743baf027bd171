// CloudFront distributions: the share of 5xx answers. CloudFront publishes its metrics in
// us-east-1 only, so its alarms and graphs are there.
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { cloudFrontMetricsRegion, slug, sustained } from "../monitoring-alarms";
import { line } from "../monitoring-dashboard";
import { listed, partKind, thresholdOf } from "../monitoring-kind";

export const cloudFrontDistributions = partKind<aws.cloudfront.Distribution, "cloudfront-5xx-rate">({
  heading: "Storefront (CloudFront, us-east-1 metrics)",
  alarmKinds: {
    "cloudfront-5xx-rate": {
      means: "the storefront distribution answers a share of requests with server errors",
      check: "the origin bucket policy (OAC) and the CloudFront access logs / origin status",
    },
  },
  parts: listed("distributions"),
  alarms: (distribution, { thresholds: t }) => {
    const resource = pulumi.resourceName(distribution);
    return [
      {
        id: `cloudfront-${slug(resource)}-5xx-rate`,
        kind: "cloudfront-5xx-rate",
        resource,
        // Already a percentage of requests.
        metric: {
          namespace: "AWS/CloudFront",
          metricName: "5xxErrorRate",
          dimensions: { DistributionId: distribution.id, Region: "Global" },
          stat: "Average",
        },
        window: sustained,
        comparison: "GreaterThanThreshold",
        threshold: t.alarmCloudFront5xxPercent,
        treatMissingData: "notBreaching",
        region: cloudFrontMetricsRegion,
      },
    ];
  },
  rows: (parts) =>
    parts.map(({ part: distribution, alarms }) => {
      const name = pulumi.resourceName(distribution);
      const dims: [string, pulumi.Input<string>][] = [
        ["DistributionId", distribution.id],
        ["Region", "Global"],
      ];
      const m = (metric: string, stat: string) => line("AWS/CloudFront", metric, dims, stat);
      const region = cloudFrontMetricsRegion;
      return [
        { title: `${name}: requests`, metrics: [m("Requests", "Sum")], region },
        {
          title: `${name}: error rate (%)`,
          metrics: [m("4xxErrorRate", "Average"), m("5xxErrorRate", "Average")],
          lines: [{ label: "alarm (5xx)", value: thresholdOf(alarms, "cloudfront-5xx-rate") }],
          region,
        },
        { title: `${name}: bytes downloaded`, metrics: [m("BytesDownloaded", "Sum")], region },
      ];
    }),
});
