// An encrypted SQS queue that keeps what could not be processed for the longest time SQS
// allows (14 days), refusing any request not made over TLS. SQS queues have no description:
// the `purpose` tag names what the queue holds as a slug (AWS's tag character set), the
// README says it in prose.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { tagProblem } from "./aws-tags";
import { policyDocument } from "./iam";

export const deadLetterRetentionSeconds = 14 * 24 * 60 * 60;

export class DeadLetterQueue extends pulumi.ComponentResource {
  public readonly queue: aws.sqs.Queue;
  public readonly arn: pulumi.Output<string>;
  public readonly url: pulumi.Output<string>;

  /** `purpose`: a slug such as "clickstream-processor-failures" (tag values refuse prose). */
  constructor(name: string, args: { purpose: string }, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:lib:DeadLetterQueue", name, {}, opts);
    const problem = tagProblem("purpose", args.purpose);
    if (problem)
      throw new Error(
        `DeadLetterQueue ${name}: purpose ${JSON.stringify(args.purpose)} is not a valid tag value: ${problem}`,
      );
    this.queue = new aws.sqs.Queue(
      name,
      {
        messageRetentionSeconds: deadLetterRetentionSeconds,
        sqsManagedSseEnabled: true,
        tags: { purpose: args.purpose },
      },
      { parent: this },
    );
    new aws.sqs.QueuePolicy(
      `${name}-tls-only`,
      {
        queueUrl: this.queue.url,
        policy: policyDocument([
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "sqs:*",
            Resource: this.queue.arn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ]),
      },
      { parent: this },
    );
    this.arn = this.queue.arn;
    this.url = this.queue.url;
    this.registerOutputs({ arn: this.arn, url: this.url });
  }
}
