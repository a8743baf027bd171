// DynamoDB, Kinesis, Firehose, OpenSearch, SQS, SNS, CloudWatch Logs and KMS cases.
import { r } from "../harness";
import { patch, type RuleCases } from "./types";

const table = {
  billingMode: "PAY_PER_REQUEST",
  hashKey: "pk",
  rangeKey: "sk",
  attributes: [
    { name: "pk", type: "S" },
    { name: "sk", type: "S" },
  ],
  pointInTimeRecovery: { enabled: true },
  serverSideEncryption: { enabled: true },
  deletionProtectionEnabled: true,
  streamEnabled: true,
  streamViewType: "NEW_AND_OLD_IMAGES",
};
const orders = (changes: Record<string, any> = {}) => [r("aws:dynamodb/table:Table", "orders", patch(table, changes))];

const stream = (changes: Record<string, any> = {}) => [
  r(
    "aws:kinesis/stream:Stream",
    "clicks",
    patch(
      {
        encryptionType: "KMS",
        kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1",
        streamModeDetails: { streamMode: "ON_DEMAND" },
      },
      changes,
    ),
  ),
];

const FH = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream";
const s3Destination = {
  bucketArn: "arn:aws:s3:::lake",
  roleArn: "arn:aws:iam::123456789012:role/fh",
  errorOutputPrefix: "errors/",
  cloudwatchLoggingOptions: { enabled: true, logGroupName: "/fh", logStreamName: "s3" },
};

const domain = {
  engineVersion: "OpenSearch_2.19",
  clusterConfig: {
    instanceType: "r6g.large.search",
    instanceCount: 3,
    zoneAwarenessEnabled: true,
    zoneAwarenessConfig: { availabilityZoneCount: 3 },
    dedicatedMasterEnabled: true,
    dedicatedMasterCount: 3,
    dedicatedMasterType: "m6g.large.search",
  },
  encryptAtRest: { enabled: true },
  nodeToNodeEncryption: { enabled: true },
  domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
  vpcOptions: { subnetIds: ["subnet-a", "subnet-b", "subnet-c"], securityGroupIds: ["sg-1"] },
  logPublishingOptions: ["SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS", "ES_APPLICATION_LOGS"].map((logType) => ({
    logType,
    cloudwatchLogGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/search",
  })),
  accessPolicies: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:role/indexer" },
        Action: ["es:ESHttpPost", "es:ESHttpPut"],
        Resource: "arn:aws:es:eu-west-1:123456789012:domain/search/*",
      },
    ],
  }),
};
const search = (changes: Record<string, any> = {}, protect = true) => [
  r("aws:opensearch/domain:Domain", "search", patch(domain, changes), { protect }),
];

const tlsDeny = (service: string, arn: string) => ({
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: `${service}:*`,
  Resource: arn,
  Condition: { Bool: { "aws:SecureTransport": "false" } },
});
const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const queueUrl = "https://sqs.eu-west-1.amazonaws.com/123456789012/dlq-1234";
const queueArn = "arn:aws:sqs:eu-west-1:123456789012:dlq-1234";
const dlq = (policy: object | null, more: ReturnType<typeof r>[] = []) => [
  r(
    "aws:sqs/queue:Queue",
    "dlq",
    { messageRetentionSeconds: 1209600, sqsManagedSseEnabled: true },
    { outputs: { url: queueUrl, arn: queueArn } },
  ),
  ...(policy ? [r("aws:sqs/queuePolicy:QueuePolicy", "dlq-tls-only", { queueUrl, policy: doc(policy) })] : []),
  ...more,
];
const topicArn = "arn:aws:sns:eu-west-1:123456789012:alarms-1234";
const topic = (policy: object[]) => [
  r(
    "aws:sns/topic:Topic",
    "alarms",
    { kmsMasterKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1" },
    { outputs: { arn: topicArn } },
  ),
  r(
    "aws:sns/topicPolicy:TopicPolicy",
    "alarms-policy",
    { arn: topicArn, policy: doc(...policy) },
    { deps: { arn: ["alarms"] } },
  ),
];
const cloudwatchPublish = {
  Sid: "CloudWatchPublish",
  Effect: "Allow",
  Principal: { Service: "cloudwatch.amazonaws.com" },
  Action: "sns:Publish",
  Resource: topicArn,
  Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
};
const keyPolicy = (...extra: object[]) =>
  doc(
    {
      Sid: "Root",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: "kms:*",
      Resource: "*",
    },
    ...extra,
  );

export const dataCases: RuleCases = {
  "dynamodb-point-in-time-recovery": {
    compliant: orders(),
    violating: orders({ pointInTimeRecovery: { enabled: false } }),
    expect: /Point-in-time recovery is off/,
  },
  "dynamodb-customer-managed-key": {
    compliant: orders(),
    violating: orders({ serverSideEncryption: undefined }),
    expect: /AWS owned key/,
  },

  "kinesis-encryption": {
    compliant: stream(),
    violating: stream({ encryptionType: "NONE", kmsKeyId: undefined }),
    expect: /Encryption type is NONE/,
  },
  "kinesis-customer-managed-key": {
    compliant: stream(),
    violating: stream({ kmsKeyId: "alias/aws/kinesis" }),
    expect: /AWS managed key alias\/aws\/kinesis/,
  },

  "firehose-encryption": {
    compliant: [
      r(FH, "lake", {
        destination: "extended_s3",
        extendedS3Configuration: s3Destination,
        serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" },
      }),
    ],
    violating: [r(FH, "lake", { destination: "extended_s3", extendedS3Configuration: s3Destination })],
    expect: /does not encrypt buffered records/,
  },

  "opensearch-encryption-at-rest": {
    compliant: search(),
    violating: search({ encryptAtRest: { enabled: false } }),
    expect: /Encryption at rest is off/,
  },
  "opensearch-node-to-node-encryption": {
    compliant: search(),
    violating: search({ nodeToNodeEncryption: { enabled: false } }),
    expect: /Node-to-node encryption is off/,
  },
  "opensearch-https-tls12": {
    compliant: search(),
    violating: search({ domainEndpointOptions: { tlsSecurityPolicy: "Policy-Min-TLS-1-0-2019-07" } }),
    expect: /Policy-Min-TLS-1-0-2019-07 allows versions older than 1.2/,
  },
  "opensearch-in-vpc": { compliant: search(), violating: search({ vpcOptions: undefined }), expect: /public endpoint/ },
  "opensearch-no-anonymous-access": {
    compliant: search(),
    violating: search({
      accessPolicies: doc({
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: "es:*",
        Resource: "arn:aws:es:eu-west-1:123456789012:domain/search/*",
      }),
    }),
    expect: /allows es:\* to anyone/,
  },
  "opensearch-slow-logs": {
    compliant: search(),
    violating: search({ logPublishingOptions: [] }),
    expect: /does not publish SEARCH_SLOW_LOGS, INDEX_SLOW_LOGS/,
  },
  "opensearch-high-availability": {
    stage: "prod",
    compliant: search(),
    violating: search({
      clusterConfig: {
        instanceCount: 1,
        zoneAwarenessEnabled: false,
        dedicatedMasterEnabled: false,
        dedicatedMasterCount: undefined,
      },
    }),
    expect: /three dedicated master nodes/,
  },

  "sqs-encryption": {
    compliant: dlq(tlsDeny("sqs", queueArn)),
    violating: [r("aws:sqs/queue:Queue", "dlq", { sqsManagedSseEnabled: false })],
    expect: /does not encrypt messages/,
  },
  "sqs-tls-only": {
    compliant: dlq(tlsDeny("sqs", queueArn)),
    violating: dlq(null),
    expect: /Queue dlq accepts requests without TLS/,
  },
  "sqs-dead-letter-queue": {
    compliant: dlq(tlsDeny("sqs", queueArn), [
      r(
        "aws:lambda/eventSourceMapping:EventSourceMapping",
        "indexer-orders",
        {
          eventSourceArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/1",
          destinationConfig: { onFailure: { destinationArn: queueArn } },
        },
        { deps: { destinationConfig: ["dlq"] } },
      ),
    ]),
    violating: dlq(tlsDeny("sqs", queueArn)),
    expect: /Queue dlq has no dead-letter queue and is no one's dead-letter queue/,
  },

  "sns-encryption": {
    compliant: topic([cloudwatchPublish]),
    violating: [r("aws:sns/topic:Topic", "alarms", {})],
    expect: /does not encrypt messages/,
  },
  "sns-tls-only": {
    compliant: topic([cloudwatchPublish, { ...tlsDeny("sns", topicArn), Action: "sns:Publish" }]),
    violating: topic([cloudwatchPublish]),
    expect: /Topic alarms accepts publishing without TLS/,
  },

  "logs-retention": {
    stage: "prod",
    compliant: [r("aws:cloudwatch/logGroup:LogGroup", "api-access-logs", { retentionInDays: 365 })],
    violating: [r("aws:cloudwatch/logGroup:LogGroup", "api-access-logs", { retentionInDays: 14 })],
    expect: /Retention is 14 days; production keeps logs at least 365 days/,
  },
  "logs-kms-encryption": {
    compliant: [
      r("aws:cloudwatch/logGroup:LogGroup", "api-access-logs", {
        retentionInDays: 14,
        kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1",
      }),
    ],
    violating: [r("aws:cloudwatch/logGroup:LogGroup", "api-access-logs", { retentionInDays: 14 })],
    expect: /default encryption/,
  },

  "kms-key-rotation": {
    compliant: [r("aws:kms/key:Key", "data", { enableKeyRotation: true, policy: keyPolicy() })],
    violating: [r("aws:kms/key:Key", "data", { policy: keyPolicy() })],
    expect: /Key rotation is off/,
  },
  "kms-no-public-key-policy": {
    compliant: [
      r("aws:kms/key:Key", "data", {
        enableKeyRotation: true,
        policy: keyPolicy({
          Sid: "Account",
          Effect: "Allow",
          Principal: "*",
          Action: ["kms:Decrypt"],
          Resource: "*",
          Condition: {
            StringEquals: { "kms:CallerAccount": "123456789012", "kms:ViaService": "sqs.eu-west-1.amazonaws.com" },
          },
        }),
      }),
    ],
    violating: [
      r("aws:kms/key:Key", "data", {
        enableKeyRotation: true,
        policy: keyPolicy({
          Sid: "Anyone",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: ["kms:Decrypt"],
          Resource: "*",
        }),
      }),
    ],
    expect: /allows kms:Decrypt to any principal/,
  },
};
