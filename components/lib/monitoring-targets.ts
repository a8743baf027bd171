// What a component hands the Monitoring component: every moving part that can fail, by kind.
// Each component exposes `monitoring: MonitoringTargets`; Monitoring derives its alarms and
// dashboard from them, so a new function, queue, stream, table or domain is alarmed once it is
// listed here. Each field is a kind in components/monitoring-registry.ts (a new field needs one).
import type * as aws from "@pulumi/aws";
import type { BundledFunction } from "./function";
import type { DeadLetterQueue } from "./dead-letter-queue";

export interface MonitoringTargets {
  functions?: BundledFunction[];
  /** Functions fed by an event source mapping on a Kinesis or DynamoDB stream: they also get an
   * IteratorAge alarm (how far behind the stream they read). Listing one here is enough; it
   * need not be repeated in `functions`. */
  streamConsumers?: BundledFunction[];
  deadLetterQueues?: DeadLetterQueue[];
  streams?: aws.kinesis.Stream[];
  deliveryStreams?: aws.kinesis.FirehoseDeliveryStream[];
  tables?: aws.dynamodb.Table[];
  searchDomains?: aws.opensearch.Domain[];
  /** REST APIs: the RestApi name and stage name identify their metrics. */
  restApis?: { restApi: aws.apigateway.RestApi; stage: aws.apigateway.Stage }[];
  distributions?: aws.cloudfront.Distribution[];
}
