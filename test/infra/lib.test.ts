import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { bundleHandler, bundleOptions, repoRoot } from "../../components/lib/bundle";
import { DeadLetterQueue, deadLetterRetentionSeconds } from "../../components/lib/dead-letter-queue";
import { BundledFunction } from "../../components/lib/function";
import { PrivateBucket } from "../../components/lib/private-bucket";
import { StreamConsumer } from "../../components/lib/stream-consumer";
import { accountId } from "../../testing/mocks";
import { allowedActions, statements } from "./policy-json";
import { runComponents } from "../../testing/program";

/** Every handler entry the program deploys. */
const handlerEntries = fs
  .readdirSync(path.join(repoRoot, "handlers"))
  .map((dir) => `handlers/${dir}/index.ts`)
  .filter((entry) => fs.existsSync(path.join(repoRoot, entry)));

/** A deployed handler bundle stays small enough for a fast cold start (SDK v3 excluded). */
const bundleBudgetBytes = 1024 * 1024;

describe("bundled handlers", () => {
  it("there are handlers to bundle", () => assert.ok(handlerEntries.length >= 1, "no handlers/<name>/index.ts found"));

  for (const entry of handlerEntries) {
    it(`${entry}: bundles under ${bundleBudgetBytes} bytes and leaves the AWS SDK out`, () => {
      const { code, bytes } = bundleHandler(entry);
      assert.ok(bytes > 1000 && bytes < bundleBudgetBytes, `${entry} bundle is ${bytes} bytes`);
      assert.match(code, /require\("@aws-sdk\/[a-z-]+"\)/, "AWS SDK v3 must stay external");
      assert.doesNotMatch(code, /\/work\/|node_modules\//, "no absolute or node_modules paths in the bundle");
    });

    it(`${entry}: two builds give identical bytes`, () => {
      const first = bundleHandler(entry);
      // Bypass the in-process cache: a fresh esbuild run of the same source.
      const again = buildSync(bundleOptions(entry)).outputFiles[0].text;
      assert.equal(again, first.code);
    });
  }
});

describe("BundledFunction", () => {
  const entry = handlerEntries[0];
  let fn: BundledFunction;
  const run = () =>
    runComponents("dev", () => {
      fn = new BundledFunction("fn", {
        entry,
        description: "test function",
        memoryMb: 384,
        timeoutSeconds: 12,
        logRetentionDays: 30,
        environment: { TABLE: "orders" },
        policyStatements: [
          { Action: ["dynamodb:GetItem"], Resource: "arn:aws:dynamodb:eu-west-1:123456789012:table/orders" },
        ],
        vpc: { subnetIds: ["subnet-a"], securityGroupIds: ["sg-1"] },
      });
    });

  it("runs nodejs22.x on arm64 with explicit memory, timeout, X-Ray and JSON logs to its own log group", async () => {
    const mocks = await run();
    const lambda = mocks.named("aws:lambda/function:Function", "fn").inputs;
    assert.equal(lambda.runtime, "nodejs22.x");
    assert.deepEqual(lambda.architectures, ["arm64"]);
    assert.equal(lambda.memorySize, 384);
    assert.equal(lambda.timeout, 12);
    assert.equal(lambda.handler, "index.handler");
    assert.deepEqual(lambda.tracingConfig, { mode: "Active" });
    assert.equal(lambda.loggingConfig.logFormat, "JSON");
    const logGroup = mocks.named("aws:cloudwatch/logGroup:LogGroup", "fn-logs");
    assert.equal(lambda.loggingConfig.logGroup, logGroup.state.name);
    assert.equal(logGroup.inputs.retentionInDays, 30);
    assert.deepEqual(lambda.environment, { variables: { TABLE: "orders" } });
    assert.deepEqual(lambda.vpcConfig, { subnetIds: ["subnet-a"], securityGroupIds: ["sg-1"] });
    assert.equal(fn.bundleBytes, bundleHandler(entry).bytes);
  });

  it("exposes the SHA-256 of its code: the same for the same handler source, another once the source changes", async () => {
    // Three handlers outside the repository: a and c have the same source, b a changed one.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "code-hash-"));
    try {
      const handler = (dirName: string, answer: string) => {
        fs.mkdirSync(path.join(dir, dirName));
        fs.writeFileSync(
          path.join(dir, dirName, "index.ts"),
          `export const handler = async () => ({ statusCode: 200, body: ${JSON.stringify(answer)} });\n`,
        );
        return path.relative(repoRoot, path.join(dir, dirName, "index.ts"));
      };
      const entries = { a: handler("a", "one"), b: handler("b", "two"), c: handler("c", "one") };
      const fns: Record<string, BundledFunction> = {};
      await runComponents("dev", () => {
        for (const [key, e] of Object.entries({ ...entries, real: entry })) {
          fns[key] = new BundledFunction(`fn-${key}`, {
            entry: e,
            description: key,
            memoryMb: 128,
            timeoutSeconds: 3,
            logRetentionDays: 1,
          });
        }
      });
      for (const fn of Object.values(fns)) assert.match(fn.codeHash, /^[0-9a-f]{64}$/);
      assert.equal(fns.a.codeHash, fns.c.codeHash, "same source, same hash (wherever the file is)");
      assert.notEqual(fns.a.codeHash, fns.b.codeHash, "a changed handler changes the hash");
      // The hash of an independent build of the same handler (bundleHandler caches per process).
      const modulePath = require.resolve("../../components/lib/bundle");
      delete require.cache[modulePath];
      // biome-ignore lint/style/noCommonJs: a fresh copy of the module (its build cache emptied), not the imported one
      const fresh = (require(modulePath) as typeof import("../../components/lib/bundle")).bundleHandler(entry);
      assert.equal(fns.real.codeHash, createHash("sha256").update(fresh.code).digest("hex"));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("its role trusts Lambda only from this account", async () => {
    const mocks = await run();
    const [trust] = statements(mocks.named("aws:iam/role:Role", "fn-role").inputs.assumeRolePolicy);
    assert.deepEqual(trust.Principal, { Service: "lambda.amazonaws.com" });
    assert.equal(trust.Action, "sts:AssumeRole");
    assert.deepEqual(trust.Condition, { StringEquals: { "aws:SourceAccount": accountId } });
  });

  it("may write only its own logs and traces, plus exactly what it was granted", async () => {
    const mocks = await run();
    const logGroupArn = mocks.named("aws:cloudwatch/logGroup:LogGroup", "fn-logs").state.arn;
    assert.deepEqual(allowedActions(mocks.named("aws:iam/rolePolicy:RolePolicy", "fn-policy").inputs.policy), {
      "logs:CreateLogStream": [`${logGroupArn}:*`],
      "logs:PutLogEvents": [`${logGroupArn}:*`],
      "xray:PutTraceSegments": ["*"],
      "xray:PutTelemetryRecords": ["*"],
      "dynamodb:GetItem": ["arn:aws:dynamodb:eu-west-1:123456789012:table/orders"],
      // In a VPC: its network interfaces (inline, not AWSLambdaVPCAccessExecutionRole, which grants every log group).
      // Created only in its own subnets with its own security groups.
      "ec2:CreateNetworkInterface": ["network-interface/*", "security-group/sg-1", "subnet/subnet-a"].map(
        (r) => `arn:aws:ec2:eu-west-1:123456789012:${r}`,
      ),
      "ec2:DeleteNetworkInterface": ["arn:aws:ec2:eu-west-1:123456789012:network-interface/*"],
      "ec2:AssignPrivateIpAddresses": ["arn:aws:ec2:eu-west-1:123456789012:network-interface/*"],
      "ec2:UnassignPrivateIpAddresses": ["arn:aws:ec2:eu-west-1:123456789012:network-interface/*"],
      "ec2:DescribeNetworkInterfaces": ["*"],
      "ec2:DescribeSubnets": ["*"],
    });
    assert.equal(
      mocks.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length,
      0,
      "no managed policy attached",
    );
  });
});

describe("StreamConsumer and DeadLetterQueue", () => {
  const streamArn = "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks";
  const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/k1";
  const run = (kind: "kinesis" | "dynamodb") =>
    runComponents("dev", () => {
      const fn = new BundledFunction("consumer-fn", {
        entry: handlerEntries[0],
        description: "d",
        memoryMb: 256,
        timeoutSeconds: 30,
        logRetentionDays: 14,
      });
      const dlq = new DeadLetterQueue("consumer-dlq", { purpose: "test-failures" });
      new StreamConsumer("consumer", {
        function: fn,
        source:
          kind === "kinesis"
            ? { kind, streamArn, kmsKeyArn: keyArn }
            : { kind, streamArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/t/stream/x" },
        deadLetterQueue: dlq,
        batchSize: 250,
        batchWindowSeconds: 7,
        parallelization: 3,
        maxRetryAttempts: 4,
        maxRecordAgeSeconds: 1800,
      });
    });

  it("the mapping carries every safe default", async () => {
    const mocks = await run("kinesis");
    const mapping = mocks.named("aws:lambda/eventSourceMapping:EventSourceMapping", "consumer").inputs;
    const queue = mocks.named("aws:sqs/queue:Queue", "consumer-dlq");
    assert.deepEqual(mapping.functionResponseTypes, ["ReportBatchItemFailures"]);
    assert.equal(mapping.bisectBatchOnFunctionError, true);
    assert.equal(mapping.maximumRetryAttempts, 4);
    assert.equal(mapping.maximumRecordAgeInSeconds, 1800);
    assert.equal(mapping.batchSize, 250);
    assert.equal(mapping.maximumBatchingWindowInSeconds, 7);
    assert.equal(mapping.parallelizationFactor, 3);
    assert.equal(mapping.startingPosition, "TRIM_HORIZON");
    assert.equal(mapping.eventSourceArn, streamArn);
    assert.deepEqual(mapping.destinationConfig, { onFailure: { destinationArn: queue.state.arn } });
  });

  it("the dead-letter queue is encrypted, keeps messages 14 days and refuses plain HTTP", async () => {
    const mocks = await run("kinesis");
    const queue = mocks.named("aws:sqs/queue:Queue", "consumer-dlq").inputs;
    assert.equal(queue.messageRetentionSeconds, deadLetterRetentionSeconds);
    assert.equal(deadLetterRetentionSeconds, 1209600);
    assert.equal(queue.sqsManagedSseEnabled, true);
    const [deny] = statements(mocks.named("aws:sqs/queuePolicy:QueuePolicy", "consumer-dlq-tls-only").inputs.policy);
    assert.equal(deny.Effect, "Deny");
    assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
  });

  it("grants exactly the stream reads, the key and the dead-letter send", async () => {
    const mocks = await run("kinesis");
    const queueArn = mocks.named("aws:sqs/queue:Queue", "consumer-dlq").state.arn;
    assert.deepEqual(allowedActions(mocks.named("aws:iam/rolePolicy:RolePolicy", "consumer-read").inputs.policy), {
      "kinesis:DescribeStream": [streamArn],
      "kinesis:DescribeStreamSummary": [streamArn],
      "kinesis:GetRecords": [streamArn],
      "kinesis:GetShardIterator": [streamArn],
      "kinesis:ListShards": [streamArn],
      "kms:Decrypt": [keyArn],
      "sqs:SendMessage": [queueArn],
    });
  });

  it("reads a DynamoDB stream with the DynamoDB stream actions only", async () => {
    const mocks = await run("dynamodb");
    const actions = Object.keys(
      allowedActions(mocks.named("aws:iam/rolePolicy:RolePolicy", "consumer-read").inputs.policy),
    ).sort();
    assert.deepEqual(actions, [
      "dynamodb:DescribeStream",
      "dynamodb:GetRecords",
      "dynamodb:GetShardIterator",
      "dynamodb:ListStreams",
      "sqs:SendMessage",
    ]);
    // ListStreams has no resource type: on the stream's ARN it would be refused.
    assert.deepEqual(
      allowedActions(mocks.named("aws:iam/rolePolicy:RolePolicy", "consumer-read").inputs.policy)[
        "dynamodb:ListStreams"
      ],
      ["*"],
    );
  });
});

describe("PrivateBucket", () => {
  it("blocks public access, enforces ownership, encrypts, versions and allows TLS only", async () => {
    const mocks = await runComponents("dev", () => {
      new PrivateBucket("data", { forceDestroy: false, kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k" });
    });
    const bucket = mocks.named("aws:s3/bucket:Bucket", "data");
    assert.equal(bucket.inputs.forceDestroy, false);
    assert.deepEqual(
      mocks.named("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "data-ownership").inputs.rule,
      { objectOwnership: "BucketOwnerEnforced" },
    );
    const pab = mocks.named("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "data-public-access").inputs;
    for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"])
      assert.equal(pab[flag], true, flag);
    const sse = mocks.named(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "data-encryption",
    ).inputs.rules[0];
    assert.deepEqual(sse.applyServerSideEncryptionByDefault, {
      sseAlgorithm: "aws:kms",
      kmsMasterKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k",
    });
    assert.equal(sse.bucketKeyEnabled, true);
    assert.equal(
      mocks.named("aws:s3/bucketVersioning:BucketVersioning", "data-versioning").inputs.versioningConfiguration.status,
      "Enabled",
    );
    const [deny] = statements(mocks.named("aws:s3/bucketPolicy:BucketPolicy", "data-policy").inputs.policy);
    assert.equal(deny.Effect, "Deny");
    assert.deepEqual(deny.Resource, [bucket.state.arn, `${bucket.state.arn}/*`]);
    assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
    for (const side of ["data-ownership", "data-public-access", "data-encryption", "data-versioning", "data-policy"]) {
      assert.equal(mocks.resources.find((r) => r.name === side)!.inputs.bucket, bucket.id, `${side} joins its bucket`);
    }
  });
});
