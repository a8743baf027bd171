// DynamoDB tables: throttled reads and writes, and DynamoDB's own errors on any operation.
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { firstOccurrence, type Metric, slug, sustained } from "../monitoring-alarms";
import { line } from "../monitoring-dashboard";
import { listed, partKind } from "../monitoring-kind";

/**
 * The data-plane operations whose SystemErrors are summed into one alarm per table. A metric-math
 * alarm may read at most 10 metrics (a hard CloudWatch limit: PutMetricAlarm refuses more), so
 * this lists ten: TransactGetItems, which nothing in the platform calls, is left out.
 */
export const dynamoDbOperations = [
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "Query",
  "Scan",
  "BatchGetItem",
  "BatchWriteItem",
  "TransactWriteItems",
  "GetRecords",
] as const;

export const dynamoDbTables = partKind<
  aws.dynamodb.Table,
  "dynamodb-read-throttled" | "dynamodb-write-throttled" | "dynamodb-system-errors"
>({
  heading: "DynamoDB tables",
  alarmKinds: {
    "dynamodb-read-throttled": {
      means: "reads of the table were throttled",
      check: "ConsumedReadCapacityUnits per partition key (hot key) and the table's capacity mode",
    },
    "dynamodb-write-throttled": {
      means: "writes to the table were throttled",
      check: "ConsumedWriteCapacityUnits and hot partition keys",
    },
    "dynamodb-system-errors": {
      means: "DynamoDB answered with internal server errors (HTTP 500)",
      check: "the AWS Health Dashboard for DynamoDB in this region; the SDK retries them",
    },
  },
  parts: listed("tables"),
  alarms: (table) => {
    const resource = pulumi.resourceName(table);
    const metric = (metricName: string, stat: string, extra: Record<string, string> = {}): Metric => ({
      namespace: "AWS/DynamoDB",
      metricName,
      dimensions: { TableName: table.name, ...extra },
      stat,
    });
    const id = (suffix: string) => `dynamodb-${slug(resource)}-${suffix}`;
    // SystemErrors exists only per (table, operation): sum the operations in one expression.
    const systemErrors = Object.fromEntries(
      dynamoDbOperations.map((op) => [`e${op.toLowerCase()}`, metric("SystemErrors", "Sum", { Operation: op })]),
    );
    return [
      {
        id: id("read-throttled"),
        kind: "dynamodb-read-throttled",
        resource,
        metric: metric("ReadThrottleEvents", "Sum"),
        window: sustained,
        comparison: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
      },
      {
        id: id("write-throttled"),
        kind: "dynamodb-write-throttled",
        resource,
        metric: metric("WriteThrottleEvents", "Sum"),
        window: sustained,
        comparison: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
      },
      {
        id: id("system-errors"),
        kind: "dynamodb-system-errors",
        resource,
        metric: {
          expression: `SUM([${Object.keys(systemErrors).join(", ")}])`,
          label: "SystemErrors (all operations)",
          metrics: systemErrors,
        },
        window: firstOccurrence,
        comparison: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
      },
    ];
  },
  rows: (parts) =>
    parts.map(({ part: table }) => {
      const name = pulumi.resourceName(table);
      const dims: [string, pulumi.Input<string>][] = [["TableName", table.name]];
      const m = (metric: string, stat: string) => line("AWS/DynamoDB", metric, dims, stat);
      const perOperation = (metric: string, stat: string, ops: readonly string[]) =>
        ops.map((op) => line("AWS/DynamoDB", metric, [...dims, ["Operation", op]], stat, op));
      return [
        {
          title: `${name}: consumed capacity`,
          metrics: [m("ConsumedReadCapacityUnits", "Sum"), m("ConsumedWriteCapacityUnits", "Sum")],
        },
        {
          title: `${name}: system errors`,
          metrics: perOperation(
            "SystemErrors",
            "Sum",
            dynamoDbOperations.filter((op) => op !== "GetRecords"),
          ),
        },
        {
          title: `${name}: request latency (ms)`,
          metrics: perOperation("SuccessfulRequestLatency", "Average", ["GetItem", "PutItem", "UpdateItem", "Query"]),
        },
        {
          title: `${name}: throttle events`,
          metrics: [m("ReadThrottleEvents", "Sum"), m("WriteThrottleEvents", "Sum")],
        },
      ];
    }),
});
