// startLocal: the whole platform on 127.0.0.1, built from the rendered `dev` stack. Emulators
// hold the state (dynalite, kinesalite, s3rver, local-aws-sqs, cognito-local, the OpenSearch
// fake), stand-ins run what has no emulator (the orders table's stream, Firehose), every
// Lambda function runs its deployed bundle with its recorded environment (addresses swapped
// for the local ones), event source mappings run as pollers, and the local API gateway serves
// the deployed OpenAPI document. State lives under `stateDir` and survives a restart.
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  PutItemCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { CreateStreamCommand, KinesisClient, ListStreamsCommand, waitUntilStreamExists } from "@aws-sdk/client-kinesis";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { createServer as createTlsServer, type Server as TlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { repoRoot } from "../components/lib/bundle";
import { adminGroup } from "../handlers/shared/http";
import type { SiteRuntimeConfig } from "../components/storefront";
import { startDynamoDb, startKinesis, startS3, type Emulator } from "../testing/emulators";
import { FakeOpenSearch } from "../testing/opensearch-server";
import { lakeEventsPrefix, quarantinePrefix } from "../components/ingestion";
import { LocalAthena } from "./athena";
import { LocalFirehose } from "./firehose";
import { createLocalGateway, type LocalGateway, type RequestLog } from "./gateway";
import { kinesisServiceCall } from "./gateway/kinesis-service-call";
import { buildLambdaHost } from "./lambda/host-build";
import { LocalFunction } from "./lambda/pool";
import { renderStack, stackConfig } from "./render";
import { startSignIn, type DemoUser, type LocalSignIn } from "./sign-in";
import * as plan from "./stack-plan";
import { siteObjects, localContentSecurityPolicy, startStorefront, type StorefrontServer } from "./storefront-server";
import { startDynamoDbStreamProxy, type DynamoDbStreamProxy } from "./streams/dynamodb-stream";
import { kinesisShardReaders } from "./streams/kinesis";
import { sendToOnFailure } from "./streams/on-failure";
import { ShardPoller } from "./streams/poller";
import { localCertificate } from "./tls";
import { defaultPort } from "./start-options";

export interface StartLocalOptions {
  /** Where state, logs and the certificate live; default <repo>/.local. */
  stateDir?: string;
  /** The storefront's port; the API listens on port+1, sign-in on port+2. 0: free ports. Default 4000. */
  port?: number;
  /** Start from empty state (the render cache is kept). */
  reset?: boolean;
  /**
   * Stack config set on top of Pulumi.yaml and Pulumi.dev.yaml, as `pulumi up --config` sets
   * it (a key without a namespace is the project's), e.g. `{ processorBatchWindowSeconds: 0 }`
   * for events in the lake without the dev stack's 5 s batching window. Default: none, the
   * dev stack as committed. Each distinct config is rendered once and cached.
   */
  config?: Record<string, string | number | boolean>;
}

export interface LocalUser {
  email: string;
  password: string;
}

export interface LocalPlatform {
  urls: { storefront: string; api: string; signIn: string };
  users: { shopper: LocalUser; admin: LocalUser };
  /** The sign-in pool, for clients that talk to it directly. */
  signIn: { userPoolId: string; clientId: string; issuer: string };
  /**
   * The data lake as the Firehose stand-in and the processor write it. `dir` is the bucket's
   * folder in local S3, also linked as `<stateDir>/lake` (where `npm run analytics` looks).
   */
  lake: { bucket: string; dir: string; keys(prefix?: string): Promise<string[]>; read(key: string): Promise<Buffer> };
  /** Messages waiting in a dead-letter queue, by the queue's deployed name prefix (e.g. "ingestion-processor-dlq"). */
  deadLetters(queue: string): Promise<string[]>;
  /** How long start-up took, and whether the program's render came from the cache. */
  startup: { readyMs: number; renderCached: boolean };
  /** Gateway access-log lines and the time spent in functions, for the bench. */
  requestLogs: RequestLog[];
  functionTimings(): { name: string; invocations: number; handlerMs: number }[];
  stateDir: string;
  stop(): Promise<void>;
}

process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= "1"; // cognito-local loads SDK v2
const region = (stack: { outputs: Record<string, any> }) => String(stack.outputs.region);
/** s3rver accepts only its own key pair; the other emulators accept any. */
const localCredentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

function demoUsers(file: string): { shopper: DemoUser; admin: DemoUser } {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8"));
  // Meets the pool's password policy: 10+ characters, upper and lower case, digits.
  const password = () => `Local-${randomBytes(4).toString("hex")}-Pw1`;
  const users = {
    shopper: { email: "shopper@example.com", password: password(), groups: [] },
    admin: { email: "admin@example.com", password: password(), groups: [adminGroup] },
  };
  fs.writeFileSync(file, JSON.stringify(users, null, 2), { mode: 0o600 });
  return users;
}

/** Replaces every cloud address in a value with its local counterpart. */
function rewriter(pairs: [string, string][]) {
  const ordered = pairs.filter(([from]) => from).sort((a, b) => b[0].length - a[0].length);
  return (value: string) => ordered.reduce((v, [from, to]) => v.split(from).join(to), value);
}

async function listen(server: TlsServer): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Links `<stateDir>/lake` to the lake bucket's folder in local S3, so the analytics CLI's
 * default lake (`.local/lake`) is the one `npm start` fills. Returns the bucket's folder.
 */
function linkLake(stateDir: string, bucketDir: string): string {
  const link = path.join(stateDir, "lake");
  fs.mkdirSync(bucketDir, { recursive: true });
  const target = path.relative(stateDir, bucketDir);
  const current = fs.lstatSync(link, { throwIfNoEntry: false });
  if (current?.isSymbolicLink() && fs.readlinkSync(link) === target) return bucketDir;
  // Only a link (or nothing) is replaced: a folder of lake objects someone put there stays.
  if (current?.isSymbolicLink()) fs.unlinkSync(link);
  if (!current || current.isSymbolicLink()) fs.symlinkSync(target, link, "dir");
  return bucketDir;
}

export async function startLocal(options: StartLocalOptions = {}): Promise<LocalPlatform> {
  const started = performance.now();
  const stateDir = path.resolve(options.stateDir ?? path.join(repoRoot, ".local"));
  const dataDir = path.join(stateDir, "state");
  const logDir = path.join(stateDir, "logs");
  if (options.reset) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(logDir, { recursive: true, force: true });
  }
  for (const dir of [dataDir, logDir]) fs.mkdirSync(dir, { recursive: true });

  const rendered = await renderStack(stackConfig(options.config));
  const stack = rendered;
  const awsRegion = region(stack);
  const basePort = options.port ?? defaultPort;
  const portFor = (offset: number) => (basePort === 0 ? 0 : basePort + offset);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await stop().catch((err) => console.error(`local mode: stopping: ${(err as Error).message}`));
    }
  };

  try {
    // The storefront's origin comes first: sign-in callbacks and CORS name it.
    const storefront: StorefrontServer = await startStorefront({ port: portFor(0) });
    stops.push(() => storefront.stop());
    const cloudStorefrontUrl = String(stack.outputs.storefrontUrl);

    const pool = plan.userPool(stack);
    const replaceOrigin = (urls: string[] = []) => urls.map((u) => (u === cloudStorefrontUrl ? storefront.url : u));
    const users = demoUsers(path.join(dataDir, "users.json"));
    const signIn: LocalSignIn = await startSignIn({
      dataDirectory: path.join(dataDir, "cognito"),
      port: portFor(2),
      pool: {
        name: pool.name,
        usernameAttributes: pool.usernameAttributes,
        client: {
          name: pool.clientName,
          callbackUrls: replaceOrigin(pool.client.callbackUrls),
          logoutUrls: replaceOrigin(pool.client.logoutUrls),
          allowedOauthFlows: pool.client.allowedOauthFlows ?? [],
          allowedOauthScopes: pool.client.allowedOauthScopes ?? [],
          explicitAuthFlows: pool.client.explicitAuthFlows ?? [],
          idTokenValidityMinutes: pool.client.idTokenValidity ?? 60,
          accessTokenValidityMinutes: pool.client.accessTokenValidity ?? 60,
          refreshTokenValidityDays: pool.client.refreshTokenValidity ?? 30,
        },
        groups: pool.groups,
      },
      users: [users.shopper, users.admin],
    });
    stops.push(() => signIn.stop());

    // Emulators.
    const tls = await localCertificate(path.join(stateDir, "tls"));
    const dynamo: Emulator = await startDynamoDb({ path: path.join(dataDir, "dynamodb") });
    stops.push(() => dynamo.stop());
    const kinesis: Emulator = await startKinesis();
    stops.push(() => kinesis.stop());
    const bucketNames = plan.buckets(stack);
    fs.mkdirSync(path.join(dataDir, "s3"), { recursive: true });
    const s3: Emulator = await startS3(bucketNames, { path: path.join(dataDir, "s3") });
    stops.push(() => s3.stop());
    const clientOptions = (endpoint: string) => ({
      endpoint,
      region: awsRegion,
      credentials: localCredentials,
      requestHandler: new NodeHttpHandler(),
    });

    // SQS over TLS: the handlers send to queue URLs, which must be https.
    // biome-ignore lint/style/noCommonJs: local-aws-sqs ships no types
    const { createRequestHandler } = require("local-aws-sqs");
    const queuePlans = plan.queues(stack);
    const sqsHandler = createRequestHandler({
      port: 0,
      hostname: "127.0.0.1",
      region: awsRegion,
      accountId: "123456789012",
      emulateQueueCreationLifecycle: false,
      queues: queuePlans.map((q) => ({
        QueueName: q.name,
        Attributes: q.messageRetentionSeconds ? { MessageRetentionPeriod: q.messageRetentionSeconds } : {},
      })),
    });
    const sqsServer = createTlsServer({ key: tls.key, cert: tls.cert }, sqsHandler.requestHandler);
    const sqsEndpoint = await listen(sqsServer);
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          sqsServer.close(() => resolve());
          sqsServer.closeAllConnections();
        }),
    );
    const localQueueUrl = (q: plan.QueuePlan) => `${sqsEndpoint}/123456789012/${q.name}`;

    // Search: the OpenSearch fake over TLS, its documents saved on stop.
    const searchFile = path.join(dataDir, "search.json");
    const search = new FakeOpenSearch({ tls, recordRequests: false });
    await search.start();
    if (fs.existsSync(searchFile)) search.importState(JSON.parse(fs.readFileSync(searchFile, "utf8")));
    stops.push(async () => {
      fs.writeFileSync(searchFile, JSON.stringify(search.exportState()));
      await search.stop();
    });

    // Tables, seeded from the TableItems when first created; streams.
    const dynamoClient = new DynamoDBClient(clientOptions(dynamo.endpoint));
    stops.push(async () => dynamoClient.destroy());
    const tablePlans = plan.tables(stack);
    const existing = new Set((await dynamoClient.send(new ListTablesCommand({}))).TableNames ?? []);
    for (const table of tablePlans) {
      if (existing.has(table.name)) continue;
      const keySchema = (hash: string, range?: string) => [
        { AttributeName: hash, KeyType: "HASH" as const },
        ...(range ? [{ AttributeName: range, KeyType: "RANGE" as const }] : []),
      ];
      await dynamoClient.send(
        new CreateTableCommand({
          TableName: table.name,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: table.attributes.map((a) => ({
            AttributeName: a.name,
            AttributeType: a.type as "S" | "N" | "B",
          })),
          KeySchema: keySchema(table.hashKey, table.rangeKey),
          GlobalSecondaryIndexes: table.globalSecondaryIndexes.length
            ? table.globalSecondaryIndexes.map((i) => ({
                IndexName: i.name,
                KeySchema: keySchema(i.hashKey, i.rangeKey),
                Projection: { ProjectionType: i.projectionType as "ALL", NonKeyAttributes: i.nonKeyAttributes },
              }))
            : undefined,
        }),
      );
      // dynalite, like DynamoDB, refuses writes until the table is ACTIVE.
      await waitUntilTableExists(
        { client: dynamoClient, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.5 },
        { TableName: table.name },
      );
      for (const item of table.items)
        await dynamoClient.send(new PutItemCommand({ TableName: table.name, Item: JSON.parse(item) }));
    }
    const streamTables = tablePlans.filter((t) => t.streamViewType && t.streamArn);
    // dynalite has no streams: the stream proxy in front of it records what every write changed.
    const streamProxy: DynamoDbStreamProxy = await startDynamoDbStreamProxy({
      targetEndpoint: dynamo.endpoint,
      client: dynamoClient,
      region: awsRegion,
      tables: streamTables.map((t) => ({
        name: t.name,
        hashKey: t.hashKey,
        rangeKey: t.rangeKey,
        streamArn: t.streamArn!,
        streamViewType: t.streamViewType!,
      })),
    });
    stops.push(() => streamProxy.stop());

    const kinesisClient = new KinesisClient(clientOptions(kinesis.endpoint));
    stops.push(async () => kinesisClient.destroy());
    const streamPlans = plan.kinesisStreams(stack);
    const existingStreams = new Set((await kinesisClient.send(new ListStreamsCommand({}))).StreamNames ?? []);
    for (const s of streamPlans) {
      if (!existingStreams.has(s.name))
        await kinesisClient.send(new CreateStreamCommand({ StreamName: s.name, ShardCount: s.shardCount }));
      // Its shards are listed only once the stream is ACTIVE.
      await waitUntilStreamExists(
        { client: kinesisClient, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.5 },
        { StreamName: s.name },
      );
    }

    const s3Client = new S3Client({ ...clientOptions(s3.endpoint), forcePathStyle: true });
    stops.push(async () => s3Client.destroy());
    const firehose = await new LocalFirehose(plan.deliveryStreams(stack), s3Client).start();
    stops.push(() => firehose.stop());

    // Lambda functions, with their recorded environment pointed at the local platform.
    const functionPlans = plan.functions(stack);

    // Athena: the program's named queries on DuckDB over the lake bucket's folder. A function
    // names them by id (the AnalyticsReports function's NAMED_QUERY_IDS); ids map to names there.
    const lakeBucket = String(stack.outputs.dataLakeBucket);
    const lakeDir = linkLake(stateDir, path.join(dataDir, "s3", lakeBucket));
    const queryIds = new Map<string, string>(
      functionPlans.flatMap((f) =>
        f.environment.NAMED_QUERY_IDS
          ? Object.entries(JSON.parse(String(f.environment.NAMED_QUERY_IDS)) as Record<string, string>).map(
              ([name, id]): [string, string] => [id, name],
            )
          : [],
      ),
    );
    const athena = await new LocalAthena(
      plan
        .namedQueries(stack)
        .flatMap((q) => [...queryIds].filter(([, name]) => name === q.name).map(([id]) => ({ id, ...q }))),
      lakeDir,
      { eventsPrefix: lakeEventsPrefix, quarantinePrefix },
    ).start();
    stops.push(() => athena.stop());
    const deployTimeOnly = new Set(plan.deployTimeInvocations(stack));
    const rewrite = rewriter([
      [cloudStorefrontUrl, storefront.url],
      [String(stack.outputs.searchEndpoint), search.endpoint],
      ...queuePlans.map((q): [string, string] => [q.url, localQueueUrl(q)]),
    ]);
    const runtimeDir = path.join(stateDir, "runtime");
    const hostFile = buildLambdaHost(runtimeDir);
    const functionsByArn = new Map<string, LocalFunction>();
    const sdkConfigFile = path.join(runtimeDir, "no-aws-config");
    for (const fn of functionPlans) {
      if (deployTimeOnly.has(fn.name) || deployTimeOnly.has(fn.arn)) continue;
      const environment: Record<string, string> = {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        ...Object.fromEntries(Object.entries(fn.environment).map(([k, v]) => [k, rewrite(String(v))])),
        // What the Lambda service sets for every function.
        AWS_REGION: awsRegion,
        AWS_DEFAULT_REGION: awsRegion,
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroup ?? `/aws/lambda/${fn.name}`,
        AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomBytes(16).toString("hex")}`,
        ...(fn.logFormat === "JSON"
          ? { AWS_LAMBDA_LOG_FORMAT: "JSON", AWS_LAMBDA_LOG_LEVEL: fn.applicationLogLevel ?? "INFO" }
          : {}),
        AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
        AWS_XRAY_CONTEXT_MISSING: "LOG_ERROR",
        LAMBDA_TASK_ROOT: path.join(runtimeDir, fn.logicalName),
        TZ: ":UTC",
        // As the runtime provides the AWS SDK through NODE_PATH, wherever the code lies.
        NODE_PATH: path.join(repoRoot, "node_modules"),
        AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
        // The SDK's service-specific endpoints: the emulators, instead of AWS.
        AWS_ENDPOINT_URL_DYNAMODB: streamProxy.endpoint,
        AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ENDPOINT_URL_FIREHOSE: firehose.endpoint,
        AWS_ENDPOINT_URL_ATHENA: athena.endpoint,
        AWS_ENDPOINT_URL_SQS: sqsEndpoint,
        // Nothing leaves loopback: a service with no local stand-in gets an address nobody serves.
        AWS_ENDPOINT_URL_PERSONALIZE_EVENTS: "http://127.0.0.1:9",
        AWS_ENDPOINT_URL_PERSONALIZE_RUNTIME: "http://127.0.0.1:9",
        // No profile from this machine leaks in; the local certificate is trusted.
        AWS_CONFIG_FILE: sdkConfigFile,
        AWS_SHARED_CREDENTIALS_FILE: sdkConfigFile,
        NODE_EXTRA_CA_CERTS: tls.certFile,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      };
      const local = new LocalFunction(
        {
          name: fn.name,
          arn: fn.arn,
          code: fn.code,
          handler: fn.handler,
          timeoutSeconds: fn.timeoutSeconds,
          memoryMb: fn.memoryMb,
          environment,
        },
        hostFile,
        path.join(runtimeDir, fn.logicalName),
        path.join(logDir, `${fn.logicalName}.log`),
      );
      functionsByArn.set(fn.arn, local);
      stops.push(() => local.stop());
    }
    await Promise.all([...functionsByArn.values()].map((f) => f.warm()));

    // The API.
    const requestLogs: RequestLog[] = [];
    const api = plan.restApi(stack);
    const gateway: LocalGateway = await createLocalGateway({
      document: rewrite(api.document),
      stageName: api.stageName,
      port: portFor(1),
      accountId: "123456789012",
      cognito: { issuer: signIn.issuer, jwksUri: signIn.jwksUri },
      invokeLambda: async (functionArn, event) => {
        const fn = functionsByArn.get(functionArn);
        if (!fn) throw new Error(`no local function ${functionArn}`);
        const reply = await fn.invoke(event);
        if (reply.error) throw new Error(`${reply.error.errorType}: ${reply.error.errorMessage}`);
        return reply.result;
      },
      awsServiceCall: kinesisServiceCall({ endpoint: kinesis.endpoint, credentials: localCredentials }),
      onRequest: (log) => {
        if (requestLogs.length >= 100_000) requestLogs.splice(0, 50_000);
        requestLogs.push(log);
      },
    });
    stops.push(() => gateway.close());

    // Event source mappings.
    const sqsClient = new SQSClient({
      endpoint: sqsEndpoint,
      region: awsRegion,
      credentials: localCredentials,
      requestHandler: new NodeHttpHandler({ httpsAgent: { ca: tls.cert } as any }),
    });
    stops.push(async () => sqsClient.destroy());
    for (const mapping of plan.eventSourceMappings(stack)) {
      const fn = functionsByArn.get(mapping.functionArn);
      if (!fn)
        throw new Error(`event source mapping ${mapping.name} invokes an unknown function ${mapping.functionArn}`);
      const onFailureQueue = queuePlans.find((q) => q.arn === mapping.onFailureArn);
      const roleArn = functionPlans.find((f) => f.arn === mapping.functionArn)!.roleArn;
      const kind = mapping.eventSourceArn.startsWith("arn:aws:kinesis:") ? "kinesis" : "dynamodb";
      const settings = { ...mapping };
      const shardReaders =
        kind === "kinesis"
          ? await kinesisShardReaders({
              client: kinesisClient,
              streamName: streamPlans.find((s) => s.arn === mapping.eventSourceArn)!.name,
              streamArn: mapping.eventSourceArn,
              region: awsRegion,
              roleArn,
            })
          : [
              {
                shardId: "shardId-00000000000000000000-local",
                reader: streamProxy.streams
                  .get(streamTables.find((t) => t.streamArn === mapping.eventSourceArn)!.name)!
                  .reader(),
              },
            ];
      for (const { shardId, reader } of shardReaders) {
        const poller = new ShardPoller(reader, settings, {
          invoke: (records) => fn.invoke({ Records: records.map((r) => r.eventRecord) }),
          giveUp: async (records, condition, attempts, lastResult) => {
            if (!onFailureQueue) return;
            await sendToOnFailure(
              {
                client: sqsClient,
                queueUrl: localQueueUrl(onFailureQueue),
                functionArn: mapping.functionArn,
                sourceArn: mapping.eventSourceArn,
                kind,
              },
              shardId,
              records,
              condition,
              attempts,
              lastResult,
            );
          },
        });
        stops.push(() => poller.stop());
      }
    }

    // The storefront's config.json, as the program publishes it, with the local addresses.
    const cloudConfig = plan.siteConfig(stack);
    const config: SiteRuntimeConfig = {
      ...cloudConfig,
      apiUrl: gateway.url,
      region: awsRegion,
      userPoolId: signIn.userPoolId,
      userPoolClientId: signIn.clientId,
      hostedUiUrl: signIn.url,
      issuer: signIn.issuer,
    };
    storefront.publish(
      await siteObjects(),
      config,
      localContentSecurityPolicy({ api: new URL(gateway.url).origin, signIn: signIn.url }),
    );

    return {
      urls: { storefront: storefront.url, api: gateway.url, signIn: signIn.url },
      users: {
        shopper: { email: users.shopper.email, password: users.shopper.password },
        admin: { email: users.admin.email, password: users.admin.password },
      },
      signIn: { userPoolId: signIn.userPoolId, clientId: signIn.clientId, issuer: signIn.issuer },
      lake: {
        bucket: lakeBucket,
        dir: lakeDir,
        keys: async (prefix = "") => {
          const keys: string[] = [];
          let token: string | undefined;
          do {
            const page = await s3Client.send(
              new ListObjectsV2Command({ Bucket: lakeBucket, Prefix: prefix, ContinuationToken: token }),
            );
            keys.push(...(page.Contents ?? []).map((o) => o.Key!));
            token = page.NextContinuationToken;
          } while (token);
          return keys;
        },
        read: async (key) =>
          Buffer.from(
            await (
              await s3Client.send(new GetObjectCommand({ Bucket: lakeBucket, Key: key }))
            ).Body!.transformToByteArray(),
          ),
      },
      deadLetters: async (queue) => {
        const q = queuePlans.find((p) => p.name.startsWith(queue));
        if (!q) throw new Error(`no queue named ${queue}*`);
        const received = await sqsClient.send(
          new ReceiveMessageCommand({ QueueUrl: localQueueUrl(q), MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
        );
        return (received.Messages ?? []).map((m) => m.Body ?? "");
      },
      startup: { readyMs: performance.now() - started, renderCached: rendered.cached },
      requestLogs,
      functionTimings: () =>
        [...functionsByArn.values()].map((f) => ({
          name: f.spec.name,
          invocations: f.invocations,
          handlerMs: f.handlerMs,
        })),
      stateDir,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
