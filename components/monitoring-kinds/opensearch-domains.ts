// OpenSearch domains: cluster status, disk, JVM heap and blocked writes.
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type Metric, slug } from "../monitoring-alarms";
import { line } from "../monitoring-dashboard";
import { listed, partKind, thresholdOf } from "../monitoring-kind";

type SearchAlarm =
  | "search-red"
  | "search-yellow"
  | "search-free-storage"
  | "search-jvm-pressure"
  | "search-writes-blocked";

export const openSearchDomains = partKind<aws.opensearch.Domain, SearchAlarm>({
  heading: "OpenSearch domains",
  alarmKinds: {
    "search-red": {
      means: "at least one primary shard is unassigned (or the domain stopped reporting its status)",
      check: "GET _cluster/allocation/explain; FreeStorageSpace and node count",
    },
    "search-yellow": {
      means: "replica shards have stayed unassigned for ten minutes",
      check: "GET _cluster/allocation/explain; a node lost or disk watermarks",
    },
    "search-free-storage": {
      means: "a data node is running out of disk",
      check: "index sizes (GET _cat/indices); delete old data or grow the EBS volume",
    },
    "search-jvm-pressure": {
      means: "a node's JVM heap is nearly full: garbage collection stalls and circuit breakers trip",
      check: "expensive queries (search slow log) and shard count; scale the instance type",
    },
    "search-writes-blocked": {
      means: "the domain refuses writes (disk full, or a write block set)",
      check: "FreeStorageSpace; GET _cluster/settings for index.blocks.write",
    },
  },
  parts: listed("searchDomains"),
  alarms: (domain, { thresholds: t, accountId }) => {
    const resource = pulumi.resourceName(domain);
    const metric = (metricName: string, stat: string): Metric => ({
      namespace: "AWS/ES",
      metricName,
      dimensions: { DomainName: domain.domainName, ClientId: accountId },
      stat,
    });
    const id = (suffix: string) => `search-${slug(resource)}-${suffix}`;
    return [
      {
        id: id("red"),
        kind: "search-red",
        resource,
        metric: metric("ClusterStatus.red", "Maximum"),
        window: { period: 60, evaluationPeriods: 3, datapointsToAlarm: 2 },
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        // The domain reports its status every minute; a domain that stops reporting is not healthy.
        treatMissingData: "breaching",
      },
      {
        id: id("yellow"),
        kind: "search-yellow",
        resource,
        metric: metric("ClusterStatus.yellow", "Maximum"),
        // Replicas are briefly unassigned whenever shards relocate: only a lasting yellow counts.
        window: { period: 300, evaluationPeriods: 2, datapointsToAlarm: 2 },
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        treatMissingData: "notBreaching",
      },
      {
        id: id("free-storage"),
        kind: "search-free-storage",
        resource,
        metric: metric("FreeStorageSpace", "Minimum"),
        window: { period: 300, evaluationPeriods: 1, datapointsToAlarm: 1 },
        comparison: "LessThanOrEqualToThreshold",
        threshold: t.alarmSearchFreeStorageMb,
        treatMissingData: "notBreaching",
      },
      {
        // AWS's recommended alarm: 95% or more for three consecutive minutes.
        id: id("jvm-pressure"),
        kind: "search-jvm-pressure",
        resource,
        metric: metric("JVMMemoryPressure", "Maximum"),
        window: { period: 60, evaluationPeriods: 3, datapointsToAlarm: 3 },
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: 95,
        treatMissingData: "notBreaching",
      },
      {
        id: id("writes-blocked"),
        kind: "search-writes-blocked",
        resource,
        metric: metric("ClusterIndexWritesBlocked", "Maximum"),
        window: { period: 300, evaluationPeriods: 1, datapointsToAlarm: 1 },
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        treatMissingData: "notBreaching",
      },
    ];
  },
  rows: (parts, { accountId }) =>
    parts.map(({ part: domain, alarms }) => {
      const name = pulumi.resourceName(domain);
      const dims: [string, pulumi.Input<string>][] = [
        ["DomainName", domain.domainName],
        ["ClientId", accountId],
      ];
      const m = (metric: string, stat: string) => line("AWS/ES", metric, dims, stat);
      return [
        {
          title: `${name}: search and indexing rate`,
          metrics: [m("SearchRate", "Average"), m("IndexingRate", "Average")],
        },
        {
          title: `${name}: cluster status and blocked writes`,
          metrics: [
            m("ClusterStatus.red", "Maximum"),
            m("ClusterStatus.yellow", "Maximum"),
            m("ClusterIndexWritesBlocked", "Maximum"),
            m("5xx", "Sum"),
          ],
        },
        {
          title: `${name}: search and indexing latency (ms)`,
          metrics: [m("SearchLatency", "Average"), m("IndexingLatency", "Average")],
        },
        {
          title: `${name}: CPU and JVM memory pressure (%)`,
          metrics: [m("CPUUtilization", "Maximum"), m("JVMMemoryPressure", "Maximum")],
          lines: [{ label: "alarm (JVM)", value: thresholdOf(alarms, "search-jvm-pressure") }],
        },
        {
          title: `${name}: free storage, smallest node (MB)`,
          metrics: [m("FreeStorageSpace", "Minimum")],
          lines: [{ label: "alarm", value: thresholdOf(alarms, "search-free-storage") }],
        },
      ];
    }),
});
