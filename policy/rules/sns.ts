// SNS topics: encryption with a KMS key and TLS-only publishing.
import type { PolicyResource } from "@pulumi/policy";
import { resourceRule, stackRule } from "../lib/define";
import { acceptingInsecureTransport } from "../lib/iam";
import { peek, present } from "../lib/props";
import type { PackPolicy } from "../lib/types";

const topicType = "aws:sns/topic:Topic";

export const snsRules: PackPolicy[] = [
  resourceRule({
    name: "sns-encryption",
    service: "sns",
    maps: "AwsSolutions-SNS2 / CKV_AWS_26",
    level: "mandatory",
    description:
      "Topics encrypt messages with KMS. CloudWatch alarms can only publish to a topic whose customer managed key lets cloudwatch.amazonaws.com use it.",
    remediation:
      "Set kmsMasterKeyId to a customer managed key whose policy allows cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* (with aws:SourceAccount).",
    types: [topicType],
    validate: (props, _args, report) => {
      if (!present(() => props.kmsMasterKeyId)) report("The topic does not encrypt messages.");
    },
  }),
  stackRule({
    name: "sns-tls-only",
    service: "sns",
    maps: "AwsSolutions-SNS3",
    level: "mandatory",
    description: "Topic policies deny publishing not made over TLS.",
    remediation:
      "Add an aws.sns.TopicPolicy with a Deny of sns:Publish (or sns:*) for Principal * when aws:SecureTransport is false, next to the statements letting CloudWatch publish.",
    validate: (resources, _args, report) => {
      const identities = (t: PolicyResource) => [peek(() => t.props.arn), peek(() => t.props.id)];
      for (const topic of acceptingInsecureTransport(
        resources,
        topicType,
        "aws:sns/topicPolicy:TopicPolicy",
        "arn",
        identities,
        ["sns:*", "sns:Publish"],
      )) {
        report(topic, `Topic ${topic.name} accepts publishing without TLS.`);
      }
    },
  }),
];
