// Every rule of the pack, in one list. Kept apart from index.ts (constructing a PolicyPack
// starts the analyzer server) so tests and the reporter can import the rules.
import type { PackPolicy } from "./lib/types";
import { apigatewayRules } from "./rules/apigateway";
import { athenaRules } from "./rules/athena";
import { cloudfrontRules } from "./rules/cloudfront";
import { cognitoRules } from "./rules/cognito";
import { dynamodbRules } from "./rules/dynamodb";
import { firehoseRules } from "./rules/firehose";
import { glueRules } from "./rules/glue";
import { iamRules } from "./rules/iam";
import { kinesisRules } from "./rules/kinesis";
import { kmsRules } from "./rules/kms";
import { lambdaRules } from "./rules/lambda";
import { logsRules } from "./rules/logs";
import { opensearchRules } from "./rules/opensearch";
import { reliabilityRules } from "./rules/reliability";
import { s3Rules } from "./rules/s3";
import { snsRules } from "./rules/sns";
import { sqsRules } from "./rules/sqs";
import { tagRules } from "./rules/tags";

export const policies: PackPolicy[] = [
  ...s3Rules,
  ...cloudfrontRules,
  ...cognitoRules,
  ...apigatewayRules,
  ...lambdaRules,
  ...iamRules,
  ...dynamodbRules,
  ...kinesisRules,
  ...firehoseRules,
  ...opensearchRules,
  ...sqsRules,
  ...snsRules,
  ...logsRules,
  ...kmsRules,
  ...tagRules,
  ...glueRules,
  ...athenaRules,
  ...reliabilityRules,
];

export const packName = "ecommerce-guardrails";
