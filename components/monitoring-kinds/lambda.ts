// Lambda functions: errors, throttles, p99 duration near the timeout and, for stream consumers,
// how far behind their stream they read.
import * as pulumi from "@pulumi/pulumi";
import type { BundledFunction } from "../lib/function";
import {
  type AlarmSpec,
  type AlarmThresholds,
  firstOccurrence,
  type Metric,
  slow,
  slug,
  sustained,
} from "../monitoring-alarms";
import { line } from "../monitoring-dashboard";
import { partKind, thresholdOf, unique } from "../monitoring-kind";

export interface WatchedFunction {
  fn: BundledFunction;
  /** Fed by an event source mapping on a stream: it also has an IteratorAge alarm. */
  consumesStream: boolean;
}

/** The p99 duration a function alarms above: the configured share of its own timeout. */
export const durationThresholdMs = (fn: BundledFunction, t: AlarmThresholds) =>
  Math.round((fn.timeoutSeconds * 1000 * t.alarmDurationPercentOfTimeout) / 100);

type LambdaAlarm = "lambda-errors" | "lambda-throttles" | "lambda-duration" | "lambda-iterator-age";

export const lambdaFunctions = partKind<WatchedFunction, LambdaAlarm>({
  heading: "Lambda functions",
  alarmKinds: {
    "lambda-errors": {
      means: "the function threw, timed out or ran out of memory",
      check: "the function's log group (level ERROR) and its X-Ray traces",
    },
    "lambda-throttles": {
      means: "invocations were refused for lack of concurrency",
      check: "the account's concurrent executions and the function's reserved concurrency",
    },
    "lambda-duration": {
      means: "the slowest invocations come close to the timeout",
      check: "X-Ray traces of slow invocations: which downstream call is slow",
    },
    "lambda-iterator-age": {
      means: "the function reads its stream late: records wait before processing",
      check: "the function's Errors and Duration; a poison record being retried; batch size",
    },
  },
  // Stream consumers are listed apart (they need not be repeated in `functions`).
  parts: (targets) => {
    const consumers = unique(targets.map((t) => t.streamConsumers));
    return unique([...targets.map((t) => t.functions), consumers]).map((fn) => ({
      fn,
      consumesStream: consumers.includes(fn),
    }));
  },
  alarms: ({ fn, consumesStream }, { thresholds: t }) => {
    const resource = pulumi.resourceName(fn);
    const metric = (metricName: string, stat: string): Metric => ({
      namespace: "AWS/Lambda",
      metricName,
      dimensions: { FunctionName: fn.function.name },
      stat,
    });
    const id = (suffix: string) => `lambda-${slug(resource)}-${suffix}`;
    const specs: AlarmSpec<LambdaAlarm>[] = [
      {
        id: id("errors"),
        kind: "lambda-errors",
        resource,
        metric: metric("Errors", "Sum"),
        window: firstOccurrence,
        comparison: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
      },
      {
        id: id("throttles"),
        kind: "lambda-throttles",
        resource,
        metric: metric("Throttles", "Sum"),
        window: sustained,
        comparison: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
      },
      {
        id: id("duration"),
        kind: "lambda-duration",
        resource,
        metric: metric("Duration", "p99"),
        window: slow,
        comparison: "GreaterThanThreshold",
        threshold: durationThresholdMs(fn, t),
        treatMissingData: "notBreaching",
        // Timeouts are also Errors, so a rarely invoked function that times out still alarms.
        lowSampleCountPercentiles: "ignore",
      },
    ];
    if (consumesStream) {
      specs.push({
        id: id("iterator-age"),
        kind: "lambda-iterator-age",
        resource,
        metric: metric("IteratorAge", "Maximum"),
        window: sustained,
        comparison: "GreaterThanThreshold",
        threshold: t.alarmIteratorAgeSeconds * 1000,
        // Published only when the mapping invokes the function; an idle table stream has none.
        treatMissingData: "notBreaching",
      });
    }
    return specs;
  },
  rows: (parts) =>
    parts.map(({ part: { fn, consumesStream }, alarms }) => {
      const name = pulumi.resourceName(fn);
      const dims: [string, pulumi.Input<string>][] = [["FunctionName", fn.function.name]];
      const m = (metric: string, stat: string, label?: string) => line("AWS/Lambda", metric, dims, stat, label);
      return [
        { title: `${name}: invocations`, metrics: [m("Invocations", "Sum")] },
        { title: `${name}: errors and throttles`, metrics: [m("Errors", "Sum"), m("Throttles", "Sum")] },
        {
          title: `${name}: duration (ms)`,
          metrics: [m("Duration", "p50", "p50"), m("Duration", "p99", "p99")],
          lines: [
            { label: "alarm (p99)", value: thresholdOf(alarms, "lambda-duration") },
            { label: "timeout", value: fn.timeoutSeconds * 1000 },
          ],
        },
        consumesStream
          ? {
              title: `${name}: concurrency and stream lag (ms)`,
              metrics: [m("ConcurrentExecutions", "Maximum"), m("IteratorAge", "Maximum")],
              lines: [{ label: "alarm (iterator age)", value: thresholdOf(alarms, "lambda-iterator-age") }],
            }
          : { title: `${name}: concurrency`, metrics: [m("ConcurrentExecutions", "Maximum")] },
      ];
    }),
});
