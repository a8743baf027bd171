// Every kind of moving part Monitoring watches, in dashboard order. Each kind (monitoring-kinds/)
// makes its parts' alarms and dashboard rows; the rows draw thresholds from those alarms.
//
// To add a kind of part (say, Step Functions state machines):
//   1. lib/monitoring-targets.ts: a field listing them (`stateMachines?: aws.sfn.StateMachine[]`),
//      filled in by the components that own such parts;
//   2. monitoring-kinds/<kind>.ts: a `partKind` with its alarm kinds (meaning, first check), its
//      alarms per part and its dashboard rows (copy the closest existing kind);
//   3. here: one entry under the new field's name (the compiler asks for it after step 1);
//   and a README.md runbook entry `### <alarm-kind>` for each new alarm kind (a test asks).
// To add an alarm to an existing kind: its alarm kind and spec in that kind's file, plus the
// runbook entry. A threshold that differs per stage is an `alarm*` key in config.ts, read from
// `context.thresholds` (no further edit).
import type { MonitoringTargets } from "./lib/monitoring-targets";
import type { AlarmKindDoc } from "./monitoring-alarms";
import type { PartKind } from "./monitoring-kind";
import { cloudFrontDistributions } from "./monitoring-kinds/cloudfront-distributions";
import { deadLetterQueues } from "./monitoring-kinds/dead-letter-queues";
import { dynamoDbTables } from "./monitoring-kinds/dynamodb-tables";
import { firehoseDeliveryStreams } from "./monitoring-kinds/firehose-delivery-streams";
import { kinesisStreams } from "./monitoring-kinds/kinesis-streams";
import { lambdaFunctions } from "./monitoring-kinds/lambda";
import { openSearchDomains } from "./monitoring-kinds/opensearch-domains";
import { restApis } from "./monitoring-kinds/rest-apis";

/** Stream consumers are functions: the `functions` kind reads both fields. */
type KindName = Exclude<keyof MonitoringTargets, "streamConsumers">;

export const monitoredKinds: Record<KindName, PartKind<unknown>> = {
  distributions: cloudFrontDistributions,
  restApis,
  functions: lambdaFunctions,
  streams: kinesisStreams,
  deliveryStreams: firehoseDeliveryStreams,
  tables: dynamoDbTables,
  searchDomains: openSearchDomains,
  deadLetterQueues,
};

/** Every alarm kind of every part kind: what it means and the first thing to check. */
export const alarmKinds: Record<string, AlarmKindDoc> = {};
for (const kind of Object.values(monitoredKinds)) {
  for (const [name, doc] of Object.entries(kind.alarmKinds)) {
    if (name in alarmKinds) throw new Error(`alarm kind ${name} is declared by two kinds of part`);
    alarmKinds[name] = doc;
  }
}
