// Local mode: time from start to ready (a restart on existing state, with the program's render
// cached, is what `npm start` does every day), and requests/s with p50/p99 latency of
// POST /events and POST /orders through the local gateway, with the share of each request's
// time spent in the gateway itself (routing, authorizer, validation, templates) versus its
// backend (kinesalite for events; the order function's process for orders).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startLocal, type LocalPlatform } from "../local/platform";
import { signInWithHostedUi } from "../testing/sign-in-client";
import { type BenchRow, formatNumber, formatTiming, percentile, timing } from "./table";

const requestsPerRoute = 300;
const concurrency = 4;
const startBudgetMs = 15_000;

async function load(
  count: number,
  send: (i: number) => Promise<Response>,
): Promise<{ latencies: number[]; seconds: number; failures: number }> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        const response = await send(i);
        await response.arrayBuffer();
        if (response.status >= 300) failures += 1;
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000, failures };
}

function routeRows(
  name: string,
  platform: LocalPlatform,
  resource: string,
  result: Awaited<ReturnType<typeof load>>,
): BenchRow[] {
  const logs = platform.requestLogs.filter((l) => l.resourcePath === resource && l.httpMethod === "POST");
  const total = logs.reduce((s, l) => s + l.totalMs, 0);
  const backend = logs.reduce((s, l) => s + l.integrationMs, 0);
  return [
    {
      name: `${name}: requests/s (${concurrency} clients, ${result.latencies.length} requests, ${result.failures} not 2xx)`,
      value: `${formatNumber(result.latencies.length / result.seconds, 0)} req/s`,
      kind: "noisy",
    },
    {
      name: `${name}: latency (client)`,
      value: formatTiming(timing(result.latencies), "ms", 1),
      reference: `p99 ${formatNumber(percentile(result.latencies, 99), 1)} ms`,
      kind: "noisy",
    },
    {
      name: `${name}: share of gateway time in the gateway itself`,
      value: `${formatNumber((100 * (total - backend)) / total, 1)} %`,
      reference: `backend ${formatNumber((100 * backend) / total, 1)} %`,
      kind: "noisy",
    },
  ];
}

export const benchmark = {
  title: "Local mode (npm start)",
  async run(): Promise<BenchRow[]> {
    const stateDir = mkdtempSync(path.join(tmpdir(), "bench-local-"));
    try {
      const first = await startLocal({ port: 0, stateDir });
      await first.stop();
      const platform = await startLocal({ port: 0, stateDir });
      try {
        const rows: BenchRow[] = [
          {
            name: `start to ready, first start (render ${first.startup.renderCached ? "cached" : "not cached"})`,
            value: `${formatNumber(first.startup.readyMs / 1000, 1)} s`,
            reference: `${startBudgetMs / 1000} s budget`,
            ratio: first.startup.readyMs / startBudgetMs,
            kind: "noisy",
          },
          {
            name: "start to ready, restart on existing state",
            value: `${formatNumber(platform.startup.readyMs / 1000, 1)} s`,
            reference: `${startBudgetMs / 1000} s budget`,
            ratio: platform.startup.readyMs / startBudgetMs,
            kind: "noisy",
          },
        ];
        const api = platform.urls.api;
        const events = await load(requestsPerRoute, (i) =>
          fetch(`${api}/events`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              events: [
                {
                  eventId: `bench-${i}`,
                  eventType: "page_view",
                  sessionId: `bench-${i % 20}`,
                  timestamp: Date.now(),
                  page: { url: "https://shop.example.com/" },
                },
              ],
            }),
          }),
        );
        rows.push(...routeRows("POST /events", platform, "/events", events));

        const tokens = await signInWithHostedUi(
          platform.urls.signIn,
          platform.signIn.clientId,
          platform.urls.storefront,
          platform.users.shopper.email,
          platform.users.shopper.password,
        );
        const run = Date.now();
        const catalogSkus = (
          JSON.parse(readFileSync(path.join(__dirname, "../catalog/products.json"), "utf8")) as {
            sku: string;
            stock: number;
          }[]
        )
          .filter((p) => p.stock * 20 >= requestsPerRoute) // stock for every order of the run, whatever the order
          .map((p) => p.sku);
        const orders = await load(requestsPerRoute, (i) =>
          fetch(`${api}/orders`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              authorization: tokens.idToken,
              "idempotency-key": `bench-${run}-${i}`,
            },
            // Round-robin over the catalog, so the figures measure placing orders, not refusing them for stock.
            body: JSON.stringify({ lines: [{ sku: catalogSkus[i % catalogSkus.length], quantity: 1 }] }),
          }),
        );
        rows.push(...routeRows("POST /orders", platform, "/orders", orders));
        const ordersFunction = platform.functionTimings().find((f) => f.name.startsWith("orders-api"));
        if (ordersFunction)
          rows.push({
            name: "POST /orders: mean time inside the order function's process",
            value: `${formatNumber(ordersFunction.handlerMs / ordersFunction.invocations, 2)} ms`,
          });
        return rows;
      } finally {
        await platform.stop();
      }
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  },
};
