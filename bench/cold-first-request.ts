// A Lambda cold start is the import and the first request: what leaving work out of the import
// saves is real only if the first request does not do it instead. For the handlers this is
// cheap to do for, one fresh `node` per sample starts a loopback stand-in for the AWS APIs the
// first request calls (answers in their documented shapes; AWS_ENDPOINT_URL points every
// client at it), loads the deployed bundle and answers one ordinary request, timing both.
import { execFileSync } from "node:child_process";

export interface FirstRequest {
  entry: string;
  /** What the request is, for the row's name. */
  what: string;
  /** The handler's event. */
  event: unknown;
  /** JavaScript: `(target, body) => ({ status, body })` answering one AWS call (target: X-Amz-Target, or "METHOD /path"). */
  fake: string;
  /** JavaScript: `(result) => boolean`, true when the handler answered the request as it should. */
  answered: string;
}

const arrival = Date.UTC(2026, 0, 1, 12);
const productView = {
  eventId: "evt-1",
  eventType: "product_view",
  sessionId: "session-1",
  itemId: "KIT-MUG-1",
  timestamp: new Date(arrival - 1000).toISOString(),
};

export const firstRequests: FirstRequest[] = [
  {
    entry: "handlers/clickstream/index.ts",
    what: "a batch of one product view (Firehose, Personalize)",
    event: {
      Records: [
        {
          eventID: "shardId-000000000000:1",
          kinesis: {
            sequenceNumber: "1",
            partitionKey: "session-1",
            data: Buffer.from(JSON.stringify(productView)).toString("base64"),
            approximateArrivalTimestamp: arrival / 1000,
          },
        },
      ],
    },
    // PutRecordBatch: one RequestResponses entry per record (Firehose API reference); PutEvents: 200, no body.
    fake: `(target, body) => target === "Firehose_20150804.PutRecordBatch"
      ? { status: 200, body: JSON.stringify({ FailedPutCount: 0, Encrypted: false, RequestResponses: JSON.parse(body).Records.map((_, i) => ({ RecordId: "r" + i })) }) }
      : target === "POST /events" ? { status: 200, body: "" } : { status: 400, body: JSON.stringify({ __type: "UnknownOperation", message: target }) }`,
    answered: "(result) => result.batchItemFailures.length === 0",
  },
  {
    entry: "handlers/catalog/index.ts",
    what: "GET /products (two Scans)",
    event: {
      resource: "/products",
      path: "/products",
      httpMethod: "GET",
      headers: {},
      multiValueHeaders: {},
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      requestContext: { requestId: "request-1" },
      body: null,
      isBase64Encoded: false,
    },
    fake: `(target, body) => {
      if (target !== "DynamoDB_20120810.Scan") return { status: 400, body: JSON.stringify({ __type: "UnknownOperationException", message: target }) };
      const items = JSON.parse(body).TableName === "orders-products"
        ? [{ sku: { S: "KIT-MUG-1" }, name: { S: "Mug" }, description: { S: "A stoneware mug" }, category: { S: "kitchen" }, priceCents: { N: "1200" }, currency: { S: "USD" }, image: { S: "/images/KIT-MUG-1.svg" } }]
        : [{ sku: { S: "KIT-MUG-1" }, stock: { N: "5" } }];
      return { status: 200, body: JSON.stringify({ Items: items, Count: items.length, ScannedCount: items.length }) };
    }`,
    answered: "(result) => result.statusCode === 200 && JSON.parse(result.body).items.length === 1",
  },
];

/** The environment the first requests expect beside the bench's own (table names the fakes answer for). */
export const firstRequestEnvironment = { PRODUCTS_TABLE: "orders-products", INVENTORY_TABLE: "orders-inventory" };

/** One fresh node: the stand-in, then the bundle's import and its first request, each timed in the child. */
export function firstRequestOnce(
  bundle: string,
  request: FirstRequest,
  env: Record<string, string>,
): { importMs: number; requestMs: number; importCpuMs: number; requestCpuMs: number } {
  const script = `
    const http = require("node:http");
    const fake = ${request.fake};
    const server = http.createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk) => { body += chunk; });
      req.on("end", () => {
        const answer = fake(req.headers["x-amz-target"] ?? req.method + " " + req.url.split("?")[0], body);
        res.writeHead(answer.status, { "Content-Type": "application/x-amz-json-1.1" }).end(answer.body);
      });
    });
    server.listen(0, "127.0.0.1", async () => {
      process.env.AWS_ENDPOINT_URL = "http://127.0.0.1:" + server.address().port;
      const cpu = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };
      const started = performance.now(), startedCpu = cpu();
      const { handler } = require(${JSON.stringify(bundle)});
      const imported = performance.now(), importedCpu = cpu();
      const result = await handler(${JSON.stringify(request.event)}, { functionName: "bench", awsRequestId: "request-1", getRemainingTimeInMillis: () => 30000 });
      const answered = performance.now(), answeredCpu = cpu();
      if (!(${request.answered})(result)) throw new Error("unexpected answer: " + JSON.stringify(result));
      console.log(JSON.stringify({ importMs: imported - started, requestMs: answered - imported, importCpuMs: importedCpu - startedCpu, requestCpuMs: answeredCpu - importedCpu }));
      server.close();
    });`;
  const out = execFileSync(process.execPath, ["-e", script], {
    env: { ...env, ...firstRequestEnvironment },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}
