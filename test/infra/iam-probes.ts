// Over-grant probes: for every role, a universe of calls on the program's own resources (and a
// few sensitive ones) that a role could be granted by mistake. Each probe the role does not
// need (it is not among its required calls) must be DENIED: least privilege, checked by the
// simulator with the same policies and context as the required calls.
import { lambdaLogStream, prefixRoot, sampleEni, sampleObject } from "./iam-calls";
import type { IamRequest, ProgramIam, RoleModel } from "./iam-model";

/** Paths on a domain besides the recorded ones: the security API, documents, cluster settings. */
export const sensitiveSearchPaths = [
  "/",
  "/_plugins/_security/api/rolesmapping/all_access",
  "/_plugins/_security/api/internalusers/probe",
  "/_plugins/_security/api/roles/probe",
  "/orders/_doc/probe",
  "/orders/_delete_by_query",
  "/orders/_search",
  "/_bulk",
  "/_all/_search",
  "/_cluster/settings",
  "/_snapshot/probe",
];
const searchMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"];
const tableActions = [
  "GetItem",
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "Query",
  "Scan",
  "BatchGetItem",
  "BatchWriteItem",
  "ConditionCheckItem",
];

/** Roles whose grant AWS decides (reason given): probes are not run for them. */
export const probeExemptions: Record<string, string> = {
  "api-cloudwatch-role":
    "API Gateway's CloudWatch role is one per account and region, shared by every REST API there; AWS documents AmazonAPIGatewayPushToCloudWatchLogs for it, and a role scoped to this API's log groups would break the others",
};

/** Every probe for `role`: same context and policies as a real call of that role would have. */
export function probes(program: ProgramIam, role: RoleModel, searchPaths: string[]): IamRequest[] {
  const base = program.baseContext(role);
  const fn = program.functions.find((f) => f.role.arn === role.arn);
  const probe = (action: string, resource: string, extra: Partial<IamRequest> = {}): IamRequest => ({
    role: role.name,
    roleArn: role.arn,
    action,
    resource,
    why: "over-grant probe",
    ...extra,
    context: { ...base, ...(extra.context ?? {}) },
  });
  const vpc = (service: string) => (fn?.inVpc && program.vpcEndpoint(service) ? program.throughVpc(service, fn) : {});
  const arn = (service: string, resource: string, account = program.accountId) =>
    `arn:${program.partition}:${service}:${program.region}:${account}:${resource}`;
  const out: IamRequest[] = [];

  for (const group of program.ofType("aws:cloudwatch/logGroup:LogGroup")) {
    for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"])
      out.push(probe(action, `${group.state.arn}:log-stream:${lambdaLogStream}`));
  }
  out.push(probe("logs:CreateLogGroup", arn("logs", "log-group:probe")));
  out.push(probe("logs:PutLogEvents", arn("logs", `log-group:/aws/lambda/probe:log-stream:${lambdaLogStream}`)));

  for (const table of program.ofType("aws:dynamodb/table:Table")) {
    for (const action of tableActions) out.push(probe(`dynamodb:${action}`, table.state.arn, vpc("dynamodb")));
    for (const index of table.inputs.globalSecondaryIndexes ?? []) {
      for (const action of ["Query", "Scan"])
        out.push(probe(`dynamodb:${action}`, `${table.state.arn}/index/${index.name}`, vpc("dynamodb")));
    }
    if (table.state.streamArn) {
      for (const action of ["DescribeStream", "GetRecords", "GetShardIterator"])
        out.push(probe(`dynamodb:${action}`, table.state.streamArn));
    }
  }
  out.push(probe("dynamodb:GetRecords", arn("dynamodb", "table/not-this-stacks/stream/2026-01-01T00:00:00.000")));

  for (const domain of program.ofType("aws:opensearch/domain:Domain")) {
    const resourcePolicy = program.domainPolicy(domain);
    for (const path of new Set([...searchPaths, ...sensitiveSearchPaths])) {
      for (const method of searchMethods) {
        out.push(
          probe(`es:ESHttp${method.charAt(0)}${method.slice(1).toLowerCase()}`, `${domain.state.arn}${path}`, {
            resourcePolicy,
          }),
        );
      }
    }
  }

  for (const bucket of program.ofType("aws:s3/bucket:Bucket")) {
    const resourcePolicy = program.bucketPolicy(bucket);
    for (const prefix of ["events/", "errors/", "quarantine/", "probe/"]) {
      for (const action of ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]) {
        out.push(
          probe(action, `${bucket.state.arn}/${prefixRoot(prefix)}${sampleObject}`, { resourcePolicy, ...vpc("s3") }),
        );
      }
    }
    for (const action of ["s3:ListBucket", "s3:PutBucketPolicy", "s3:DeleteBucket"])
      out.push(probe(action, bucket.state.arn, { resourcePolicy }));
  }

  for (const queue of program.ofType("aws:sqs/queue:Queue")) {
    const resourcePolicy = program.queuePolicy(queue);
    for (const action of ["SendMessage", "ReceiveMessage", "DeleteMessage", "PurgeQueue"])
      out.push(probe(`sqs:${action}`, queue.state.arn, { resourcePolicy }));
  }

  for (const stream of program.ofType("aws:kinesis/stream:Stream")) {
    for (const action of [
      "PutRecords",
      "PutRecord",
      "GetRecords",
      "GetShardIterator",
      "DescribeStream",
      "DeleteStream",
    ])
      out.push(probe(`kinesis:${action}`, stream.state.arn));
  }
  for (const delivery of program.ofType("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")) {
    for (const action of ["PutRecordBatch", "PutRecord", "DeleteDeliveryStream"])
      out.push(probe(`firehose:${action}`, delivery.state.arn));
  }

  // A key used directly (not through the service it is meant for): always refused.
  for (const key of program.ofType("aws:kms/key:Key")) {
    const resourcePolicy = program.keyPolicy(key.state.arn);
    for (const action of [
      "kms:Decrypt",
      "kms:Encrypt",
      "kms:GenerateDataKey",
      "kms:CreateGrant",
      "kms:PutKeyPolicy",
      "kms:ScheduleKeyDeletion",
    ]) {
      out.push(probe(action, key.state.arn, { resourcePolicy, context: { "kms:CallerAccount": program.accountId } }));
    }
  }

  out.push(probe("ec2:CreateNetworkInterface", arn("ec2", `network-interface/${sampleEni}`, "210987654321")));
  out.push(probe("ec2:DeleteNetworkInterface", arn("ec2", `network-interface/${sampleEni}`, "210987654321")));
  out.push(probe("ec2:RunInstances", arn("ec2", "instance/*")));
  for (const action of ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"])
    out.push(probe(action, arn("ec2", `network-interface/${sampleEni}`)));
  out.push(probe("ec2:DescribeNetworkInterfaces", "*"));
  out.push(probe("xray:PutTraceSegments", "*"));
  out.push(probe("personalize:PutEvents", "*"));
  // Athena: every workgroup action beyond the queries a role runs, and any other workgroup.
  for (const workgroup of [...program.ofType("aws:athena/workgroup:Workgroup").map((w) => w.state.name), "primary"]) {
    for (const action of [
      "StartQueryExecution",
      "StopQueryExecution",
      "GetQueryExecution",
      "GetQueryResults",
      "ListQueryExecutions",
      "GetNamedQuery",
      "CreateNamedQuery",
      "DeleteNamedQuery",
      "GetWorkGroup",
      "UpdateWorkGroup",
      "DeleteWorkGroup",
    ])
      out.push(probe(`athena:${action}`, arn("athena", `workgroup/${workgroup}`)));
  }
  for (const action of ["glue:GetTable", "glue:DeleteTable", "glue:UpdateTable", "glue:CreateTable"])
    out.push(probe(action, arn("glue", "table/probe/probe")));

  // Recommendations from a campaign this stack was not configured with. (IAM's reference lists only
  // the campaign resource type for GetRecommendations: the simulator cannot evaluate a recommender.)
  out.push(probe("personalize:GetRecommendations", arn("personalize", "campaign/probe")));
  out.push(probe("iam:PassRole", `arn:${program.partition}:iam::${program.accountId}:role/probe`));
  out.push(probe("sts:AssumeRole", `arn:${program.partition}:iam::${program.accountId}:role/probe`));
  return out;
}
