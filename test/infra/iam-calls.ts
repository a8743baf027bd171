// Every AWS call made with a role of the program, as IamRequests:
// - what the handlers call: recorded by the handler tests (testing/aws-calls.ts),
//   resolved against each function's environment in this program run;
// - what AWS services call with the role, as their documentation says, derived from the
//   resources that name the role (Lambda: logs, X-Ray, VPC ENIs, event source mappings and
//   their on-failure destination; Firehose: the S3 destination, its key and its log stream;
//   API Gateway: integration credentials and the account's CloudWatch role);
// - the KMS calls a service makes on the caller's behalf for an encrypted target (S3 SSE-KMS,
//   a KMS-encrypted Kinesis stream), with the context keys KMS receives.
import type { HandlerName, RecordedCalls } from "../../testing/aws-calls";
import type { FunctionModel, IamRequest, ProgramIam, RoleModel } from "./iam-model";

/** The log stream Lambda writes to, as named in requests and probes alike. */
export const lambdaLogStream = "2026/01/01/[$LATEST]0123456789abcdef";
/** An object key under a prefix, for requests and probes alike. */
export const sampleObject = "recorded-object";
export const sampleEni = "eni-0123456789abcdef0";

/** Folder of an S3 prefix as IAM sees writes to it: Firehose's `events/dt=!{...}/` writes under `events/`. */
export const prefixRoot = (prefix: string) => `${prefix.split(/!\{/)[0].split("/")[0]}/`;

export interface RequiredCalls {
  requests: IamRequest[];
  /** Recorded calls this stack never makes (a variable it does not set, e.g. Personalize disabled). */
  skipped: string[];
}

function request(
  program: ProgramIam,
  role: RoleModel,
  action: string,
  resource: string,
  why: string,
  extra: Partial<IamRequest> = {},
): IamRequest {
  return {
    role: role.name,
    roleArn: role.arn,
    action,
    resource,
    why,
    ...extra,
    context: { ...program.baseContext(role), ...(extra.context ?? {}) },
  };
}

/** KMS on the caller's behalf: the service's name in kms:ViaService, the caller's account, the encryption context. */
function kmsViaService(
  program: ProgramIam,
  role: RoleModel,
  action: string,
  keyArn: string,
  service: string,
  encryptionContext: Record<string, string>,
  why: string,
): IamRequest {
  return request(program, role, action, keyArn, why, {
    resourcePolicy: program.keyPolicy(keyArn),
    context: {
      "kms:ViaService": `${service}.${program.region}.amazonaws.com`,
      "kms:CallerAccount": program.accountId,
      "aws:ViaAWSService": "true",
      ...Object.fromEntries(Object.entries(encryptionContext).map(([k, v]) => [`kms:EncryptionContext:${k}`, v])),
    },
  });
}

/** S3 puts into an SSE-KMS bucket make S3 ask KMS for a data key with the caller's permissions. */
function s3ObjectWrite(
  program: ProgramIam,
  role: RoleModel,
  action: string,
  bucketArn: string,
  key: string,
  why: string,
  fn?: FunctionModel,
): IamRequest[] {
  const bucket = program.bucketByArn(bucketArn);
  const objectArn = `${bucketArn}/${key}`;
  const requests = [
    request(program, role, action, objectArn, why, {
      resourcePolicy: program.bucketPolicy(bucket),
      ...(fn?.inVpc ? program.throughVpc("s3", fn) : {}),
    }),
  ];
  const kms = program.bucketKms(bucket);
  if (kms && action === "s3:PutObject") {
    // With S3 Bucket Keys the encryption context is the bucket's ARN, else the object's.
    const context = { "aws:s3:arn": kms.bucketKey ? bucketArn : objectArn };
    requests.push(
      kmsViaService(program, role, "kms:GenerateDataKey", kms.keyArn, "s3", context, `${why} (SSE-KMS data key)`),
    );
  }
  return requests;
}

const sdkActions: Record<string, string> = {
  "TransactWriteItems.Put": "PutItem",
  "TransactWriteItems.Update": "UpdateItem",
  "TransactWriteItems.Delete": "DeleteItem",
  "TransactWriteItems.ConditionCheck": "ConditionCheckItem",
  "TransactGetItems.Get": "GetItem",
};
const iamService: Record<string, string> = {
  "personalize-events": "personalize",
  "personalize-runtime": "personalize",
};

/** One recorded call of `fn`'s handler as the IAM requests it needs. */
function recordedCallRequests(
  program: ProgramIam,
  fn: FunctionModel,
  call: string,
  why: string,
  domainEndpoint: string | undefined,
): IamRequest[] {
  const [operation, resource] = call.split(" ");
  const [service, op] = operation.split(":");
  const role = fn.role;
  if (service === "es") {
    if (!domainEndpoint) throw new Error(`${fn.name} calls OpenSearch (${call}) but is given no domain endpoint`);
    const domain = program.domainByEndpoint(domainEndpoint);
    const method = op.charAt(0) + op.slice(1).toLowerCase();
    return [
      request(program, role, `es:ESHttp${method}`, `${domain.state.arn}${resource}`, why, {
        resourcePolicy: program.domainPolicy(domain),
      }),
    ];
  }
  const action = `${iamService[service] ?? service}:${sdkActions[op] ?? op}`;
  const vpc = fn.inVpc ? program.throughVpc(service, fn) : {};
  switch (service) {
    case "dynamodb": {
      const [, table, ...index] = resource.split("/");
      const arn = [program.tableArn(table), ...index].join("/");
      return [request(program, role, action, arn, why, vpc)];
    }
    case "s3": {
      const [bucket, ...key] = resource.split("/");
      return s3ObjectWrite(
        program,
        role,
        action,
        program.bucket(bucket).state.arn,
        key.join("/").replace(/\*$/, sampleObject),
        why,
        fn,
      );
    }
    case "firehose":
      return [request(program, role, action, program.deliveryStreamByName(resource.split("/")[1]).state.arn, why, vpc)];
    case "personalize-events":
      // PutEvents has no resource type: IAM authorizes it on "*" (the tracking id is no ARN).
      return [request(program, role, action, "*", why, vpc)];
    case "personalize-runtime":
      // GetRecommendations is authorized on the campaign or recommender it names.
      return [request(program, role, action, resource, why, vpc)];
    case "athena":
      // Every Athena call is authorized on the workgroup ("workgroup/<name>").
      return [
        request(
          program,
          role,
          action,
          `arn:${program.partition}:athena:${program.region}:${program.accountId}:${resource}`,
          why,
          vpc,
        ),
      ];
    case "sqs": {
      const queue = program.queueByUrl(resource);
      return [
        request(program, role, action, queue.state.arn, why, { ...vpc, resourcePolicy: program.queuePolicy(queue) }),
      ];
    }
    default:
      throw new Error(`no IAM mapping for recorded call ${call}: add ${service} to test/infra/iam-calls.ts`);
  }
}

/** The recorded calls of every handler, resolved against its function's environment. */
export function handlerCalls(program: ProgramIam, recorded: RecordedCalls): RequiredCalls {
  const requests: IamRequest[] = [];
  const skipped: string[] = [];
  const byHandler = new Map<HandlerName, Map<string, string[]>>();
  for (const [file, handlers] of Object.entries(recorded)) {
    for (const [handler, calls] of Object.entries(handlers) as [HandlerName, string[]][]) {
      const map = byHandler.get(handler) ?? new Map<string, string[]>();
      byHandler.set(handler, map);
      for (const call of calls) map.set(call, [...(map.get(call) ?? []), file]);
    }
  }
  for (const [handler, calls] of byHandler) {
    const functions = program.functions.filter((f) => f.environment.POWERTOOLS_SERVICE_NAME === handler);
    if (functions.length === 0)
      throw new Error(`no function of the program runs the ${handler} handler (POWERTOOLS_SERVICE_NAME)`);
    for (const fn of functions) {
      const invocationInput = program
        .ofType("aws:lambda/invocation:Invocation")
        .filter((i) => i.inputs.functionName === fn.resource.state.name)
        .map((i) => JSON.parse(i.inputs.input));
      const endpoint = fn.environment.OPENSEARCH_ENDPOINT ?? invocationInput[0]?.endpoint;
      for (const [call, files] of calls) {
        const missing: string[] = [];
        const resolved = call.replace(/\$\{(\w+)\}/g, (_, name: string) => {
          if (fn.environment[name] === undefined) missing.push(name);
          return fn.environment[name] ?? "";
        });
        if (missing.length) {
          skipped.push(`${handler}: ${call} (${missing.join(", ")} not set)`);
          continue;
        }
        requests.push(
          ...recordedCallRequests(
            program,
            fn,
            resolved,
            `${handler} ${call} (recorded in ${files.join(", ")})`,
            endpoint,
          ),
        );
      }
    }
  }
  return { requests, skipped };
}

/** What Lambda does with every function's role: logs, X-Ray, and ENIs for VPC functions. */
function lambdaServiceCalls(program: ProgramIam, fn: FunctionModel): IamRequest[] {
  const why = (what: string) => `Lambda ${what} for ${fn.name}`;
  const role = fn.role;
  const logGroupName = fn.resource.inputs.loggingConfig?.logGroup ?? `/aws/lambda/${fn.resource.state.name}`;
  const logGroup = program.logGroupByName(logGroupName);
  const stream = `${logGroup.state.arn}:log-stream:${lambdaLogStream}`;
  const requests = [
    request(program, role, "logs:CreateLogStream", stream, why("creates its log stream")),
    request(program, role, "logs:PutLogEvents", stream, why("writes its logs")),
  ];
  if (fn.resource.inputs.tracingConfig?.mode === "Active") {
    requests.push(request(program, role, "xray:PutTraceSegments", "*", why("uploads traces (active tracing)")));
    requests.push(request(program, role, "xray:PutTelemetryRecords", "*", why("uploads tracing telemetry")));
  }
  if (fn.inVpc) {
    // Lambda's VPC guide: Create/Describe/Delete network interfaces, Assign/Unassign private
    // IPs; the Describe calls work only on "*".
    const ec2 = (type: string, id: string) =>
      `arn:${program.partition}:ec2:${program.region}:${program.accountId}:${type}/${id}`;
    const eni = ec2("network-interface", sampleEni);
    for (const subnet of fn.resource.inputs.vpcConfig.subnetIds as string[]) {
      requests.push(
        request(program, role, "ec2:CreateNetworkInterface", ec2("subnet", subnet), why("creates its ENI in a subnet")),
      );
    }
    for (const group of fn.resource.inputs.vpcConfig.securityGroupIds as string[]) {
      requests.push(
        request(
          program,
          role,
          "ec2:CreateNetworkInterface",
          ec2("security-group", group),
          why("creates its ENI with its security group"),
        ),
      );
    }
    requests.push(request(program, role, "ec2:CreateNetworkInterface", eni, why("creates its ENI")));
    for (const action of [
      "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ]) {
      requests.push(request(program, role, action, eni, why("manages its ENI")));
    }
    for (const action of ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"])
      requests.push(request(program, role, action, "*", why("looks up its ENIs")));
  }
  return requests;
}

/** An event source mapping reads the stream and sends failed batches with the function's role. */
function eventSourceMappingCalls(
  program: ProgramIam,
  mapping: { inputs: Record<string, any>; name: string },
): IamRequest[] {
  const fn = program.functions.find(
    (f) => f.arn === mapping.inputs.functionName || f.resource.state.name === mapping.inputs.functionName,
  );
  if (!fn) throw new Error(`event source mapping ${mapping.name} names no function of the program`);
  const role = fn.role;
  const source: string = mapping.inputs.eventSourceArn;
  const why = (what: string) => `Lambda event source mapping ${mapping.name} ${what}`;
  const requests: IamRequest[] = [];
  if (source.includes(":kinesis:")) {
    // Lambda's Kinesis guide; SubscribeToShard only for enhanced fan-out consumers (none here).
    for (const action of ["DescribeStream", "DescribeStreamSummary", "GetRecords", "GetShardIterator", "ListShards"]) {
      requests.push(request(program, role, `kinesis:${action}`, source, why("reads the stream")));
    }
    const stream = program.streamByArn(source);
    if (stream.inputs.encryptionType === "KMS") {
      requests.push(
        kmsViaService(
          program,
          role,
          "kms:Decrypt",
          program.keyArn(stream.inputs.kmsKeyId),
          "kinesis",
          { "aws:kinesis:arn": source },
          why("decrypts the KMS-encrypted records"),
        ),
      );
    }
  } else if (source.includes(":dynamodb:")) {
    // DynamoDB's "Lambda access to DynamoDB stream records"; ListStreams has no resource type.
    for (const action of ["DescribeStream", "GetRecords", "GetShardIterator"])
      requests.push(request(program, role, `dynamodb:${action}`, source, why("reads the stream")));
    requests.push(request(program, role, "dynamodb:ListStreams", "*", why("lists the table's streams")));
  } else {
    throw new Error(`event source mapping ${mapping.name}: no documented calls for source ${source}`);
  }
  const destination: string | undefined = mapping.inputs.destinationConfig?.onFailure?.destinationArn;
  if (destination?.includes(":sqs:")) {
    const queue = program.queueByArn(destination);
    requests.push(
      request(
        program,
        role,
        "sqs:SendMessage",
        destination,
        why("sends a failed batch's description to the on-failure queue"),
        { resourcePolicy: program.queuePolicy(queue) },
      ),
    );
    if (queue.inputs.kmsMasterKeyId) {
      const key = program.keyArn(queue.inputs.kmsMasterKeyId);
      for (const action of ["kms:GenerateDataKey", "kms:Decrypt"])
        requests.push(
          kmsViaService(program, role, action, key, "sqs", { "aws:sqs:arn": destination }, why("encrypts the message")),
        );
    }
  }
  return requests;
}

/** Firehose delivering to S3 with its role: the documented S3, KMS and logging permissions. */
function firehoseCalls(program: ProgramIam, delivery: { inputs: Record<string, any>; name: string }): IamRequest[] {
  const s3 = delivery.inputs.extendedS3Configuration;
  if (!s3) throw new Error(`delivery stream ${delivery.name}: only extended_s3 destinations are modelled`);
  const role = program.roleByArn(s3.roleArn);
  const why = (what: string) => `Firehose ${delivery.name} ${what}`;
  const bucketArn: string = s3.bucketArn;
  const bucket = program.bucketByArn(bucketArn);
  const requests: IamRequest[] = [];
  for (const action of ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"]) {
    requests.push(
      request(program, role, action, bucketArn, why("checks the bucket"), {
        resourcePolicy: program.bucketPolicy(bucket),
      }),
    );
  }
  for (const prefix of [s3.prefix, s3.errorOutputPrefix].filter(Boolean)) {
    const key = `${prefixRoot(prefix)}${sampleObject}`;
    for (const action of ["s3:AbortMultipartUpload", "s3:GetObject"]) {
      requests.push(
        request(program, role, action, `${bucketArn}/${key}`, why(`manages objects under ${prefixRoot(prefix)}`), {
          resourcePolicy: program.bucketPolicy(bucket),
        }),
      );
    }
    requests.push(
      ...s3ObjectWrite(program, role, "s3:PutObject", bucketArn, key, why(`writes under ${prefixRoot(prefix)}`)),
    );
    // Firehose's S3 guide also lists kms:Decrypt on the destination key (multipart uploads).
    const kms = program.bucketKms(bucket);
    const keyArn = s3.kmsKeyArn ?? kms?.keyArn;
    if (keyArn) {
      const context = { "aws:s3:arn": kms?.bucketKey ? bucketArn : `${bucketArn}/${key}` };
      requests.push(
        kmsViaService(
          program,
          role,
          "kms:Decrypt",
          program.keyArn(keyArn),
          "s3",
          context,
          why("reads back multipart parts"),
        ),
      );
    }
  }
  const logging = s3.cloudwatchLoggingOptions;
  if (logging?.enabled) {
    const group = program.logGroupByName(logging.logGroupName);
    requests.push(
      request(
        program,
        role,
        "logs:PutLogEvents",
        `${group.state.arn}:log-stream:${logging.logStreamName}`,
        why("logs delivery errors"),
      ),
    );
  }
  return requests;
}

interface Integration {
  credentials?: string;
  uri?: string;
  requestTemplates?: Record<string, string>;
}

/** API Gateway integrations that call an AWS service with a role (`credentials`). */
function apiIntegrationCalls(
  program: ProgramIam,
  restApi: { inputs: Record<string, any>; name: string },
): IamRequest[] {
  if (typeof restApi.inputs.body !== "string") return [];
  const document = JSON.parse(restApi.inputs.body);
  const requests: IamRequest[] = [];
  for (const [path, methods] of Object.entries(document.paths ?? {}) as [string, Record<string, any>][]) {
    for (const [method, operation] of Object.entries(methods)) {
      const integration: Integration | undefined = operation["x-amazon-apigateway-integration"];
      if (!integration?.credentials) continue;
      const role = program.roleByArn(integration.credentials);
      const why = `API Gateway ${method.toUpperCase()} ${path} (integration credentials)`;
      const kinesis = integration.uri?.match(/:apigateway:[^:]+:kinesis:action\/(\w+)$/);
      if (!kinesis) throw new Error(`${why}: no documented calls for integration ${integration.uri}`);
      const streamName = Object.values(integration.requestTemplates ?? {})
        .map((t) => t.match(/"StreamName":\s*"([^"]+)"/)?.[1])
        .find(Boolean);
      if (!streamName) throw new Error(`${why}: the request template names no StreamName`);
      const stream = program.streamByName(streamName);
      requests.push(request(program, role, `kinesis:${kinesis[1]}`, stream.state.arn, why));
      if (stream.inputs.encryptionType === "KMS") {
        // Kinesis server-side encryption: producers need GenerateDataKey on the stream's key.
        requests.push(
          kmsViaService(
            program,
            role,
            "kms:GenerateDataKey",
            program.keyArn(stream.inputs.kmsKeyId),
            "kinesis",
            { "aws:kinesis:arn": stream.state.arn },
            `${why} (stream encryption)`,
          ),
        );
      }
    }
  }
  return requests;
}

/** The account's API Gateway CloudWatch role: execution logs in groups API Gateway names and creates. */
function apiGatewayAccountCalls(
  program: ProgramIam,
  account: { inputs: Record<string, any>; name: string },
): IamRequest[] {
  const role = program.roleByArn(account.inputs.cloudwatchRoleArn);
  const requests: IamRequest[] = [];
  for (const api of program.ofType("aws:apigateway/restApi:RestApi")) {
    for (const stage of program.ofType("aws:apigateway/stage:Stage").filter((s) => s.inputs.restApi === api.id)) {
      const group = `arn:${program.partition}:logs:${program.region}:${program.accountId}:log-group:API-Gateway-Execution-Logs_${api.id}/${stage.inputs.stageName}`;
      const why = `API Gateway writes ${api.name}'s ${stage.inputs.stageName} execution logs`;
      requests.push(request(program, role, "logs:CreateLogGroup", group, why));
      requests.push(request(program, role, "logs:CreateLogStream", `${group}:log-stream:${lambdaLogStream}`, why));
      requests.push(request(program, role, "logs:PutLogEvents", `${group}:log-stream:${lambdaLogStream}`, why));
    }
  }
  return requests;
}

const s3Location = (url: string) => {
  const [, bucket, prefix] = url.match(/^s3:\/\/([^/]+)\/(.*)$/) ?? [];
  if (!bucket) throw new Error(`not an S3 location: ${url}`);
  return { bucket, prefix };
};

/**
 * Athena runs a query with the permissions of the principal that starts it (Athena user guide,
 * "Identity and access management in Athena"): it reads the tables' definitions from Glue, lists
 * and reads their objects (decrypted by KMS through S3), writes the results to the workgroup's
 * output location (encrypted through S3), and GetQueryResults reads them back. Modelled for every
 * function given a WORKGROUP, the only ones that start queries.
 */
function athenaQueryCalls(program: ProgramIam, fn: FunctionModel): IamRequest[] {
  const workgroupName = fn.environment.WORKGROUP;
  if (!workgroupName) return [];
  const role = fn.role;
  const why = (what: string) => `Athena ${what} for ${fn.name}'s queries in workgroup ${workgroupName}`;
  const workgroup = program.find(
    "aws:athena/workgroup:Workgroup",
    (w) => w.state.name === workgroupName,
    `workgroup ${workgroupName}`,
  );
  const glue = (path: string) => `arn:${program.partition}:glue:${program.region}:${program.accountId}:${path}`;
  const requests: IamRequest[] = [];
  const databases = new Set(
    program
      .ofType("aws:athena/namedQuery:NamedQuery")
      .filter((q) => q.inputs.workgroup === workgroupName)
      .map((q) => q.inputs.database as string),
  );
  for (const database of databases) {
    for (const resource of [glue("catalog"), glue(`database/${database}`)])
      requests.push(request(program, role, "glue:GetDatabase", resource, why(`reads database ${database}`)));
    for (const table of program
      .ofType("aws:glue/catalogTable:CatalogTable")
      .filter((t) => t.inputs.databaseName === database)) {
      const tableName = table.inputs.name as string;
      for (const resource of [glue("catalog"), glue(`database/${database}`), glue(`table/${database}/${tableName}`)])
        requests.push(request(program, role, "glue:GetTable", resource, why(`reads table ${tableName}`)));
      const { bucket: bucketName, prefix } = s3Location(table.inputs.storageDescriptor.location);
      const bucket = program.bucket(bucketName);
      const bucketArn = bucket.state.arn as string;
      const resourcePolicy = program.bucketPolicy(bucket);
      const objectArn = `${bucketArn}/${prefix}${sampleObject}`;
      requests.push(
        request(program, role, "s3:GetBucketLocation", bucketArn, why(`locates ${tableName}`), { resourcePolicy }),
        request(program, role, "s3:ListBucket", bucketArn, why(`lists ${tableName}'s objects`), {
          resourcePolicy,
          context: { "s3:prefix": prefix },
        }),
        request(program, role, "s3:GetObject", objectArn, why(`reads ${tableName}'s objects`), { resourcePolicy }),
      );
      const kms = program.bucketKms(bucket);
      if (kms) {
        const context = { "aws:s3:arn": kms.bucketKey ? bucketArn : objectArn };
        requests.push(
          kmsViaService(
            program,
            role,
            "kms:Decrypt",
            kms.keyArn,
            "s3",
            context,
            why(`decrypts ${tableName}'s objects`),
          ),
        );
      }
    }
  }
  const results = workgroup.inputs.configuration.resultConfiguration;
  const { bucket: bucketName, prefix } = s3Location(results.outputLocation);
  const bucket = program.bucket(bucketName);
  const bucketArn = bucket.state.arn as string;
  const resourcePolicy = program.bucketPolicy(bucket);
  const objectArn = `${bucketArn}/${prefix}${sampleObject}`;
  for (const action of ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"])
    requests.push(request(program, role, action, bucketArn, why("checks the results bucket"), { resourcePolicy }));
  for (const action of ["s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"])
    requests.push(request(program, role, action, objectArn, why("reads and manages the results"), { resourcePolicy }));
  requests.push(
    ...s3ObjectWrite(program, role, "s3:PutObject", bucketArn, `${prefix}${sampleObject}`, why("writes the results")),
  );
  const keyArn = results.encryptionConfiguration?.kmsKeyArn ?? program.bucketKms(bucket)?.keyArn;
  if (keyArn) {
    const bucketKey = program.bucketKms(bucket)?.bucketKey;
    const context = { "aws:s3:arn": bucketKey ? bucketArn : objectArn };
    requests.push(
      kmsViaService(program, role, "kms:Decrypt", program.keyArn(keyArn), "s3", context, why("decrypts the results")),
    );
  }
  return requests;
}

/** The documented calls AWS services make with the program's roles. */
export function serviceCalls(program: ProgramIam): IamRequest[] {
  return [
    ...program.functions.flatMap((fn) => lambdaServiceCalls(program, fn)),
    ...program.functions.flatMap((fn) => athenaQueryCalls(program, fn)),
    ...program
      .ofType("aws:lambda/eventSourceMapping:EventSourceMapping")
      .flatMap((m) => eventSourceMappingCalls(program, m)),
    ...program
      .ofType("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")
      .flatMap((d) => firehoseCalls(program, d)),
    ...program.ofType("aws:apigateway/restApiPut:RestApiPut").flatMap((api) => apiIntegrationCalls(program, api)),
    ...program.ofType("aws:apigateway/account:Account").flatMap((a) => apiGatewayAccountCalls(program, a)),
  ];
}
