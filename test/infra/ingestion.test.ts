import { strict as assert } from "node:assert";
import { render } from "velocityjs";
import { clickstreamEventJsonSchema } from "../../handlers/shared/clickstream-event";
import { Api } from "../../components/api";
import { gatewayModel } from "../../components/lib/api-model";
import { Ingestion, lakeErrorsPrefix, lakeEventsPrefix } from "../../components/ingestion";
import { keyAdministrationActions } from "../../components/lib/iam";
import { interactionsSchema } from "../../components/ingestion-personalize";
import { clickstreamContract } from "../../handlers/clickstream/contract";
import { readEnvironment } from "../../handlers/lib/environment";
import * as z from "../../handlers/lib/zod";
import { accountId, type RecordingMocks, testRegion } from "../../testing/mocks";
import { allowedActions, list, statements } from "./policy-json";
import { runComponents } from "../../testing/program";

const origin = "https://shop.example.com";
const Types = {
  key: "aws:kms/key:Key",
  stream: "aws:kinesis/stream:Stream",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  firehose: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  logStream: "aws:cloudwatch/logStream:LogStream",
  bucket: "aws:s3/bucket:Bucket",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  fn: "aws:lambda/function:Function",
  mapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  queue: "aws:sqs/queue:Queue",
};

interface Run {
  mocks: RecordingMocks;
  ingestion: Ingestion;
  /** What the engine was asked to protect / retain on delete, by resource name. */
  protect: Set<string>;
  retain: Set<string>;
}

async function run(stack: "dev" | "prod", config: Record<string, unknown> = {}, preview = false): Promise<Run> {
  let ingestion: Ingestion | undefined;
  const mocks = await runComponents(
    stack,
    (c) => {
      ingestion = new Ingestion("ingestion", { config: c, allowedOrigin: origin });
    },
    { config, preview },
  );
  const protect = new Set(mocks.resources.filter((r) => r.protect).map((r) => r.name));
  const retain = new Set(mocks.resources.filter((r) => r.retainOnDelete).map((r) => r.name));
  return { mocks, ingestion: ingestion!, protect, retain };
}

const resolve = <T>(output: any): Promise<T> => new Promise((done) => output.apply((v: T) => done(v)));
const policyOf = (mocks: RecordingMocks, name: string) => mocks.named(Types.rolePolicy, name).inputs.policy as string;

// ---- API Gateway mapping templates, rendered with Velocity and the $input/$util API Gateway gives them.

/** The subset of JSONPath the templates use: $, .name, [index]. */
function jsonPath(root: unknown, path: string): any {
  let value: any = root;
  for (const m of path.replace(/^\$/, "").matchAll(/\.([A-Za-z_][\w]*)|\[(\d+)\]/g))
    value = value?.[m[1] ?? Number(m[2])];
  return value;
}

function renderTemplate(
  template: string,
  body: unknown,
  claims: Record<string, string> = {},
): { text: string; status?: number } {
  const context: { responseOverride: { status?: number }; authorizer: { claims: Record<string, string> } } = {
    responseOverride: {},
    authorizer: { claims },
  };
  const text = render(template, {
    input: { path: (p: string) => jsonPath(body, p), json: (p: string) => JSON.stringify(jsonPath(body, p)) },
    util: {
      base64Encode: (s: string) => Buffer.from(s, "utf8").toString("base64"),
      escapeJavaScript: (s: string) => JSON.stringify(s).slice(1, -1),
    },
    context,
  });
  return { text, status: context.responseOverride.status };
}

const event = (sessionId: string, extra: Record<string, unknown> = {}) => ({
  eventId: `e-${sessionId}-${Object.keys(extra).length}`,
  eventType: "product_view",
  sessionId,
  itemId: "sku-1",
  timestamp: "2026-03-01T12:00:00.000Z",
  ...extra,
});

async function eventsIntegration(r: Run, path = "/events"): Promise<Record<string, any>> {
  assert.equal(r.ingestion.routes.length, 2);
  const route = r.ingestion.routes.find((candidate) => candidate.path === path)!;
  return resolve(route.integration);
}

/** The events each record of a rendered PutRecords request carries. */
function recordsOf(text: string): { event: Record<string, unknown>; partitionKey: string }[] {
  return JSON.parse(text).Records.map((record: { Data: string; PartitionKey: string }) => ({
    event: JSON.parse(Buffer.from(record.Data, "base64").toString("utf8")),
    partitionKey: record.PartitionKey,
  }));
}

/** Java-regex-like full match of an integration response selection pattern. */
const selects = (pattern: string, status: number) => new RegExp(`^(?:${pattern})$`).test(String(status));

describe("Ingestion: Kinesis stream and key", () => {
  it("dev: on-demand, 24 h retention, encrypted with the clickstream key", async () => {
    const { mocks } = await run("dev");
    const [stream] = mocks.ofType(Types.stream);
    const [key] = mocks.ofType(Types.key);
    assert.deepEqual(stream.inputs.streamModeDetails, { streamMode: "ON_DEMAND" });
    assert.equal(stream.inputs.shardCount, undefined);
    assert.equal(stream.inputs.retentionPeriod, 24);
    assert.equal(stream.inputs.encryptionType, "KMS");
    assert.equal(stream.inputs.kmsKeyId, key.state.arn);
  });

  it("prod: 168 h retention; provisioned mode takes the configured shard count", async () => {
    const prod = (await run("prod")).mocks.ofType(Types.stream)[0].inputs;
    assert.equal(prod.retentionPeriod, 168);
    assert.deepEqual(prod.streamModeDetails, { streamMode: "ON_DEMAND" });
    const provisioned = (
      await run("prod", { "ecommerce:streamMode": "PROVISIONED", "ecommerce:streamShardCount": 4 })
    ).mocks.ofType(Types.stream)[0].inputs;
    assert.deepEqual(provisioned.streamModeDetails, { streamMode: "PROVISIONED" });
    assert.equal(provisioned.shardCount, 4);
    const devProvisioned = (
      await run("dev", { "ecommerce:streamMode": "PROVISIONED", "ecommerce:streamShardCount": 3 })
    ).mocks.ofType(Types.stream)[0].inputs;
    assert.equal(devProvisioned.shardCount, 3);
  });

  it("the key rotates; its policy lets the account administer it and use it only through Kinesis, Firehose and S3", async () => {
    const dev = await run("dev");
    const key = dev.mocks.ofType(Types.key)[0];
    assert.equal(key.inputs.enableKeyRotation, true);
    assert.equal(key.inputs.deletionWindowInDays, 7);
    const root = { AWS: `arn:aws:iam::${accountId}:root` };
    const [admin, use, grant, ...rest] = statements(key.inputs.policy);
    assert.equal(rest.length, 0);
    for (const s of [admin, use, grant]) {
      assert.equal(s.Effect, "Allow");
      assert.deepEqual(s.Principal, root);
    }
    assert.deepEqual(list(admin.Action).sort(), [...keyAdministrationActions].sort());
    assert.ok(
      !list(admin.Action).some((a) => /Decrypt|Encrypt|GenerateDataKey|CreateGrant|\*/.test(a)),
      "administration does not include using the key",
    );
    assert.deepEqual(list(use.Action).sort(), ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]);
    assert.deepEqual(use.Condition, {
      StringEquals: {
        "kms:CallerAccount": accountId,
        "kms:ViaService": [
          `kinesis.${testRegion}.amazonaws.com`,
          `firehose.${testRegion}.amazonaws.com`,
          `s3.${testRegion}.amazonaws.com`,
        ],
      },
    });
    assert.equal(grant.Action, "kms:CreateGrant");
    assert.deepEqual(grant.Condition, {
      StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": `firehose.${testRegion}.amazonaws.com` },
      Bool: { "kms:GrantIsForAWSResource": "true" },
    });
    assert.ok(!dev.retain.has("ingestion-key"));

    const prod = await run("prod");
    assert.equal(prod.mocks.ofType(Types.key)[0].inputs.deletionWindowInDays, 30);
    assert.ok(
      prod.retain.has("ingestion-key"),
      "the key outlives a destroy in prod: the retained lake is encrypted with it",
    );
  });
});

describe("Ingestion: POST /events", () => {
  it("is an AWS integration calling Kinesis PutRecords with its own role, open to anonymous browsers, throttled from config", async () => {
    const r = await run("dev");
    const route = r.ingestion.routes.find((candidate) => candidate.path === "/events")!;
    assert.equal(route.method, "POST");
    assert.equal(route.authorization, "none");
    assert.equal(route.invokes, undefined, "no Lambda in the hot path");
    assert.deepEqual(route.throttle, { rateLimit: 100, burstLimit: 200 });
    const integration = await eventsIntegration(r);
    assert.equal(integration.type, "aws");
    assert.equal(integration.httpMethod, "POST");
    assert.equal(integration.uri, `arn:aws:apigateway:${testRegion}:kinesis:action/PutRecords`);
    assert.equal(integration.credentials, r.mocks.named(Types.role, "ingestion-events-api-role").state.arn);
    assert.deepEqual(integration.requestParameters, {
      "integration.request.header.Content-Type": "'application/x-amz-json-1.1'",
    });
    assert.equal(integration.passthroughBehavior, "never");
    assert.deepEqual((await run("prod")).ingestion.routes[0].throttle, { rateLimit: 5000, burstLimit: 5000 });
  });

  it("POST /events/me needs a Cognito token, is Lambda-free, validated by the same model and throttled", async () => {
    const r = await run("dev");
    const [anonymous, signedIn] = r.ingestion.routes;
    assert.equal(signedIn.path, "/events/me");
    assert.equal(signedIn.method, "POST");
    assert.equal(signedIn.authorization, "cognito");
    assert.equal(signedIn.invokes, undefined);
    assert.deepEqual(signedIn.bodySchema, anonymous.bodySchema);
    assert.deepEqual(signedIn.throttle, { rateLimit: 100, burstLimit: 200 });
    const integration = await eventsIntegration(r, "/events/me");
    assert.equal(integration.uri, `arn:aws:apigateway:${testRegion}:kinesis:action/PutRecords`);
    assert.equal(integration.credentials, r.mocks.named(Types.role, "ingestion-events-api-role").state.arn);
  });

  it("the request model takes 1 to 500 events, each the shared event contract", async () => {
    const { ingestion } = await run("dev");
    const body = ingestion.routes[0].bodySchema!;
    assert.match(body.name, /^[A-Za-z0-9]+$/);
    assert.deepEqual(body.schema.required, ["events"]);
    assert.equal(body.schema.type, "object");
    const events = (body.schema.properties as any).events;
    assert.equal(events.type, "array");
    assert.equal(events.minItems, 1);
    assert.equal(events.maxItems, 500);
    assert.deepEqual(events.items, clickstreamEventJsonSchema());
  });

  it("the request template makes one record per event: the event's JSON, keyed by its sessionId", async () => {
    const r = await run("dev");
    const integration = await eventsIntegration(r);
    const streamName = r.mocks.ofType(Types.stream)[0].state.name;
    const events = [
      event("s-1", { properties: { q: 'shoes "red" \\ ünï ✓', n: 2, ok: true, none: null } }),
      event("s.2:x_y-z"),
      event("s-3", { page: { url: 'https://shop.example.com/p/1?q="a"', referrer: "" }, timestamp: 1740826800000 }),
    ];
    const { text } = renderTemplate(integration.requestTemplates["application/json"], { events });
    assert.equal(JSON.parse(text).StreamName, streamName);
    const records = recordsOf(text);
    assert.equal(records.length, events.length);
    records.forEach((record, i) => {
      assert.deepEqual(record.event, events[i]);
      assert.equal(record.partitionKey, events[i].sessionId);
    });
    // A single event is still an array of one record.
    assert.equal(
      recordsOf(renderTemplate(integration.requestTemplates["application/json"], { events: [event("only")] }).text)
        .length,
      1,
    );
  });

  it("attack: an anonymous POST /events naming a victim's userId reaches the stream with no userId", async () => {
    const integration = await eventsIntegration(await run("dev"));
    const forged = [event("s-1", { userId: "victim-user-id" }), event("s-2")];
    const records = recordsOf(
      renderTemplate(integration.requestTemplates["application/json"], { events: forged }).text,
    );
    for (const [i, record] of records.entries()) {
      assert.equal(record.event.userId, undefined, "the browser's userId is dropped");
      const { userId: _dropped, ...rest } = forged[i] as Record<string, unknown>;
      assert.deepEqual(record.event, rest, "everything else is kept as sent");
    }
  });

  it("attack: POST /events/me takes userId only from the verified token's sub, whatever the body says", async () => {
    const integration = await eventsIntegration(await run("dev"), "/events/me");
    const sub = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    const events = [event("s-1", { userId: "victim-user-id" }), event("s-2")];
    const records = recordsOf(
      renderTemplate(integration.requestTemplates["application/json"], { events }, { sub }).text,
    );
    assert.deepEqual(
      records.map((r) => r.event.userId),
      [sub, sub],
    );
    assert.deepEqual(
      records.map((r) => r.partitionKey),
      ["s-1", "s-2"],
    );
  });

  it("the reply says how many records were accepted and which to resend, with the CORS origin", async () => {
    const integration = await eventsIntegration(await run("dev"));
    const ok = integration.responses.default;
    assert.equal(ok.statusCode, "200");
    assert.deepEqual(ok.responseParameters, { "method.response.header.Access-Control-Allow-Origin": `'${origin}'` });
    const template = ok.responseTemplates["application/json"];
    const reply = {
      FailedRecordCount: 2,
      Records: [
        { SequenceNumber: "1", ShardId: "shardId-000000000000" },
        { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "Rate exceeded" },
        { SequenceNumber: "2", ShardId: "shardId-000000000000" },
        { ErrorCode: "InternalFailure", ErrorMessage: "Internal service failure." },
      ],
    };
    const partial = renderTemplate(template, reply);
    assert.equal(partial.status, undefined);
    assert.deepEqual(JSON.parse(partial.text), { accepted: 2, failed: 2, failedIndexes: [1, 3] });
    const all = renderTemplate(template, { FailedRecordCount: 0, Records: [{ SequenceNumber: "1", ShardId: "s" }] });
    assert.deepEqual(JSON.parse(all.text), { accepted: 1, failed: 0, failedIndexes: [] });
  });

  it("each Kinesis status selects exactly one integration response (413, other 4xx, 5xx, else the default)", async () => {
    const integration = await eventsIntegration(await run("dev"));
    const patterns = Object.keys(integration.responses).filter((p) => p !== "default");
    for (let status = 200; status < 600; status++) {
      const matching = patterns.filter((p) => selects(p, status));
      assert.ok(matching.length <= 1, `${status} matches ${matching.join(" and ")}`);
      if (status >= 400) assert.equal(matching.length, 1, `${status} has its error template`);
    }
    assert.ok(
      selects(patterns.find((p) => selects(p, 413))!, 413) && !selects(patterns.find((p) => selects(p, 413))!, 400),
    );
  });

  it("Kinesis errors become JSON errors: throttling 429, refused batch 400, our misconfiguration 500, Kinesis 5xx 503", async () => {
    const integration = await eventsIntegration(await run("dev"));
    const responseFor = (status: number) =>
      integration.responses[Object.keys(integration.responses).find((p) => p !== "default" && selects(p, status))!];
    const clientError = responseFor(400);
    const serverError = responseFor(500);
    for (const response of [clientError, serverError, responseFor(413)]) {
      // Mapped to the declared 200 (which carries the CORS header); the template sets the status.
      assert.equal(response.statusCode, "200");
      assert.deepEqual(response.responseParameters, {
        "method.response.header.Access-Control-Allow-Origin": `'${origin}'`,
      });
    }
    const renderError = (response: any, type: string, message = "details") => {
      const { text, status } = renderTemplate(response.responseTemplates["application/json"], {
        __type: type,
        message,
      });
      const body = JSON.parse(text);
      assert.equal(typeof body.error, "string");
      assert.equal(body.reason, type);
      return status;
    };
    assert.equal(renderError(clientError, "ProvisionedThroughputExceededException"), 429);
    assert.equal(renderError(clientError, "KMSThrottlingException"), 429);
    assert.equal(renderError(clientError, "LimitExceededException"), 429);
    assert.equal(renderError(clientError, "ValidationException"), 400);
    assert.equal(renderError(clientError, "InvalidArgumentException"), 400);
    assert.equal(renderError(clientError, "AccessDeniedException"), 500);
    assert.equal(renderError(clientError, "ResourceNotFoundException"), 500);
    assert.equal(renderError(clientError, "KMSDisabledException"), 500);
    assert.equal(renderError(serverError, "InternalFailure"), 503);
    assert.equal(renderError(serverError, "ServiceUnavailable"), 503);
  });

  it("attack: one event with a 1 MiB property key is a 413 that names the event limit, not a 500", async () => {
    const integration = await eventsIntegration(await run("dev"));
    const clientError =
      integration.responses[Object.keys(integration.responses).find((p) => p !== "default" && selects(p, 400))!];
    const render = (type: string, message: string) => {
      const { text, status } = renderTemplate(clientError.responseTemplates["application/json"], {
        __type: type,
        message,
      });
      return { status, body: JSON.parse(text) };
    };
    // What Kinesis answers for a record whose data is over 1 MiB.
    const record = render(
      "ValidationException",
      "1 validation error detected: Value at 'records.1.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    );
    assert.equal(record.status, 413);
    assert.match(record.body.error, /each event is at most 1 MiB/);
    const key = render(
      "ValidationException",
      "1 validation error detected: Value at 'records.1.member.partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256",
    );
    assert.equal(key.status, 400);
    assert.match(key.body.error, /sessionId/);
    const request = render("InvalidArgumentException", "Records size exceeds 5 MB limit");
    assert.equal(request.status, 413);
    assert.match(request.body.error, /at most 5 MiB/);
    // Kinesis' front end refusing the body before reading it: HTTP 413 without a JSON error.
    const tooLarge =
      integration.responses[Object.keys(integration.responses).find((p) => p !== "default" && selects(p, 413))!];
    const refused = renderTemplate(tooLarge.responseTemplates["application/json"], "Request Entity Too Large");
    assert.equal(refused.status, 413);
    assert.match(JSON.parse(refused.text).error, /5 MiB .* 1 MiB/);
  });

  it("the API's role is assumable by API Gateway (with no condition key it does not send) and may do exactly PutRecords on the stream", async () => {
    const { mocks } = await run("dev");
    const role = mocks.named(Types.role, "ingestion-events-api-role");
    assert.deepEqual(statements(role.inputs.assumeRolePolicy), [
      {
        Effect: "Allow",
        Principal: { Service: "apigateway.amazonaws.com" },
        Action: "sts:AssumeRole",
      },
    ]);
    const policy = policyOf(mocks, "ingestion-events-api-policy");
    assert.deepEqual(allowedActions(policy), {
      "kinesis:PutRecords": [mocks.ofType(Types.stream)[0].state.arn],
      "kms:GenerateDataKey": [mocks.ofType(Types.key)[0].state.arn],
    });
    const kms = statements(policy).find((s) => s.Action === "kms:GenerateDataKey")!;
    assert.deepEqual(kms.Condition, { StringEquals: { "kms:ViaService": `kinesis.${testRegion}.amazonaws.com` } });
    assert.equal(mocks.named(Types.rolePolicy, "ingestion-events-api-policy").inputs.role, role.id);
  });
});

describe("Ingestion: data lake and Firehose", () => {
  it("the lake is private, KMS-encrypted, versioned, TLS-only; dev may be destroyed with its data", async () => {
    const { mocks, protect } = await run("dev");
    const bucket = mocks.named(Types.bucket, "ingestion-lake");
    assert.equal(bucket.inputs.forceDestroy, true);
    const key = mocks.ofType(Types.key)[0];
    const pab = mocks.named(
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "ingestion-lake-public-access",
    ).inputs;
    assert.deepEqual(
      [pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets],
      [true, true, true, true],
    );
    const sse = mocks.named(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "ingestion-lake-encryption",
    ).inputs.rules[0];
    assert.deepEqual(sse.applyServerSideEncryptionByDefault, {
      sseAlgorithm: "aws:kms",
      kmsMasterKeyId: key.state.arn,
    });
    assert.equal(sse.bucketKeyEnabled, true);
    assert.equal(
      mocks.named("aws:s3/bucketVersioning:BucketVersioning", "ingestion-lake-versioning").inputs
        .versioningConfiguration.status,
      "Enabled",
    );
    const [tls] = statements(mocks.named("aws:s3/bucketPolicy:BucketPolicy", "ingestion-lake-policy").inputs.policy);
    assert.equal(tls.Effect, "Deny");
    assert.deepEqual(tls.Condition, { Bool: { "aws:SecureTransport": "false" } });
    assert.ok(!protect.has("ingestion-lake"));
  });

  it("prod protects the lake (bucket and its settings) and keeps its objects on delete", async () => {
    const { mocks, protect } = await run("prod");
    assert.equal(mocks.named(Types.bucket, "ingestion-lake").inputs.forceDestroy, false);
    for (const name of [
      "ingestion-lake",
      "ingestion-lake-encryption",
      "ingestion-lake-versioning",
      "ingestion-lake-public-access",
      "ingestion-lake-policy",
    ]) {
      assert.ok(protect.has(name), `${name} is protected`);
    }
  });

  it("lifecycle from config: Standard-IA, then Glacier, then expiry; old versions and stale uploads cleaned", async () => {
    for (const [stack, expiration] of [
      ["dev", 365],
      ["prod", 730],
    ] as const) {
      const { mocks } = await run(stack);
      const lifecycle = mocks.named(Types.lifecycle, "ingestion-lake-lifecycle").inputs;
      assert.equal(lifecycle.bucket, mocks.named(Types.bucket, "ingestion-lake").id);
      assert.equal(lifecycle.rules.length, 1);
      const [rule] = lifecycle.rules;
      assert.equal(rule.status, "Enabled");
      assert.deepEqual(rule.filter, { prefix: "" });
      assert.deepEqual(rule.transitions, [
        { days: 30, storageClass: "STANDARD_IA" },
        { days: 90, storageClass: "GLACIER" },
      ]);
      assert.deepEqual(rule.expiration, { days: expiration });
      assert.ok(rule.noncurrentVersionExpiration.noncurrentDays > 0);
      assert.deepEqual(rule.abortIncompleteMultipartUpload, { daysAfterInitiation: 1 });
    }
    const custom = (
      await run("dev", {
        "ecommerce:lakeInfrequentAccessDays": 45,
        "ecommerce:lakeGlacierDays": 120,
        "ecommerce:lakeExpirationDays": 400,
      })
    ).mocks;
    const [rule] = custom.named(Types.lifecycle, "ingestion-lake-lifecycle").inputs.rules;
    assert.deepEqual(
      rule.transitions.map((t: any) => t.days),
      [45, 120],
    );
    assert.equal(rule.expiration.days, 400);
  });

  it("Firehose: direct put to the lake, date/hour prefix, error prefix, GZIP, buffering from config, logged, encrypted", async () => {
    for (const [stack, seconds, mib] of [
      ["dev", 60, 5],
      ["prod", 300, 64],
    ] as const) {
      const { mocks } = await run(stack);
      const [firehose] = mocks.ofType(Types.firehose);
      const key = mocks.ofType(Types.key)[0];
      const s3 = firehose.inputs.extendedS3Configuration;
      assert.equal(firehose.inputs.destination, "extended_s3");
      assert.equal(firehose.inputs.kinesisSourceConfiguration, undefined, "direct put: the processor writes to it");
      assert.deepEqual(firehose.inputs.serverSideEncryption, {
        enabled: true,
        keyType: "CUSTOMER_MANAGED_CMK",
        keyArn: key.state.arn,
      });
      assert.equal(s3.bucketArn, mocks.named(Types.bucket, "ingestion-lake").state.arn);
      assert.equal(s3.roleArn, mocks.named(Types.role, "ingestion-firehose-role").state.arn);
      assert.equal(s3.prefix, "events/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/");
      assert.equal(s3.errorOutputPrefix, "errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/");
      assert.equal(s3.compressionFormat, "GZIP");
      assert.equal(s3.bufferingInterval, seconds);
      assert.equal(s3.bufferingSize, mib);
      assert.equal(s3.kmsKeyArn, key.state.arn);
      const logGroup = mocks.named(Types.logGroup, "ingestion-delivery-logs");
      const logStream = mocks.named(Types.logStream, "ingestion-delivery-s3");
      assert.equal(logGroup.inputs.retentionInDays, stack === "dev" ? 14 : 365);
      assert.equal(logStream.inputs.logGroupName, logGroup.state.name);
      assert.deepEqual(s3.cloudwatchLoggingOptions, {
        enabled: true,
        logGroupName: logGroup.state.name,
        logStreamName: logStream.state.name,
      });
    }
  });

  it("the Firehose role: trusted by Firehose of this account, exact S3 actions on the lake's prefixes, its log stream, the key through S3", async () => {
    const { mocks } = await run("dev");
    const lake = mocks.named(Types.bucket, "ingestion-lake").state.arn;
    const key = mocks.ofType(Types.key)[0].state.arn;
    // Firehose's documented trust: it passes this account's id as the external id.
    assert.deepEqual(statements(mocks.named(Types.role, "ingestion-firehose-role").inputs.assumeRolePolicy), [
      {
        Effect: "Allow",
        Principal: { Service: "firehose.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": accountId } },
      },
    ]);
    const policy = policyOf(mocks, "ingestion-firehose-policy");
    const objects = [`${lake}/errors/*`, `${lake}/events/*`];
    assert.deepEqual(allowedActions(policy), {
      "s3:GetBucketLocation": [lake],
      "s3:ListBucket": [lake],
      "s3:ListBucketMultipartUploads": [lake],
      "s3:AbortMultipartUpload": objects,
      "s3:GetObject": objects,
      "s3:PutObject": objects,
      "kms:Decrypt": [key],
      "kms:GenerateDataKey": [key],
      "logs:PutLogEvents": [mocks.named(Types.logStream, "ingestion-delivery-s3").state.arn],
    });
    assert.deepEqual(statements(policy).find((s) => s.Sid === "EncryptLakeObjects")!.Condition, {
      StringEquals: { "kms:ViaService": `s3.${testRegion}.amazonaws.com` },
    });
    // The configured prefixes are the ones the role may write.
    assert.ok(lakeEventsPrefix.startsWith("events/") && lakeErrorsPrefix.startsWith("errors/"));
  });
});

describe("Ingestion: ClickstreamProcessor", () => {
  const processorRole = (mocks: RecordingMocks) => mocks.named(Types.role, "ingestion-processor-role");

  it("runs the clickstream handler with memory and timeout from config and the documented environment", async () => {
    // In flight: 1,000 PutEvents/s shared by 4 on-demand shards x parallelization (1 dev, 2 prod), 20 ms a call.
    for (const [stack, memory, timeout, inFlight] of [
      ["dev", 512, 60, "5"],
      ["prod", 1024, 120, "2"],
    ] as const) {
      const { mocks } = await run(stack);
      const fn = mocks.named(Types.fn, "ingestion-processor");
      assert.equal(fn.inputs.memorySize, memory);
      assert.equal(fn.inputs.timeout, timeout);
      assert.equal(fn.inputs.runtime, "nodejs22.x");
      assert.deepEqual(fn.inputs.architectures, ["arm64"]);
      assert.deepEqual(fn.inputs.environment.variables, {
        FIREHOSE_STREAM_NAME: mocks.ofType(Types.firehose)[0].state.name,
        LAKE_BUCKET: mocks.named(Types.bucket, "ingestion-lake").state.bucket,
        QUARANTINE_PREFIX: "quarantine/",
        PERSONALIZE_CONCURRENCY: inFlight,
        POWERTOOLS_SERVICE_NAME: clickstreamContract.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: clickstreamContract.metricsNamespace,
      });
      // The handler's own schema accepts exactly what is deployed (no variable it does not read).
      const strict = {
        ...clickstreamContract,
        environmentSchema: z.strictObject(clickstreamContract.environmentSchema.shape),
      };
      const parsed = readEnvironment(strict, fn.inputs.environment.variables);
      assert.equal(parsed.QUARANTINE_PREFIX, "quarantine/");
      assert.equal(parsed.PERSONALIZE_CONCURRENCY, Number(inFlight));
      assert.equal(parsed.PERSONALIZE_TRACKING_ID, undefined);
    }
  });

  it("may put record batches on the delivery stream and quarantine objects in the lake, nothing more", async () => {
    const { mocks } = await run("dev");
    const lake = mocks.named(Types.bucket, "ingestion-lake").state.arn;
    const key = mocks.ofType(Types.key)[0].state.arn;
    const policy = policyOf(mocks, "ingestion-processor-policy");
    const logGroup = mocks.named(Types.logGroup, "ingestion-processor-logs").state.arn;
    assert.deepEqual(allowedActions(policy), {
      "logs:CreateLogStream": [`${logGroup}:*`],
      "logs:PutLogEvents": [`${logGroup}:*`],
      "xray:PutTraceSegments": ["*"],
      "xray:PutTelemetryRecords": ["*"],
      "firehose:PutRecordBatch": [mocks.ofType(Types.firehose)[0].state.arn],
      "s3:PutObject": [`${lake}/quarantine/*`],
      "kms:GenerateDataKey": [key],
    });
    assert.deepEqual(statements(policy).find((s) => s.Sid === "EncryptQuarantine")!.Condition, {
      StringEquals: { "kms:ViaService": `s3.${testRegion}.amazonaws.com` },
    });
    assert.equal(mocks.named(Types.rolePolicy, "ingestion-processor-policy").inputs.role, processorRole(mocks).id);
  });

  it("reads the stream through the stream consumer: batch settings from config, partial failures, bisect, bounded retries, DLQ", async () => {
    for (const [stack, batch, parallel, retries, age] of [
      ["dev", 100, 1, 3, 3600],
      ["prod", 100, 2, 5, 21600],
    ] as const) {
      const { mocks } = await run(stack);
      const [mapping] = mocks.ofType(Types.mapping);
      const stream = mocks.ofType(Types.stream)[0].state.arn;
      const dlq = mocks.named(Types.queue, "ingestion-processor-dlq").state.arn;
      assert.equal(mapping.inputs.eventSourceArn, stream);
      assert.equal(mapping.inputs.functionName, mocks.named(Types.fn, "ingestion-processor").state.arn);
      assert.equal(mapping.inputs.batchSize, batch);
      assert.equal(mapping.inputs.maximumBatchingWindowInSeconds, 5);
      assert.equal(mapping.inputs.parallelizationFactor, parallel);
      assert.equal(mapping.inputs.maximumRetryAttempts, retries);
      assert.equal(mapping.inputs.maximumRecordAgeInSeconds, age);
      assert.deepEqual(mapping.inputs.functionResponseTypes, ["ReportBatchItemFailures"]);
      assert.equal(mapping.inputs.bisectBatchOnFunctionError, true);
      assert.deepEqual(mapping.inputs.destinationConfig, { onFailure: { destinationArn: dlq } });
      // Reading an encrypted stream needs the key: Decrypt on exactly it.
      const read = allowedActions(policyOf(mocks, "ingestion-processor-source-read"));
      assert.deepEqual(read["kms:Decrypt"], [mocks.ofType(Types.key)[0].state.arn]);
      assert.deepEqual(read["kinesis:GetRecords"], [stream]);
      assert.deepEqual(read["sqs:SendMessage"], [dlq]);
    }
  });

  it("lists its moving parts for the alarms", async () => {
    const { ingestion } = await run("dev");
    assert.deepEqual(ingestion.monitoring.streamConsumers, [ingestion.processor]);
    assert.deepEqual(ingestion.monitoring.deadLetterQueues, [ingestion.deadLetterQueue]);
    assert.deepEqual(ingestion.monitoring.streams, [ingestion.stream]);
    assert.deepEqual(ingestion.monitoring.deliveryStreams, [ingestion.deliveryStream]);
  });
});

describe("Ingestion: Personalize", () => {
  const personalizeResources = (mocks: RecordingMocks) =>
    mocks.resources.filter((r) => r.type.startsWith("aws-native:personalize:"));
  const processorEnv = (mocks: RecordingMocks) =>
    mocks.named(Types.fn, "ingestion-processor").inputs.environment.variables;
  const putEvents = (mocks: RecordingMocks) =>
    allowedActions(policyOf(mocks, "ingestion-processor-policy"))["personalize:PutEvents"];

  it("disabled: no tracker, no tracking id, no permission", async () => {
    const { mocks, ingestion } = await run("dev");
    assert.deepEqual(personalizeResources(mocks), []);
    assert.equal(processorEnv(mocks).PERSONALIZE_TRACKING_ID, undefined);
    assert.equal(putEvents(mocks), undefined);
    assert.ok(!policyOf(mocks, "ingestion-processor-policy").includes("personalize"));
    assert.equal(ingestion.trackingId, undefined);
  });

  it("existing: the configured tracking id reaches the processor, which may call PutEvents", async () => {
    const { mocks, ingestion } = await run("dev", {
      "ecommerce:personalizeMode": "existing",
      "ecommerce:personalizeTrackingId": "0123abcd-tracker",
    });
    assert.deepEqual(personalizeResources(mocks), []);
    assert.equal(processorEnv(mocks).PERSONALIZE_TRACKING_ID, "0123abcd-tracker");
    // PutEvents is authorised on "*" only (the call names a tracking id, not an ARN).
    assert.deepEqual(putEvents(mocks), ["*"]);
    assert.equal(await resolve(ingestion.trackingId), "0123abcd-tracker");
  });

  it("create: dataset group, interactions schema and dataset, and an event tracker whose id feeds the processor", async () => {
    const { mocks, ingestion, retain } = await run("prod", { "ecommerce:personalizeMode": "create" });
    const group = mocks.ofType("aws-native:personalize:DatasetGroup");
    const schema = mocks.ofType("aws-native:personalize:Schema");
    const dataset = mocks.ofType("aws-native:personalize:Dataset");
    const tracker = mocks.ofType("aws-native:personalize:EventTracker");
    assert.deepEqual([group.length, schema.length, dataset.length, tracker.length], [1, 1, 1, 1]);

    const avro = JSON.parse(schema[0].inputs.schema);
    assert.deepEqual(avro, interactionsSchema);
    assert.equal(avro.type, "record");
    assert.deepEqual(
      avro.fields.map((f: any) => [f.name, f.type]),
      [
        ["USER_ID", "string"],
        ["ITEM_ID", "string"],
        ["TIMESTAMP", "long"],
        ["EVENT_TYPE", "string"],
      ],
    );

    assert.equal(dataset[0].inputs.datasetType, "Interactions");
    assert.equal(dataset[0].inputs.datasetGroupArn, group[0].state.datasetGroupArn);
    assert.equal(dataset[0].inputs.schemaArn, schema[0].state.schemaArn);
    assert.equal(tracker[0].inputs.datasetGroupArn, group[0].state.datasetGroupArn);
    assert.equal(processorEnv(mocks).PERSONALIZE_TRACKING_ID, tracker[0].state.trackingId);
    assert.equal(await resolve(ingestion.trackingId), tracker[0].state.trackingId);
    assert.deepEqual(putEvents(mocks), ["*"]);
    for (const r of [...group, ...schema, ...dataset])
      assert.ok(retain.has(r.name), `${r.name} is kept on delete in prod`);
  });
});

describe("Ingestion: preview", () => {
  it("builds with unknown outputs (pulumi preview) in every Personalize mode", async () => {
    for (const mode of ["disabled", "create"]) {
      const { mocks } = await run("prod", { "ecommerce:personalizeMode": mode }, true);
      assert.equal(mocks.ofType(Types.stream).length, 1);
      assert.equal(mocks.ofType(Types.firehose).length, 1);
      assert.equal(mocks.ofType(Types.mapping).length, 1);
    }
  });
});

describe("Ingestion: on the Api", () => {
  it("the Api publishes POST /events (no authorizer) and POST /events/me (Cognito) with the model, body validation, the Kinesis integration and their throttles", async () => {
    let ingestion: Ingestion | undefined;
    const mocks = await runComponents("dev", (c) => {
      ingestion = new Ingestion("ingestion", { config: c, allowedOrigin: origin });
      new Api("api", {
        config: c,
        userPoolArn: `arn:aws:cognito-idp:${testRegion}:${accountId}:userpool/pool`,
        allowedOrigin: origin,
        routes: ingestion.routes,
      });
    });
    const document = JSON.parse(mocks.ofType("aws:apigateway/restApiPut:RestApiPut")[0].inputs.body);
    const post = document.paths["/events"].post;
    assert.equal(post.security, undefined);
    assert.equal(post["x-amazon-apigateway-request-validator"], "body-and-params");
    assert.deepEqual(post.requestBody.content["application/json"].schema, {
      $ref: "#/components/schemas/ClickstreamEventBatch",
    });
    assert.deepEqual(
      document.components.schemas.ClickstreamEventBatch,
      gatewayModel(ingestion!.routes[0].bodySchema!.schema).model,
    );
    assert.deepEqual(
      post["x-amazon-apigateway-integration"],
      await eventsIntegration({ ingestion: ingestion! } as Run),
    );
    // The integration's responses set the CORS header declared on the method's 200 response.
    assert.ok(post.responses["200"].headers["Access-Control-Allow-Origin"]);
    assert.ok(document.paths["/events"].options, "a CORS preflight answers the browser");
    for (const methodPath of ["events/POST", "events/me/POST"]) {
      const throttle = mocks
        .ofType("aws:apigateway/methodSettings:MethodSettings")
        .find((m) => m.inputs.methodPath === methodPath)!;
      assert.equal(throttle.inputs.settings.throttlingRateLimit, 100);
      assert.equal(throttle.inputs.settings.throttlingBurstLimit, 200);
    }
    // A body over API Gateway's own limit is a 413 that names it, with the CORS header.
    const tooLarge = document["x-amazon-apigateway-gateway-responses"].REQUEST_TOO_LARGE;
    assert.equal(tooLarge.statusCode, "413");
    assert.match(JSON.parse(tooLarge.responseTemplates["application/json"]).error, /at most 10 MB/);
    assert.equal(tooLarge.responseParameters["gatewayresponse.header.Access-Control-Allow-Origin"], `'${origin}'`);
    const me = document.paths["/events/me"].post;
    assert.deepEqual(me.security, [{ cognito: [] }]);
    assert.equal(me["x-amazon-apigateway-request-validator"], "body-and-params");
    assert.deepEqual(me.requestBody.content["application/json"].schema, {
      $ref: "#/components/schemas/ClickstreamEventBatch",
    });
    assert.deepEqual(
      me["x-amazon-apigateway-integration"],
      await eventsIntegration({ ingestion: ingestion! } as Run, "/events/me"),
    );
  });
});
