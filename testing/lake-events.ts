// The events in local mode's data lake, as a test waiting for them polls it: each object is read
// once (the Firehose stand-in writes every object whole, under a key of its own), so a poll
// costs one listing and the objects that are new since the last, not a read of the whole lake.
import { gunzipSync } from "node:zlib";
import { lakeEventsPrefix } from "../components/ingestion";
import type { LocalPlatform } from "../local/platform";

/** The fixed part of the delivery stream's prefix (events/dt=...): every event object is under it. */
const eventsFolder = lakeEventsPrefix.slice(0, lakeEventsPrefix.indexOf("!{"));
/** Reads of one object that may fail before it is taken as broken (a listing can run ahead of the write). */
const readAttempts = 3;

export class LakeEvents {
  private readonly byKey = new Map<string, Record<string, any>[]>();
  private readonly failures = new Map<string, number>();

  constructor(private readonly lake: LocalPlatform["lake"]) {}

  /** Every event in the lake's events/ objects (GZIP or not), in no particular order. */
  async all(): Promise<Record<string, any>[]> {
    for (const key of await this.lake.keys(eventsFolder)) {
      if (this.byKey.has(key)) continue;
      try {
        let body = await this.lake.read(key);
        if (body[0] === 0x1f && body[1] === 0x8b) body = gunzipSync(body);
        const lines = body.toString().split("\n");
        this.byKey.set(
          key,
          lines.filter((line) => line.trim().startsWith("{")).map((line) => JSON.parse(line)),
        );
      } catch (err) {
        const failed = (this.failures.get(key) ?? 0) + 1;
        if (failed >= readAttempts) throw new Error(`lake object ${key}: ${(err as Error).message}`);
        this.failures.set(key, failed);
      }
    }
    return [...this.byKey.values()].flat();
  }
}
