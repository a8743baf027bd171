// The ClickstreamProcessor core: decode → validate/normalise → drop in-batch duplicates →
// lake (Firehose), Personalize and quarantine in parallel → report what did not arrive.
// Every unit read from the batch ends in the lake, the quarantine, or a record Kinesis will
// resend (the lowest failed sequence number and everything after it).
import type { KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { PartialItemFailureResponse } from "@aws-lambda-powertools/batch/types";
import { batchItemFailures } from "./batch-item-failures";
import { emptyCounts, type ClickstreamCounts } from "./counts";
import { decodeRecord, recordRef, type DecodedUnit, type RecordRef } from "./decode-record";
import { deliverToFirehose, type FirehoseSender, type LakeRecord } from "./firehose-sink";
import { sendToPersonalize, type PersonalizeEntry, type PersonalizeSender } from "./personalize-sink";
import { writeQuarantine, type QuarantineEntry, type QuarantineOptions } from "./quarantine-sink";
import type { NormalisedClickstreamEvent } from "../shared/clickstream-event";
import type { RetryPolicy } from "../lib/retry";
import { sinkRetryPolicy } from "./clients";
import { validateEvent } from "./validate-event";
import { isoTimestamp } from "../lib/iso-timestamp";

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

/** What one record turned into: its quarantine entries and its valid, normalised events. */
interface RecordOutcome {
  ref: RecordRef;
  quarantine: QuarantineEntry[];
  valid: { event: NormalisedClickstreamEvent; json: string }[];
  events: number;
  undecodable: boolean;
  oversized: number;
}

/** Decodes and validates one record; never throws (a failure quarantines the record whole). */
function classifyRecord(record: KinesisStreamRecord, index: number): RecordOutcome {
  try {
    const ref = recordRef(record, index);
    return classifyUnits(decodeRecord(record, index, ref), ref);
  } catch (error) {
    const ref = safeRef(record, index);
    const received = typeof record?.kinesis?.data === "string" ? record.kinesis.data : "";
    return {
      ref,
      quarantine: [
        {
          sequenceNumber: ref.sequenceNumber,
          partitionKey: ref.partitionKey,
          shardId: ref.shardId,
          ...(ref.arrivedAt ? { receivedAt: ref.arrivedAt.toISOString() } : {}),
          kind: "undecodable",
          reasons: [
            {
              path: "",
              code: "undecodable",
              message: `the record could not be processed: ${(error as Error)?.message ?? String(error)}`,
            },
          ],
          data: received,
          dataEncoding: "received",
        },
      ],
      valid: [],
      events: 1,
      undecodable: true,
      oversized: 0,
    };
  }
}

function safeRef(record: KinesisStreamRecord, index: number): RecordRef {
  try {
    return recordRef(record, index);
  } catch {
    return {
      index,
      sequenceNumber: String(record?.kinesis?.sequenceNumber ?? ""),
      partitionKey: String(record?.kinesis?.partitionKey ?? ""),
      shardId: "unknown-shard",
    };
  }
}

function classifyUnits(units: DecodedUnit[], ref: RecordRef): RecordOutcome {
  const outcome: RecordOutcome = {
    ref,
    quarantine: [],
    valid: [],
    events: units.length,
    undecodable: false,
    oversized: 0,
  };
  // Every unit of a record arrived at once: its arrival is formatted once, for the lake and the quarantine.
  const receivedAt = ref.arrivedAt && isoTimestamp(ref.arrivedAt.getTime());
  // Only a unit going to the quarantine needs these.
  const quarantineBase = (unit: DecodedUnit) => ({
    sequenceNumber: unit.ref.sequenceNumber,
    partitionKey: unit.ref.partitionKey,
    shardId: unit.ref.shardId,
    ...(receivedAt !== undefined ? { receivedAt } : {}),
  });
  for (const unit of units) {
    if (unit.kind === "undecodable") {
      outcome.undecodable = true;
      outcome.quarantine.push({
        ...quarantineBase(unit),
        kind: "undecodable",
        reasons: [{ path: "", code: "undecodable", message: unit.reason }],
        data: unit.data,
        dataEncoding: unit.dataEncoding,
      });
      continue;
    }
    const validation = validateEvent(unit.value, unit.ref.arrivedAt, receivedAt);
    if (!validation.ok) {
      if (validation.oversized) outcome.oversized++;
      outcome.quarantine.push({
        ...quarantineBase(unit),
        ...(unit.position !== undefined ? { position: unit.position } : {}),
        kind: validation.oversized ? "oversized" : "invalid",
        reasons: validation.reasons,
        data: unit.rawText,
        dataEncoding: "utf8",
      });
      continue;
    }
    outcome.valid.push(validation);
  }
  return outcome;
}

/** Only events about a product go to Personalize. */
const namesItem = (event: NormalisedClickstreamEvent): event is NormalisedClickstreamEvent & { itemId: string } =>
  event.itemId !== undefined;

export async function processClickstreamBatch(
  event: KinesisStreamEvent,
  deps: ClickstreamProcessorDeps,
): Promise<BatchOutcome> {
  const retry = deps.retry ?? sinkRetryPolicy;
  const now = deps.now ?? (() => new Date());
  const counts = emptyCounts();
  const records = Array.isArray(event?.Records) ? event.Records : [];
  counts.RecordsReceived = records.length;

  const quarantined: { owner: RecordRef; entries: QuarantineEntry[] }[] = [];
  const lake: LakeRecord<RecordRef>[] = [];
  const personalize: PersonalizeEntry<RecordRef>[] = [];
  const seenEventIds = new Set<string>();

  records.forEach((record, index) => {
    const outcome = classifyRecord(record, index);
    counts.EventsReceived += outcome.events;
    counts.EventsInvalid += outcome.quarantine.length;
    counts.EventsOversized += outcome.oversized;
    if (outcome.undecodable) counts.RecordsUndecodable++;
    if (outcome.quarantine.length > 0) quarantined.push({ owner: outcome.ref, entries: outcome.quarantine });
    for (const { event: normalised, json } of outcome.valid) {
      // The first occurrence wins; a later one is in the same or a later record, so it is
      // resent whenever the first one is.
      if (seenEventIds.has(normalised.eventId)) {
        counts.EventsDuplicate++;
        continue;
      }
      seenEventIds.add(normalised.eventId);
      lake.push({ data: Buffer.from(`${json}\n`), owner: outcome.ref });
      if (deps.personalize && namesItem(normalised)) {
        personalize.push({ event: normalised, owner: outcome.ref });
      }
    }
  });

  const failed: RecordRef[] = [];

  const quarantineTask = async () => {
    if (quarantined.length === 0) return;
    const result = await writeQuarantine(quarantined, deps.quarantine, now());
    const failedRecords = new Set(result.failed);
    const entries = (refs: Iterable<{ owner: RecordRef; entries: QuarantineEntry[] }>) =>
      [...refs].reduce((n, q) => n + q.entries.length, 0);
    counts.EventsQuarantined = entries(quarantined.filter((q) => !failedRecords.has(q.owner)));
    if (result.keys.length > 0) {
      deps.logger.warn("Quarantined events that cannot go to the lake", {
        objects: result.keys.length,
        events: counts.EventsQuarantined,
        firstReasons: quarantined
          .slice(0, 5)
          .map((q) => ({ sequenceNumber: q.owner.sequenceNumber, reasons: q.entries[0].reasons })),
      });
    }
    if (result.failed.length > 0) {
      counts.QuarantineWriteFailures = entries(quarantined.filter((q) => failedRecords.has(q.owner)));
      deps.logger.error("Quarantine write failed; reporting the records for a resend", {
        error: result.errors[0] as Error,
        records: result.failed.length,
      });
      failed.push(...result.failed);
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
