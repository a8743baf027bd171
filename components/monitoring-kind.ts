// The shape of one kind of moving part (functions, tables, streams, ...): where its parts are
// listed, the alarms each part gets and its dashboard rows, which draw their threshold lines
// from those alarms. Each kind is one file in monitoring-kinds/, listed in monitoring-registry.ts.
import type * as pulumi from "@pulumi/pulumi";
import type { MonitoringTargets } from "./lib/monitoring-targets";
import type { AlarmKindDoc, AlarmSpec, AlarmThresholds } from "./monitoring-alarms";
import type { Graph } from "./monitoring-dashboard";

export interface MonitoringContext {
  thresholds: AlarmThresholds;
  /** The account: OpenSearch metrics carry it as their ClientId dimension. */
  accountId: pulumi.Input<string>;
}

/** A part with the alarms made for it. */
export interface Monitored<Part, Kind extends string = string> {
  part: Part;
  alarms: AlarmSpec<Kind>[];
}

export interface PartKind<Part, Kind extends string = string> {
  /** The heading of its dashboard section. */
  heading: string;
  /** Each alarm kind it raises: what it means and what to check first (its README.md runbook entry). */
  alarmKinds: Record<Kind, AlarmKindDoc>;
  /** Its parts as the components list them, each once, in the order first listed. */
  parts(targets: MonitoringTargets[]): Part[];
  /** The alarms one part gets. */
  alarms(part: Part, context: MonitoringContext): AlarmSpec<Kind>[];
  /** Its dashboard rows: usually one per part; threshold lines come from the parts' alarms. */
  rows(parts: Monitored<Part, Kind>[], context: MonitoringContext): Graph[][];
}

/** Declares a kind, checking its alarms against its own alarm kinds. */
export const partKind = <Part, Kind extends string>(kind: PartKind<Part, Kind>): PartKind<Part, Kind> => kind;

/** Each part once, in the order first listed (a part may be listed by two components). */
export function unique<T>(lists: (T[] | undefined)[]): T[] {
  return [...new Set(lists.flatMap((l) => l ?? []))];
}

/** The parts of one MonitoringTargets field across all components. */
export const listed =
  <Field extends keyof MonitoringTargets>(field: Field) =>
  (targets: MonitoringTargets[]): NonNullable<MonitoringTargets[Field]> =>
    unique<unknown>(targets.map((t) => t[field])) as NonNullable<MonitoringTargets[Field]>;

/** The threshold of a part's alarm of `kind`: the dashboard draws it, never a copy. */
export function thresholdOf<Kind extends string>(alarms: AlarmSpec<Kind>[], kind: Kind): number {
  const thresholds = [...new Set(alarms.filter((a) => a.kind === kind).map((a) => a.threshold))];
  if (thresholds.length !== 1)
    throw new Error(`expected one ${kind} threshold among these alarms, found ${thresholds.length}`);
  return thresholds[0];
}
