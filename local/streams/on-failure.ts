// The on-failure destination of a stream event source mapping: an SQS message describing the
// records given up on (not the records themselves), in the shape Lambda documents, so the
// records can be read again from the stream by position while they are retained.
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { randomUUID } from "node:crypto";
import type { FailureCondition, SourceRecord } from "./batches";
import type { InvokeResult } from "../lambda/pool";

export interface OnFailureTarget {
  client: SQSClient;
  queueUrl: string;
  functionArn: string;
  sourceArn: string;
  kind: "kinesis" | "dynamodb";
}

/** The batch given up on: its shard and records, why, after how many invocations, the last result. */
type GivenUpBatch = [
  shardId: string,
  records: SourceRecord[],
  condition: FailureCondition,
  attempts: number,
  lastResult?: InvokeResult,
];

export function invocationRecord(
  target: OnFailureTarget,
  ...[shardId, records, condition, attempts, lastResult]: GivenUpBatch
) {
  const first = records[0];
  const last = records[records.length - 1];
  const batchInfo = {
    shardId,
    startSequenceNumber: first.sequenceNumber,
    endSequenceNumber: last.sequenceNumber,
    approximateArrivalOfFirstRecord: new Date(first.arrivalMs).toISOString(),
    approximateArrivalOfLastRecord: new Date(last.arrivalMs).toISOString(),
    batchSize: records.length,
    streamArn: target.sourceArn,
  };
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: target.functionArn,
      condition,
      approximateInvokeCount: attempts,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: "$LATEST",
      functionError: lastResult?.error ? "Unhandled" : "",
    },
    version: "1.0",
    timestamp: new Date().toISOString(),
    [target.kind === "kinesis" ? "KinesisBatchInfo" : "DDBStreamBatchInfo"]: batchInfo,
  };
}

export async function sendToOnFailure(target: OnFailureTarget, ...batch: GivenUpBatch): Promise<void> {
  const body = invocationRecord(target, ...batch);
  await target.client.send(new SendMessageCommand({ QueueUrl: target.queueUrl, MessageBody: JSON.stringify(body) }));
}
