// What the Kinesis event source mapping needs back: with ReportBatchItemFailures it resends
// the shard from the LOWEST reported sequence number, so that one is all we report.
import type { PartialItemFailureResponse } from "@aws-lambda-powertools/batch/types";
import type { RecordRef } from "./decode-record";

export function batchItemFailures(failed: Iterable<RecordRef>): PartialItemFailureResponse {
  let lowest: RecordRef | undefined;
  for (const ref of failed) {
    // Sequence numbers are decimal strings too long for a double: compare as BigInt.
    if (!lowest || BigInt(ref.sequenceNumber) < BigInt(lowest.sequenceNumber)) lowest = ref;
  }
  return { batchItemFailures: lowest ? [{ itemIdentifier: lowest.sequenceNumber }] : [] };
}
