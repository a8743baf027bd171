// The local API gateway alone, with backends that answer at once: what routing, the Cognito
// authorizer, request validation and the mapping templates cost per request, over loopback
// HTTP. Local mode's end-to-end figures add the real handlers and emulators on top of this.
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { performance } from "node:perf_hooks";
import { createLocalGateway, type LocalGateway, type RequestLog } from "../local/gateway";
import { runProgram } from "../testing/program";
import { type BenchRow, formatNumber, formatTiming, percentile, timing } from "./table";

const warmUp = 30;
const samples = 300;
const concurrency = 16;
const issuer = "http://127.0.0.1:9/bench_pool";

const events = (n: number) => ({
  events: Array.from({ length: n }, (_, i) => ({
    eventId: `e-${i}`,
    eventType: "product_view",
    sessionId: `s-${i % 3}`,
    itemId: "SKU-1",
    timestamp: 1764590000000 + i,
    page: { url: "https://shop.example/p/1" },
  })),
});

interface Case {
  name: string;
  request: () => RequestInit & { path: string };
}

async function measure(gateway: LocalGateway, logs: RequestLog[], c: Case): Promise<BenchRow[]> {
  const send = async () => {
    const { path, ...init } = c.request();
    const response = await fetch(`${gateway.url}${path}`, init).catch((error) => {
      throw new Error(`${c.name}: ${error.cause?.code ?? error.message}`);
    });
    await response.arrayBuffer();
    if (response.status >= 300) throw new Error(`${c.name}: HTTP ${response.status}`);
  };
  for (let i = 0; i < warmUp; i++) await send();
  logs.length = 0;
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await send();
    latencies.push(performance.now() - start);
  }
  const inGateway = logs.map((l) => l.totalMs - l.integrationMs);
  const gatewayShare = inGateway.reduce((a, b) => a + b, 0) / latencies.reduce((a, b) => a + b, 0);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < samples) await send();
    }),
  );
  const perSecond = samples / ((performance.now() - started) / 1000);
  return [
    {
      name: `${c.name}: latency (sequential, instant backend)`,
      value: formatTiming(timing(latencies)),
      reference: `p99 ${formatNumber(percentile(latencies, 99), 2)} ms`,
      kind: "noisy",
    },
    {
      name: `${c.name}: requests/s (${concurrency} in flight)`,
      value: `${formatNumber(perSecond)} req/s`,
      kind: "noisy",
    },
    {
      name: `${c.name}: share of the client's time inside the gateway`,
      value: `${formatNumber(gatewayShare * 100, 0)} %`,
      reference: "rest: loopback HTTP and the client",
      kind: "noisy",
    },
  ];
}

export const benchmark = {
  title: "Local API gateway (dev stack document, backends answering at once)",
  async run(): Promise<BenchRow[]> {
    const run = await runProgram("dev");
    const { privateKey, publicKey } = await generateKeyPair("RS256");
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: "bench", alg: "RS256" }] };
    const idToken = await new SignJWT({ token_use: "id", sub: "bench-user", "cognito:groups": ["admin"] })
      .setProtectedHeader({ alg: "RS256", kid: "bench" })
      .setIssuer(issuer)
      .setExpirationTime("1h")
      .sign(privateKey);
    const logs: RequestLog[] = [];
    const gateway = await createLocalGateway({
      document: run.mocks.named("aws:apigateway/restApiPut:RestApiPut", "api-definition").inputs.body,
      stageName: "v1",
      invokeLambda: async () => ({
        statusCode: 201,
        headers: { "Content-Type": "application/json" },
        body: '{"orderId":"o-1"}',
      }),
      awsServiceCall: async (_service, _action, body) => {
        const count = (JSON.parse(body).Records as unknown[]).length;
        return {
          status: 200,
          body: JSON.stringify({
            FailedRecordCount: 0,
            Records: Array.from({ length: count }, (_, i) => ({
              SequenceNumber: String(i),
              ShardId: "shardId-000000000000",
            })),
          }),
        };
      },
      cognito: { issuer, jwks },
      onRequest: (log) => logs.push(log),
    });
    const json = { "Content-Type": "application/json" };
    const cases: Case[] = [
      { name: "GET /health (mock)", request: () => ({ path: "/health" }) },
      {
        name: "POST /events, 10 events (model + templates)",
        request: () => ({ path: "/events", method: "POST", headers: json, body: JSON.stringify(events(10)) }),
      },
      {
        name: "POST /events, 500 events",
        request: () => ({ path: "/events", method: "POST", headers: json, body: JSON.stringify(events(500)) }),
      },
      {
        name: "POST /orders (token + model + proxy event)",
        request: () => ({
          path: "/orders",
          method: "POST",
          headers: { ...json, Authorization: idToken, "Idempotency-Key": "k-1" },
          body: JSON.stringify({ lines: [{ sku: "TSHIRT-RED-M", quantity: 2 }] }),
        }),
      },
    ];
    const rows: BenchRow[] = [];
    try {
      for (const c of cases) rows.push(...(await measure(gateway, logs, c)));
    } finally {
      await gateway.close();
    }
    return rows;
  },
};
