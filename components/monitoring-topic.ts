// The alarm topic of one region: an SNS topic encrypted with its own customer managed key
// (CloudWatch cannot publish to a topic under the AWS managed aws/sns key, whose policy cannot
// be changed), publishable only by this account's CloudWatch alarms and only over TLS, with
// the operators' e-mail addresses subscribed.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountAdministersKey, policyDocument } from "./lib/iam";

export interface AlarmTopicArgs {
  /** The region of the topic and of the alarms that publish to it. */
  region: string;
  /** Set when `region` is not the provider's (the resources then carry it explicitly). */
  explicitRegion: boolean;
  emails: string[];
  accountId: pulumi.Input<string>;
  partition: pulumi.Input<string>;
}

/** The ARN pattern of every CloudWatch alarm of this account in `region`. */
export function alarmArnPattern(
  partition: pulumi.Input<string>,
  region: string,
  accountId: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.interpolate`arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*`;
}

/**
 * The key policy: the account administers the key; CloudWatch may use it only for alarms of
 * this account in this region; principals of this account may use it only through SNS here
 * (to publish a test notification), and still need sns:Publish in their own IAM policy.
 */
export function alarmKeyPolicy(
  region: string,
  accountId: pulumi.Input<string>,
  partition: pulumi.Input<string>,
): pulumi.Output<string> {
  const account = { AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root` };
  return policyDocument([
    accountAdministersKey(accountId, partition),
    {
      Sid: "CloudWatchAlarmsEncryptNotifications",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceAccount": accountId },
        ArnLike: { "aws:SourceArn": alarmArnPattern(partition, region, accountId) },
      },
    },
    {
      Sid: "AccountPublishesThroughSns",
      Principal: account,
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: { StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": `sns.${region}.amazonaws.com` } },
    },
  ]);
}

/** The topic policy: this account's alarms in this region may publish; nobody without TLS. */
export function alarmTopicPolicy(
  topicArn: pulumi.Input<string>,
  region: string,
  accountId: pulumi.Input<string>,
  partition: pulumi.Input<string>,
): pulumi.Output<string> {
  return policyDocument([
    {
      Sid: "CloudWatchAlarmsPublish",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: {
        StringEquals: { "aws:SourceAccount": accountId },
        ArnLike: { "aws:SourceArn": alarmArnPattern(partition, region, accountId) },
      },
    },
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ]);
}

/** E-mail addresses become resource names: keep letters, digits and hyphens. */
const emailSlug = (email: string) => email.toLowerCase().replace(/[^a-z0-9]+/g, "-");

export class AlarmTopic extends pulumi.ComponentResource {
  public readonly key: aws.kms.Key;
  public readonly topic: aws.sns.Topic;
  public readonly arn: pulumi.Output<string>;
  public readonly region: string;
  public readonly subscriptions: aws.sns.TopicSubscription[];

  constructor(name: string, args: AlarmTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecommerce:monitoring:AlarmTopic", name, {}, opts);
    this.region = args.region;
    const region = args.explicitRegion ? { region: args.region } : {};

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        ...region,
        description: `Encrypts the alarm notifications of the ${args.region} alarm topic`,
        enableKeyRotation: true,
        // Holds no data at rest (notifications are delivered within seconds): shortest window.
        deletionWindowInDays: 7,
        policy: alarmKeyPolicy(args.region, args.accountId, args.partition),
      },
      { parent: this },
    );

    this.topic = new aws.sns.Topic(
      name,
      {
        ...region,
        displayName: "Platform alarms",
        kmsMasterKeyId: this.key.arn,
      },
      { parent: this },
    );
    this.arn = this.topic.arn;

    new aws.sns.TopicPolicy(
      `${name}-policy`,
      {
        ...region,
        arn: this.topic.arn,
        policy: alarmTopicPolicy(this.topic.arn, args.region, args.accountId, args.partition),
      },
      { parent: this },
    );

    // Each address receives a confirmation e-mail; notifications start once it is confirmed.
    this.subscriptions = [...new Set(args.emails.map((e) => e.toLowerCase()))].map(
      (email) =>
        new aws.sns.TopicSubscription(
          `${name}-${emailSlug(email)}`,
          {
            ...region,
            topic: this.topic.arn,
            protocol: "email",
            endpoint: email,
          },
          { parent: this },
        ),
    );

    this.registerOutputs({ arn: this.arn, keyArn: this.key.arn });
  }
}
