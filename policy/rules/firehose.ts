// Firehose delivery streams: encryption of buffered records.
import { resourceRule } from "../lib/define";
import { present } from "../lib/props";
import type { PackPolicy } from "../lib/types";

const deliveryStream = ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"];

export const firehoseRules: PackPolicy[] = [
  resourceRule({
    name: "firehose-encryption",
    service: "firehose",
    maps: "AwsSolutions-KDF1 / CKV_AWS_240 / CKV_AWS_241",
    level: "mandatory",
    description:
      "Direct-put delivery streams encrypt buffered records (a stream reading from Kinesis inherits the source stream's encryption); S3 destinations name a KMS key or rely on the bucket's default encryption.",
    remediation:
      'Set serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" or "CUSTOMER_MANAGED_CMK" }, or read from an encrypted Kinesis stream (kinesisSourceConfiguration).',
    types: deliveryStream,
    validate: (props, _args, report) => {
      const fromKinesis = present(() => props.kinesisSourceConfiguration?.kinesisStreamArn);
      if (!fromKinesis && props.serverSideEncryption?.enabled !== true)
        report("The direct-put delivery stream does not encrypt buffered records.");
    },
  }),
];
