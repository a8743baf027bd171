// A generated lake for the analytics bench: sessions over 7 UTC days walking down the funnel
// (view → cart → checkout → purchase, fewer at each step), written as Firehose writes them
// (gzip JSON lines per day/hour) with a quarantine document per hour for ~0.5% refused events.
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { lakeEventsPrefix, quarantinePrefix } from "../components/ingestion";
import { normaliseClickstreamEvent, type ClickstreamEvent } from "../handlers/shared/clickstream-event";
import { seeded } from "./seeded-random";

const pad = (n: number) => String(n).padStart(2, "0");
const terms = ["mug", "teapot", "lamp", "blanket", "candle", "kettle", "vase", "rug", "chair", "desk lamp"];

export interface GeneratedLake {
  events: number;
  quarantined: number;
  firstDay: string;
}

/** Writes about `eventCount` events into `lakeDir`, ending on `lastDay` (YYYY-MM-DD). */
export function generateLake(lakeDir: string, eventCount: number, lastDay = "2026-11-30", days = 7): GeneratedLake {
  const random = seeded(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const start = Date.parse(`${lastDay}T00:00:00Z`) - (days - 1) * 86_400_000;
  const hours = days * 24;
  const perHour = Math.ceil(eventCount / hours);
  let written = 0;
  let quarantined = 0;
  let session = 0;
  for (let h = 0; h < hours && written < eventCount; h++) {
    const hourStart = start + h * 3_600_000;
    const lines: string[] = [];
    const refused: object[] = [];
    while (lines.length + refused.length < perHour && written < eventCount) {
      const sessionId = `s-${++session}`;
      const userId = random() < 0.6 ? `u-${Math.floor(random() * 50_000)}` : undefined;
      const item = () => `SKU-${String(Math.floor(random() ** 2 * 500)).padStart(4, "0")}`;
      const steps: Partial<ClickstreamEvent>[] = [
        { eventType: "page_view", page: { url: "https://shop.example.com/" } },
      ];
      if (random() < 0.4)
        steps.push({ eventType: "search", properties: { query: pick(terms), results: Math.floor(random() * 20) } });
      const viewed = Array.from({ length: 1 + Math.floor(random() * 5) }, item);
      for (const sku of viewed)
        steps.push({ eventType: "product_view", itemId: sku, page: { url: `https://shop.example.com/p/${sku}` } });
      if (random() < 0.3) {
        const sku = pick(viewed);
        steps.push({ eventType: "add_to_cart", itemId: sku, properties: { quantity: 1 } });
        if (random() < 0.5) {
          steps.push({ eventType: "checkout_start" });
          if (random() < 0.6)
            steps.push({ eventType: "purchase", itemId: sku, properties: { quantity: 1, priceCents: 1999 } });
        }
      }
      steps.forEach((step, i) => {
        const receivedAt = new Date(hourStart + Math.floor(random() * 3_500_000) + i);
        const raw = {
          eventId: `e-${session}-${i}`,
          sessionId,
          ...(userId ? { userId } : {}),
          timestamp: receivedAt.getTime() - 500,
          ...step,
        } as ClickstreamEvent;
        if (random() < 0.005) {
          refused.push({
            sequenceNumber: String(written),
            partitionKey: sessionId,
            shardId: "shardId-000000000000",
            receivedAt: receivedAt.toISOString(),
            kind: "invalid",
            reasons: [{ path: "itemId", code: "custom", message: "itemId is required" }],
            data: JSON.stringify({ ...raw, itemId: undefined }),
            dataEncoding: "utf8",
          });
        } else {
          lines.push(JSON.stringify(normaliseClickstreamEvent(raw, receivedAt)));
        }
        written++;
      });
    }
    const at = new Date(hourStart);
    const day = at.toISOString().slice(0, 10);
    const dir = path.join(
      lakeDir,
      lakeEventsPrefix.replace("!{timestamp:yyyy-MM-dd}", day).replace("!{timestamp:HH}", pad(at.getUTCHours())),
    );
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, `ingestion-delivery-1-${day}-${pad(at.getUTCHours())}-00-00-bench.gz`),
      gzipSync(`${lines.join("\n")}\n`),
    );
    if (refused.length > 0) {
      const qdir = path.join(lakeDir, quarantinePrefix, `dt=${day}`);
      fs.mkdirSync(qdir, { recursive: true });
      fs.writeFileSync(
        path.join(qdir, `shardId-000000000000-${h}-${refused.length}.json`),
        JSON.stringify({ quarantinedAt: at.toISOString(), entries: refused }),
      );
      quarantined += refused.length;
    }
  }
  return { events: written, quarantined, firstDay: new Date(start).toISOString().slice(0, 10) };
}
