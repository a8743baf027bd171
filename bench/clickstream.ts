// ClickstreamProcessor figures for the largest batch of realistic events Lambda can deliver
// (6 MB invocation payload): CPU per event (process CPU time) against one JSON.parse + one
// JSON.stringify of the same records (interleaved in this run), the curve from 100 to 10,000 events, throughput
// through the core with in-process fakes (0 ms and 20 ms per call), calls made against the
// minimum the AWS limits allow. The bundle's bytes and cold import are in bench/cold-start.ts.
import type { PutRecordBatchCommand, PutRecordBatchCommandOutput } from "@aws-sdk/client-firehose";
import type { PutEventsCommand, PutEventsCommandOutput } from "@aws-sdk/client-personalize-events";
import type { PutObjectCommand, PutObjectCommandOutput } from "@aws-sdk/client-s3";
import { Logger } from "@aws-lambda-powertools/logger";
import { processClickstreamBatch } from "../handlers/clickstream/process-batch";
import type { ClickstreamEvent } from "../handlers/shared/clickstream-event";
import { syntheticStreamEvent } from "../testing/clickstream-events";
import {
  lambdaSyncPayloadBytes,
  maxDeliverableBatchSize,
  personalizeInFlightLimit,
} from "../components/clickstream-limits";
import { seeded } from "./seeded-random";
import { type BenchRow, formatNumber } from "./table";

const generatedEvents = 10_000;
const curveSizes = [100, 1_000, 2_500, 5_000, 10_000];
/** The issue's goal for every handler bundle (test/handlers/bundles.test.ts holds the budgets). */

/**
 * A realistic mix: sessions of 1-60 events (most short), 60% signed in, ~70% of events about
 * a product (so with itemId), the rest page views, searches and checkouts.
 */
function realisticBatch(eventCount = generatedEvents): ClickstreamEvent[] {
  const random = seeded(42);
  const events: ClickstreamEvent[] = [];
  const productTypes = [
    "product_view",
    "product_view",
    "product_view",
    "add_to_cart",
    "remove_from_cart",
    "purchase",
  ] as const;
  const otherTypes = ["page_view", "search", "checkout_start"] as const;
  for (let session = 0; events.length < eventCount; session++) {
    const length = Math.min(eventCount - events.length, 1 + Math.floor(-Math.log(1 - random()) * 12));
    const userId = random() < 0.6 ? `user-${Math.floor(random() * 5000)}` : undefined;
    for (let i = 0; i < length; i++) {
      const product = random() < 0.7;
      const sku = `SKU-${Math.floor(random() * 800)}`;
      events.push({
        eventId: `evt-${events.length}`,
        eventType: product
          ? productTypes[Math.floor(random() * productTypes.length)]
          : otherTypes[Math.floor(random() * otherTypes.length)],
        sessionId: `session-${session}`,
        ...(userId ? { userId } : {}),
        ...(product ? { itemId: sku } : {}),
        // Before the batch's arrival (11:00:01), within the allowed event-time window.
        timestamp: Date.UTC(2025, 2, 1, 10) + events.length * 250,
        page: { url: `https://shop.example.com/${product ? `p/${sku}` : ""}`, referrer: "https://shop.example.com/" },
        ...(product ? { properties: { category: "kitchen", position: i } } : {}),
      });
    }
  }
  // Sessions interleave on the stream as users act concurrently.
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [events[i], events[j]] = [events[j], events[i]];
  }
  return events;
}

const wait = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

function fakes(latencyMs: number) {
  const calls = { firehose: 0, personalize: 0 };
  return {
    calls,
    firehose: {
      async send(command: PutRecordBatchCommand): Promise<PutRecordBatchCommandOutput> {
        calls.firehose++;
        await wait(latencyMs);
        const records = command.input.Records ?? [];
        return { $metadata: {}, FailedPutCount: 0, RequestResponses: records.map((_, i) => ({ RecordId: String(i) })) };
      },
    },
    personalize: {
      async send(_: PutEventsCommand): Promise<PutEventsCommandOutput> {
        calls.personalize++;
        await wait(latencyMs);
        return { $metadata: {} };
      },
    },
    s3: {
      async send(_: PutObjectCommand): Promise<PutObjectCommandOutput> {
        await wait(latencyMs);
        return { $metadata: {} };
      },
    },
  };
}

/**
 * CPU seconds of this process (user + system, every thread: GC included) since `since`. The CPU
 * rows use it rather than the clock: on a shared machine the clock also counts the time the
 * process waited for a core, which swamped the figures (a 100-event batch read 90x one morning).
 */
const cpuSecondsSince = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

async function runOnce(batch: ReturnType<typeof syntheticStreamEvent>, latencyMs: number, concurrency = 8) {
  const f = fakes(latencyMs);
  const cpuStarted = process.cpuUsage();
  const started = process.hrtime.bigint();
  const { response, counts } = await processClickstreamBatch(batch, {
    firehose: { client: f.firehose, deliveryStreamName: "bench" },
    personalize: { client: f.personalize, trackingId: "bench", concurrency },
    quarantine: { client: f.s3, bucket: "bench", prefix: "quarantine/" },
    logger: new Logger({ serviceName: "clickstream-bench", logLevel: "SILENT" }),
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuSeconds = cpuSecondsSince(cpuStarted);
  if (response.batchItemFailures.length > 0 || counts.EventsToFirehose !== batch.Records.length)
    throw new Error("bench batch did not go through cleanly");
  return { seconds, cpuSeconds, calls: f.calls };
}

/** One JSON.parse and one JSON.stringify of each record's text (CPU seconds): the floor the processor is judged against. */
function parseAndStringify(texts: string[]): number {
  const started = process.cpuUsage();
  let bytes = 0;
  for (const text of texts) bytes += JSON.stringify(JSON.parse(text)).length;
  if (bytes === 0) throw new Error("nothing parsed");
  return cpuSecondsSince(started);
}

/** The most events (of this mix, in order) whose Lambda event stays within the 6 MB payload. */
function largestDeliverable(texts: string[]): number {
  let low = 1;
  let high = texts.length;
  const fits = (n: number) =>
    Buffer.byteLength(JSON.stringify(syntheticStreamEvent(texts.slice(0, n)))) <= lambdaSyncPayloadBytes;
  if (fits(high)) return high;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid;
  }
  return low;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export const benchmark = {
  title: "ClickstreamProcessor (the largest deliverable batch; curve to 10,000 events)",
  async run(): Promise<BenchRow[]> {
    const allEvents = realisticBatch();
    const allTexts = allEvents.map((e) => JSON.stringify(e));
    const fullPayloadBytes = Buffer.byteLength(JSON.stringify(syntheticStreamEvent(allTexts)));
    const eventCount = largestDeliverable(allTexts);
    const events = allEvents.slice(0, eventCount);
    const texts = allTexts.slice(0, eventCount);
    const batch = syntheticStreamEvent(texts);
    const batchBytes = Buffer.byteLength(JSON.stringify(batch));

    const minFirehose = Math.ceil(eventCount / 500);
    const perGroup = new Map<string, number>();
    for (const e of events) {
      if (e.itemId === undefined) continue;
      const key = `${e.sessionId}\u0000${e.userId ?? ""}`;
      perGroup.set(key, (perGroup.get(key) ?? 0) + 1);
    }
    const minPersonalize = [...perGroup.values()].reduce((sum, n) => sum + Math.ceil(n / 10), 0);
    const withItem = events.filter((e) => e.itemId !== undefined).length;

    // CPU per event against the parse + stringify floor, interleaved, 11 rounds (min and median).
    await runOnce(batch, 0); // warm-up (JIT)
    parseAndStringify(texts);
    const processorRuns: number[] = [];
    const processorWallRuns: number[] = [];
    const floorRuns: number[] = [];
    const fast: Awaited<ReturnType<typeof runOnce>>[] = [];
    for (let round = 0; round < 11; round++) {
      const run = await runOnce(batch, 0);
      fast.push(run);
      processorRuns.push(run.cpuSeconds);
      processorWallRuns.push(run.seconds);
      floorRuns.push(parseAndStringify(texts));
    }
    const perEventUs = (seconds: number, n: number) => (seconds * 1e6) / n;
    const processorUs = perEventUs(median(processorRuns), eventCount);
    const floorUs = perEventUs(median(floorRuns), eventCount);

    // The curve: per-event cost from 100 to 10,000 events (flat = linear growth).
    const curve: BenchRow[] = [];
    for (const size of curveSizes) {
      const curveTexts = allTexts.slice(0, size);
      const curveBatch = syntheticStreamEvent(curveTexts);
      await runOnce(curveBatch, 0);
      const runs: number[] = [];
      const floors: number[] = [];
      // Small batches take a few ms: more rounds, so the median is not one scheduler hiccup.
      const rounds = Math.max(5, Math.ceil(2_000 / size));
      for (let round = 0; round < rounds; round++) {
        runs.push((await runOnce(curveBatch, 0)).cpuSeconds);
        floors.push(parseAndStringify(curveTexts));
      }
      curve.push({
        name: `  curve: ${formatNumber(size)} events, CPU per event (median of ${rounds}; noisy)`,
        value: `${formatNumber(perEventUs(median(runs), size), 2)} us (min ${formatNumber(perEventUs(Math.min(...runs), size), 2)})`,
        reference: `parse + stringify ${formatNumber(perEventUs(median(floors), size), 2)} us (min ${formatNumber(perEventUs(Math.min(...floors), size), 2)})`,
        ratio: median(runs) / median(floors),
        kind: "noisy",
      });
    }

    const slow = [await runOnce(batch, 20), await runOnce(batch, 20)];
    const slowSeconds = median(slow.map((r) => r.seconds));
    // What config derives for the default on-demand stream (4 shards) at parallelization 1.
    const derivedInFlight = personalizeInFlightLimit({ quotaPerSecond: 1000, shards: 4, parallelization: 1 });
    const derived = [await runOnce(batch, 20, derivedInFlight), await runOnce(batch, 20, derivedInFlight)];
    const derivedSeconds = median(derived.map((r) => r.seconds));
    const { calls } = fast[0];

    return [
      {
        name: "batch: the most events Lambda can deliver (stable)",
        value: `${formatNumber(eventCount)} events, ${formatNumber(batchBytes)} B`,
        reference: `6 MB payload; ${formatNumber(generatedEvents)} events would be ${formatNumber(fullPayloadBytes)} B; config max for the largest events: ${maxDeliverableBatchSize()}`,
        ratio: batchBytes / lambdaSyncPayloadBytes,
        kind: "stable",
      },
      {
        name: "CPU per event (process CPU time), fakes at 0 ms (median of 11, interleaved; noisy)",
        value: `${formatNumber(processorUs, 2)} us (min ${formatNumber(perEventUs(Math.min(...processorRuns), eventCount), 2)})`,
        reference: `one JSON.parse + JSON.stringify ${formatNumber(floorUs, 2)} us (min ${formatNumber(perEventUs(Math.min(...floorRuns), eventCount), 2)}); goal <= 3x; ratio of the mins ${formatNumber(Math.min(...processorRuns) / Math.min(...floorRuns), 2)}`,
        ratio: processorUs / floorUs,
        kind: "noisy",
      },
      ...curve,
      {
        name: "events/s, fakes at 0 ms per call (wall clock, median of 11)",
        value: `${formatNumber(eventCount / median(processorWallRuns))} events/s`,
        reference: `${formatNumber(median(processorWallRuns) * 1000, 1)} ms per batch`,
        kind: "noisy",
      },
      {
        name: "events/s, fakes at 20 ms per call (median of 2)",
        value: `${formatNumber(eventCount / slowSeconds)} events/s`,
        reference: `${formatNumber(slowSeconds * 1000, 0)} ms per batch; Personalize 8 in flight, Firehose 4`,
        kind: "noisy",
      },
      {
        name: `events/s, 20 ms per call, Personalize ${derivedInFlight} in flight (derived: 1,000/s over 4 shards x 1)`,
        value: `${formatNumber(eventCount / derivedSeconds)} events/s`,
        reference: `${formatNumber(derivedSeconds * 1000, 0)} ms per batch; ${formatNumber(calls.personalize / derivedSeconds)} PutEvents/s per invocation <= 250`,
        ratio: calls.personalize / derivedSeconds / 250,
        kind: "noisy",
      },
      {
        name: "Firehose PutRecordBatch calls (stable)",
        value: `${calls.firehose} calls`,
        reference: `min ${minFirehose} (ceil(${eventCount}/500))`,
        ratio: calls.firehose / minFirehose,
        kind: "stable",
      },
      {
        name: "Personalize PutEvents calls (stable)",
        value: `${formatNumber(calls.personalize)} calls`,
        reference: `min ${minPersonalize} (sum of ceil(n/10) over ${perGroup.size} sessions; ${formatNumber(withItem)} events with itemId)`,
        ratio: calls.personalize / minPersonalize,
        kind: "stable",
      },
    ];
  },
};
