// The ClickstreamProcessor core: decode → validate/normalise → drop in-batch duplicates →
// lake (Firehose), Personalize and quarantine in parallel → report what did not arrive.
// Every unit read from the batch ends in the lake, the quarantine, or a record Kinesis will
// resend (the lowest failed sequence number and everything after it).
import type { KinesisStreamEvent } from "aws-lambda";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { PartialItemFailureResponse } from "@aws-lambda-powertools/batch/types";
import { batchItemFailures } from "./batch-item-failures";
import { emptyCounts, type ClickstreamCounts } from "./counts";
import { decodeRecord, type RecordRef } from "./decode-record";
import { deliverToFirehose, type FirehoseSender, type LakeRecord } from "./firehose-sink";
import { sendToPersonalize, type PersonalizeEntry, type PersonalizeSender } from "./personalize-sink";
import { writeQuarantine, type QuarantineEntry, type QuarantineOptions } from "./quarantine-sink";
import { defaultRetryPolicy, type RetryPolicy } from "./retry";
import { validateEvent } from "./validate-event";

export interface ClickstreamProcessorDeps {
  firehose: { client: FirehoseSender; deliveryStreamName: string };
  /** Absent when Personalize is disabled: then no Personalize call is made. */
  personalize?: { client: PersonalizeSender; trackingId: string; concurrency: number };
  quarantine: QuarantineOptions;
  logger: Logger;
  retry?: RetryPolicy;
  now?: () => Date;
}

export interface BatchOutcome {
  response: PartialItemFailureResponse;
  counts: ClickstreamCounts;
}

interface Quarantined {
  entry: QuarantineEntry;
  ref: RecordRef;
}

export async function processClickstreamBatch(event: KinesisStreamEvent, deps: ClickstreamProcessorDeps): Promise<BatchOutcome> {
  const retry = deps.retry ?? defaultRetryPolicy;
  const now = deps.now ?? (() => new Date());
  const counts = emptyCounts();
  counts.RecordsReceived = event.Records.length;

  const quarantined: Quarantined[] = [];
  const lake: LakeRecord<RecordRef>[] = [];
  const personalize: PersonalizeEntry<RecordRef>[] = [];
  const seenEventIds = new Set<string>();

  event.Records.forEach((record, index) => {
    for (const unit of decodeRecord(record, index)) {
      counts.EventsReceived++;
      const base = {
        sequenceNumber: unit.ref.sequenceNumber,
        partitionKey: unit.ref.partitionKey,
        shardId: unit.ref.shardId,
        receivedAt: unit.ref.arrivedAt.toISOString(),
      };
      if (unit.kind === "undecodable") {
        counts.RecordsUndecodable++;
        counts.EventsInvalid++;
        const text = unit.reason.includes("UTF-8") ? undefined : unit.data.toString("utf8");
        quarantined.push({
          ref: unit.ref,
          entry: {
            ...base,
            kind: "undecodable",
            reasons: [{ path: "", code: "undecodable", message: unit.reason }],
            data: text ?? unit.data.toString("base64"),
            dataEncoding: text === undefined ? "base64" : "utf8",
          },
        });
        continue;
      }
      const validation = validateEvent(unit.value, unit.ref.arrivedAt);
      if (!validation.ok) {
        counts.EventsInvalid++;
        if (validation.oversized) counts.EventsOversized++;
        quarantined.push({
          ref: unit.ref,
          entry: {
            ...base,
            ...(unit.position !== undefined ? { position: unit.position } : {}),
            kind: validation.oversized ? "oversized" : "invalid",
            reasons: validation.reasons,
            data: unit.rawText,
            dataEncoding: "utf8",
          },
        });
        continue;
      }
      const { event: normalised, json } = validation;
      // The first occurrence wins; a later one is in the same or a later record, so it is
      // resent whenever the first one is.
      if (seenEventIds.has(normalised.eventId)) {
        counts.EventsDuplicate++;
        continue;
      }
      seenEventIds.add(normalised.eventId);
      lake.push({ data: Buffer.from(json + "\n"), owner: unit.ref });
      if (deps.personalize && normalised.itemId !== undefined) {
        personalize.push({ event: { ...normalised, itemId: normalised.itemId }, owner: unit.ref });
      }
    }
  });

  const failed: RecordRef[] = [];

  const quarantineTask = async () => {
    if (quarantined.length === 0) return;
    try {
      const key = await writeQuarantine(
        quarantined.map((q) => q.entry),
        deps.quarantine,
        now(),
      );
      counts.EventsQuarantined = quarantined.length;
      deps.logger.warn("Quarantined events that cannot go to the lake", {
        key,
        events: quarantined.length,
        firstReasons: quarantined.slice(0, 5).map((q) => ({ sequenceNumber: q.entry.sequenceNumber, reasons: q.entry.reasons })),
      });
    } catch (error) {
      counts.QuarantineWriteFailures = quarantined.length;
      deps.logger.error("Quarantine write failed; reporting the records for a resend", { error: error as Error, events: quarantined.length });
      failed.push(...quarantined.map((q) => q.ref));
    }
  };

  const firehoseTask = async () => {
    if (lake.length === 0) return;
    const result = await deliverToFirehose(lake, { ...deps.firehose, retry, logger: deps.logger });
    counts.EventsToFirehose = result.delivered;
    counts.FirehoseCalls = result.calls;
    counts.FirehoseRetries = result.retries;
    counts.FirehoseFailedEvents = result.failed.length;
    failed.push(...result.failed.map((r) => r.owner));
  };

  const personalizeTask = async () => {
    if (!deps.personalize || personalize.length === 0) return;
    const result = await sendToPersonalize(personalize, { ...deps.personalize, retry, logger: deps.logger });
    counts.EventsToPersonalize = result.sent;
    counts.PersonalizeCalls = result.calls;
    counts.PersonalizeRetries = result.retries;
    counts.PersonalizeRejectedEvents = result.rejected.length;
    counts.PersonalizeFailedEvents = result.failed.length;
    failed.push(...result.failed.map((e) => e.owner));
  };

  await Promise.all([quarantineTask(), firehoseTask(), personalizeTask()]);

  counts.RecordsReportedFailed = new Set(failed.map((ref) => ref.index)).size;
  const response = batchItemFailures(failed);
  if (response.batchItemFailures.length > 0) {
    deps.logger.warn("Reporting a batch item failure; Kinesis resends from this sequence number", {
      sequenceNumber: response.batchItemFailures[0].itemIdentifier,
      recordsFailed: counts.RecordsReportedFailed,
    });
  }
  return { response, counts };
}
