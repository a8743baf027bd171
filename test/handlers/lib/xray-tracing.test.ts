// What a traced invocation sends to the X-Ray daemon (a UDP socket on 127.0.0.1, port 0, at
// AWS_XRAY_DAEMON_ADDRESS) and what its downstream requests carry: a real SDK call against
// dynalite, SDK retries and errors against a fake at the HTTP boundary, OpenSearch requests
// against a local server, and the orders handler's `## index.handler` subsegment. Unsampled,
// without a trace header or outside Lambda: not one datagram.
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { strict as assert } from "node:assert";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createOpenSearchClient, OpenSearchConnectionError } from "../../../handlers/lib/opensearch-client";
import { createTelemetry } from "../../../handlers/lib/telemetry";
import { traceAwsClient } from "../../../handlers/lib/xray-aws-sdk";
import { daemonHeader } from "../../../handlers/lib/xray-daemon";
import { clientConfig, type Emulator, startDynamoDb } from "../../../testing/emulators";
import { FakeXRayDaemon, lambdaTraceHeader } from "../../../testing/xray-daemon";

const tracingVariables = [
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "_X_AMZN_TRACE_ID",
  "AWS_XRAY_DAEMON_ADDRESS",
  "_HANDLER",
];

/** An HTTP server on loopback answering each request with the next of `answers` (the last repeats). */
async function answering(answers: Array<{ status: number; body: string; type?: string }>) {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on("end", () => {
      const answer = answers[Math.min(seen.length - 1, answers.length - 1)];
      res.writeHead(answer.status, { "content-type": answer.type ?? "application/x-amz-json-1.0" }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("X-Ray tracing on the wire", () => {
  let daemon: FakeXRayDaemon;
  let dynamo: Emulator;
  const saved: Record<string, string | undefined> = {};
  let trace: ReturnType<typeof lambdaTraceHeader>;

  before(async () => {
    for (const name of tracingVariables) saved[name] = process.env[name];
    daemon = await new FakeXRayDaemon().start();
    dynamo = await startDynamoDb();
    const setup = new DynamoDBClient(clientConfig(dynamo));
    await setup.send(
      new CreateTableCommand({
        TableName: "traced",
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    setup.destroy();
  });
  after(async () => {
    for (const name of tracingVariables)
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    await dynamo.stop();
    await daemon.stop();
  });
  /** What Lambda sets for an invocation with active tracing. */
  beforeEach(() => {
    trace = lambdaTraceHeader(true);
    process.env.AWS_LAMBDA_FUNCTION_NAME = "orders";
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = "on-demand";
    process.env._X_AMZN_TRACE_ID = trace.value;
    process.env.AWS_XRAY_DAEMON_ADDRESS = daemon.address;
    daemon.clear();
  });

  /** A dynalite client, traced, that also records the headers of each request as sent. */
  function tracedDynamo(options: { endpoint?: string; maxAttempts?: number } = {}) {
    const client = traceAwsClient(
      new DynamoDBClient({
        ...clientConfig(dynamo),
        ...options,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      }),
    );
    const sent: Array<Record<string, string>> = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: "finalizeRequest", priority: "low", name: "recordSentHeaders" },
    );
    return { client, sent };
  }

  describe("an AWS SDK v3 call", () => {
    it("is one datagram: the daemon header, then an independent subsegment of the invocation's function segment", async () => {
      const { client } = tracedDynamo();
      await client.send(new PutItemCommand({ TableName: "traced", Item: { pk: { S: "a" } } }));
      const [datagram] = await daemon.drain();
      assert.ok(datagram, "a datagram arrived");
      assert.equal(`${datagram.header}\n`, daemonHeader);
      const doc = datagram.document;
      assert.equal(doc.type, "subsegment");
      assert.equal(doc.trace_id, trace.root);
      assert.equal(doc.parent_id, trace.parent, "under the segment Lambda created");
      assert.match(doc.id, /^[0-9a-f]{16}$/);
      assert.equal(doc.name, "DynamoDB");
      assert.equal(doc.namespace, "aws");
      assert.equal(doc.aws.operation, "PutItem");
      assert.equal(doc.aws.region, "us-east-1");
      assert.equal(doc.aws.table_name, "traced");
      assert.equal(doc.aws.retries, 0);
      assert.equal(typeof doc.aws.request_id, "string");
      assert.equal(doc.http.response.status, 200);
      assert.ok(doc.start_time <= doc.end_time && Math.abs(doc.end_time - Date.now() / 1000) < 60, "epoch seconds");
      assert.equal(doc.error ?? doc.fault ?? doc.throttle, undefined);
      client.destroy();
    });

    it("carries X-Amzn-Trace-Id with the subsegment as Parent, sampled, Lineage kept", async () => {
      const { client, sent } = tracedDynamo();
      await client.send(new GetItemCommand({ TableName: "traced", Key: { pk: { S: "a" } } }));
      const [datagram] = await daemon.drain();
      assert.equal(
        sent[0]["X-Amzn-Trace-Id"],
        `Root=${trace.root};Parent=${datagram.document.id};Sampled=1;Lineage=a87bd80c:0`,
      );
      client.destroy();
    });

    it("captured twice, still one subsegment per call", async () => {
      const { client } = tracedDynamo();
      traceAwsClient(client);
      await client.send(new GetItemCommand({ TableName: "traced", Key: { pk: { S: "a" } } }));
      assert.equal((await daemon.drain()).length, 1);
      client.destroy();
    });

    it("records a service error: 4XX error flag, the exception as a remote cause", async () => {
      const { client } = tracedDynamo();
      await assert.rejects(client.send(new GetItemCommand({ TableName: "missing", Key: { pk: { S: "a" } } })));
      const [{ document: doc }] = await daemon.drain();
      assert.equal(doc.http.response.status, 400);
      assert.equal(doc.error, true);
      assert.equal(doc.fault, undefined);
      assert.equal(doc.cause.exceptions[0].type, "ResourceNotFoundException");
      assert.equal(doc.cause.exceptions[0].remote, true);
      client.destroy();
    });

    it("covers every attempt in one subsegment: retries counted, throttling flagged when the last attempt is throttled", async () => {
      const throttled = {
        status: 400,
        body: '{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}',
      };
      const server = await answering([throttled, throttled, { status: 200, body: "{}" }]);
      try {
        const { client, sent } = tracedDynamo({ endpoint: server.endpoint, maxAttempts: 3 });
        await client.send(new GetItemCommand({ TableName: "traced", Key: { pk: { S: "a" } } }));
        const [datagram, ...more] = await daemon.drain();
        assert.equal(more.length, 0, "one subsegment for the call");
        assert.equal(datagram.document.aws.retries, 2);
        assert.equal(datagram.document.http.response.status, 200);
        assert.equal(datagram.document.throttle, undefined, "the call succeeded");
        assert.equal(new Set(sent.map((h) => h["X-Amzn-Trace-Id"])).size, 1, "every attempt carries the same header");
        client.destroy();

        const once = tracedDynamo({ endpoint: server.endpoint, maxAttempts: 1 });
        server.seen.length = 0;
        await assert.rejects(once.client.send(new GetItemCommand({ TableName: "traced", Key: { pk: { S: "a" } } })));
        const [{ document: doc }] = await daemon.drain();
        assert.equal(doc.throttle, true);
        assert.equal(doc.error, true);
        assert.equal(doc.cause.exceptions[0].type, "ProvisionedThroughputExceededException");
        once.client.destroy();
      } finally {
        await server.stop();
      }
    });

    it("a connection that gets no answer is a fault with a local cause", async () => {
      const { client } = tracedDynamo({ endpoint: "http://127.0.0.1:9", maxAttempts: 1 });
      await assert.rejects(client.send(new GetItemCommand({ TableName: "traced", Key: { pk: { S: "a" } } })));
      const [{ document: doc }] = await daemon.drain();
      assert.equal(doc.fault, true);
      assert.equal(doc.cause.exceptions[0].remote, false);
      client.destroy();
    });
  });

  describe("nothing is sent", () => {
    it("for an unsampled invocation (Sampled=0), whose header the SDK still passes on unchanged", async () => {
      const unsampled = lambdaTraceHeader(false);
      process.env._X_AMZN_TRACE_ID = unsampled.value;
      const { client, sent } = tracedDynamo();
      await client.send(new GetItemCommand({ TableName: "traced", Key: { pk: { S: "a" } } }));
      assert.deepEqual(await daemon.drain(), []);
      assert.equal(sent[0]["X-Amzn-Trace-Id"], unsampled.value, "the sampling decision travels on");
      client.destroy();
    });

    it("without a trace header, outside Lambda, or without a daemon address", async () => {
      const { client } = tracedDynamo();
      const call = () => client.send(new GetItemCommand({ TableName: "traced", Key: { pk: { S: "a" } } }));
      delete process.env._X_AMZN_TRACE_ID;
      await call();
      process.env._X_AMZN_TRACE_ID = trace.value;
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
      await call();
      process.env.AWS_LAMBDA_FUNCTION_NAME = "orders";
      delete process.env.AWS_XRAY_DAEMON_ADDRESS;
      await call();
      assert.deepEqual(await daemon.drain(), []);
      client.destroy();
    });
  });

  describe("an OpenSearch request (fetch)", () => {
    const credentials = async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" });

    it("is a remote subsegment named after the host, with the request (no query string) and the response status", async () => {
      const server = await answering([{ status: 200, body: '{"hits":{}}', type: "application/json" }]);
      try {
        const client = createOpenSearchClient({ endpoint: server.endpoint, region: "us-east-1", credentials });
        await client.request({ method: "POST", path: "/orders/_search", query: { size: 1 }, body: {} });
        const [{ document: doc }] = await daemon.drain();
        assert.equal(doc.type, "subsegment");
        assert.equal(doc.parent_id, trace.parent);
        assert.equal(doc.name, "127.0.0.1");
        assert.equal(doc.namespace, "remote");
        assert.deepEqual(doc.http, {
          request: { method: "POST", url: `${server.endpoint}/orders/_search` },
          response: { status: 200 },
        });
        assert.equal(
          server.seen[0]["x-amzn-trace-id"],
          `Root=${trace.root};Parent=${doc.id};Sampled=1;Lineage=a87bd80c:0`,
          "the request carries the header, this subsegment as Parent",
        );
        assert.match(String(server.seen[0].authorization), /SignedHeaders=(?!.*x-amzn-trace-id)/, "not signed");
      } finally {
        await server.stop();
      }
    });

    it("flags a 4XX as error and a 5XX as fault; no answer is a fault with the connection error as cause", async () => {
      const server = await answering([
        { status: 404, body: "{}", type: "application/json" },
        { status: 503, body: "{}", type: "application/json" },
      ]);
      try {
        const client = createOpenSearchClient({ endpoint: server.endpoint, region: "us-east-1", credentials });
        await client.request({ method: "GET", path: "/orders/_doc/1" });
        await client.request({ method: "GET", path: "/orders/_doc/1" });
        const refused = createOpenSearchClient({ endpoint: "http://127.0.0.1:9", region: "us-east-1", credentials });
        await assert.rejects(refused.request({ method: "GET", path: "/" }), OpenSearchConnectionError);
        const [notFound, unavailable, noAnswer] = (await daemon.drain()).map((d) => d.document);
        assert.deepEqual([notFound.error, notFound.fault], [true, undefined]);
        assert.deepEqual([unavailable.error, unavailable.fault], [undefined, true]);
        assert.equal(noAnswer.fault, true);
        assert.equal(noAnswer.cause.exceptions[0].type, "OpenSearchConnectionError");
        assert.equal(noAnswer.http.response, undefined);
      } finally {
        await server.stop();
      }
    });

    it("unsampled: no datagram, the invocation's header passed on unchanged", async () => {
      const unsampled = lambdaTraceHeader(false);
      process.env._X_AMZN_TRACE_ID = unsampled.value;
      const server = await answering([{ status: 200, body: "{}", type: "application/json" }]);
      try {
        const client = createOpenSearchClient({ endpoint: server.endpoint, region: "us-east-1", credentials });
        await client.request({ method: "GET", path: "/" });
        assert.deepEqual(await daemon.drain(), []);
        assert.equal(server.seen[0]["x-amzn-trace-id"], unsampled.value);
      } finally {
        await server.stop();
      }
    });
  });

  describe("the invocation's subsegment (traceInvocation)", () => {
    it("is `## index.handler` under Lambda's segment, annotated ColdStart, Service and what the handler adds; calls hang under it", async () => {
      process.env._HANDLER = "index.handler";
      const telemetry = createTelemetry({ serviceName: "orders-api", metricsNamespace: "Test" });
      const { client } = tracedDynamo();
      const invoke = () =>
        telemetry.traceInvocation(async (invocation) => {
          await client.send(new GetItemCommand({ TableName: "traced", Key: { pk: { S: "a" } } }));
          invocation.annotate("statusCode", 200);
          return "done";
        });
      assert.equal(await invoke(), "done");
      const [call, handler] = (await daemon.drain()).map((d) => d.document);
      assert.equal(handler.name, "## index.handler");
      assert.equal(handler.parent_id, trace.parent);
      assert.equal(handler.trace_id, trace.root);
      assert.deepEqual(handler.annotations, { ColdStart: true, Service: "orders-api", statusCode: 200 });
      assert.equal(call.parent_id, handler.id, "the SDK call is the handler subsegment's child");
      assert.ok(call.end_time <= handler.end_time);

      await invoke();
      const [, second] = (await daemon.drain()).map((d) => d.document);
      assert.equal(second.annotations.ColdStart, false, "only the container's first invocation is cold");
      client.destroy();
    });

    it("is never a cold start with provisioned concurrency, which initialises before any invocation", async () => {
      process.env.AWS_LAMBDA_INITIALIZATION_TYPE = "provisioned-concurrency";
      await createTelemetry({ serviceName: "orders-api" }).traceInvocation(async () => undefined);
      const [{ document: doc }] = await daemon.drain();
      assert.equal(doc.annotations.ColdStart, false);
    });

    it("records a thrown error on it as a fault and rethrows", async () => {
      const telemetry = createTelemetry({ serviceName: "orders-api" });
      await assert.rejects(
        telemetry.traceInvocation(async () => {
          throw new Error("handler failed");
        }),
        /handler failed/,
      );
      const [{ document: doc }] = await daemon.drain();
      assert.equal(doc.fault, true);
      assert.equal(doc.cause.exceptions[0].message, "handler failed");
    });

    it("runs the work untraced, with no datagram, when the invocation is not sampled", async () => {
      process.env._X_AMZN_TRACE_ID = lambdaTraceHeader(false).value;
      const telemetry = createTelemetry({ serviceName: "orders-api" });
      const answer = await telemetry.traceInvocation(async (invocation) => {
        invocation.annotate("statusCode", 200);
        return 7;
      });
      assert.equal(answer, 7);
      assert.deepEqual(await daemon.drain(), []);
    });
  });

  it("an over-size subsegment still arrives, within 64 kB", async () => {
    const server = await answering([
      { status: 400, body: JSON.stringify({ __type: "ValidationException", message: "v".repeat(120_000) }) },
    ]);
    try {
      const { client } = tracedDynamo({ endpoint: server.endpoint, maxAttempts: 1 });
      await assert.rejects(client.send(new GetItemCommand({ TableName: "traced", Key: { pk: { S: "a" } } })));
      const [datagram] = await daemon.drain();
      assert.ok(datagram.raw.length <= Buffer.byteLength(daemonHeader) + 64_000, `${datagram.raw.length} bytes`);
      assert.equal(datagram.document.error, true);
      assert.equal(datagram.document.cause.exceptions[0].message.length, 250);
      client.destroy();
    } finally {
      await server.stop();
    }
  });
});
