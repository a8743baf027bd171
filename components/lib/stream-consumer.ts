// Connects a BundledFunction to a Kinesis stream or a DynamoDB stream with the settings that
// keep a shard moving without losing records: the handler reports the failed items, a failing
// batch is bisected to isolate the poison record, retries and record age are bounded, and what
// is finally given up on is described in an encrypted dead-letter queue.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DeadLetterQueue } from "./dead-letter-queue";
import type { BundledFunction } from "./function";
import { policyDocument, type PolicyStatement } from "./iam";

export interface StreamConsumerArgs {
  function: BundledFunction;
  source:
    | { kind: "kinesis"; streamArn: pulumi.Input<string>; kmsKeyArn?: pulumi.Input<string> }
    | { kind: "dynamodb"; streamArn: pulumi.Input<string> };
  deadLetterQueue: DeadLetterQueue;
  batchSize: number;
  batchWindowSeconds: number;
  parallelization?: number;
  maxRetryAttempts: number;
  maxRecordAgeSeconds: number;
  /** What must be in place before records flow (e.g. the consumer's access downstream). */
  startAfter?: pulumi.Resource[];
}

/** What the event source mapping needs to read each kind of stream. */
function readPermissions(source: StreamConsumerArgs["source"]): PolicyStatement[] {
  if (source.kind === "dynamodb") {
    return [
      {
        Sid: "ReadTableStream",
        Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
        Resource: source.streamArn,
      },
      // ListStreams has no resource type: IAM authorizes it only on "*" (it lists stream ARNs, no records).
      { Sid: "ListTableStreams", Action: "dynamodb:ListStreams", Resource: "*" },
    ];
  }
  const statements: PolicyStatement[] = [
    {
      Sid: "ReadStream",
      Action: [
        "kinesis:DescribeStream",
        "kinesis:DescribeStreamSummary",
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
        "kinesis:ListShards",
      ],
      Resource: source.streamArn,
    },
  ];
  if (source.kmsKeyArn) statements.push({ Sid: "DecryptStream", Action: "kms:Decrypt", Resource: source.kmsKeyArn });
  return statements;
}

export class StreamConsumer extends pulumi.ComponentResource {
  public readonly mapping: aws.lambda.EventSourceMapping;

  constructor(name: string, args: StreamConsumerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:lib:StreamConsumer", name, {}, opts);
    const permissions = new aws.iam.RolePolicy(
      `${name}-read`,
      {
        role: args.function.role.id,
        policy: policyDocument([
          ...readPermissions(args.source),
          // The event source mapping sends failed-batch records with the function's role.
          { Sid: "SendToDeadLetterQueue", Action: "sqs:SendMessage", Resource: args.deadLetterQueue.arn },
        ]),
      },
      { parent: this },
    );

    this.mapping = new aws.lambda.EventSourceMapping(
      name,
      {
        functionName: args.function.arn,
        eventSourceArn: args.source.streamArn,
        // Start from the oldest record so nothing written before the first deploy is skipped.
        startingPosition: "TRIM_HORIZON",
        batchSize: args.batchSize,
        maximumBatchingWindowInSeconds: args.batchWindowSeconds,
        parallelizationFactor: args.parallelization ?? 1,
        functionResponseTypes: ["ReportBatchItemFailures"],
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: args.maxRetryAttempts,
        maximumRecordAgeInSeconds: args.maxRecordAgeSeconds,
        destinationConfig: { onFailure: { destinationArn: args.deadLetterQueue.arn } },
        metricsConfig: { metrics: ["EventCount"] },
      },
      { parent: this, dependsOn: [permissions, ...(args.startAfter ?? [])] },
    );
    this.registerOutputs({ uuid: this.mapping.uuid });
  }
}
