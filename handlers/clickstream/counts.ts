// The processor's counters, one per CloudWatch metric (EMF, unit Count). The core returns
// them; the entry publishes them, so the core stays free of globals and tests read them.
export const clickstreamMetricNames = [
  "RecordsReceived",
  "EventsReceived",
  "EventsInvalid",
  "EventsOversized",
  "RecordsUndecodable",
  "EventsDuplicate",
  "EventsQuarantined",
  "QuarantineWriteFailures",
  "EventsToFirehose",
  "FirehoseCalls",
  "FirehoseRetries",
  "FirehoseFailedEvents",
  "EventsToPersonalize",
  "PersonalizeCalls",
  "PersonalizeRetries",
  "PersonalizeRejectedEvents",
  "PersonalizeFailedEvents",
  "RecordsReportedFailed",
] as const;
export type ClickstreamMetricName = (typeof clickstreamMetricNames)[number];
export type ClickstreamCounts = Record<ClickstreamMetricName, number>;

export function emptyCounts(): ClickstreamCounts {
  return Object.fromEntries(clickstreamMetricNames.map((name) => [name, 0])) as ClickstreamCounts;
}
