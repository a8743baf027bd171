// One poller per shard, as an event source mapping runs them: reads records in order, gathers
// a batch until batchSize records or the batching window has passed since the first one, and
// hands it to processBatch; the next batch waits until the last one is done (order per shard).
import { type MappingSettings, processBatch, type BatchHandlers, type SourceRecord } from "./batches";

export interface ShardReader {
  /** Records after the last read, oldest first (at most `limit`). */
  read(limit: number): Promise<SourceRecord[]>;
}

export class ShardPoller {
  private running = true;
  private readonly done: Promise<void>;
  private wake?: () => void;
  /** Batches handed to the function so far (for tests and the bench). */
  batches = 0;

  constructor(
    private readonly reader: ShardReader,
    private readonly settings: MappingSettings,
    private readonly handlers: BatchHandlers,
    private readonly idleMs = 100,
  ) {
    this.done = this.loop();
  }

  private sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async loop() {
    const buffer: SourceRecord[] = [];
    let firstBufferedAt = 0;
    while (this.running) {
      try {
        if (buffer.length < this.settings.batchSize) {
          const read = await this.reader.read(this.settings.batchSize - buffer.length);
          if (read.length > 0 && buffer.length === 0) firstBufferedAt = Date.now();
          buffer.push(...read);
        }
        const windowOver = Date.now() - firstBufferedAt >= this.settings.batchWindowSeconds * 1000;
        if (buffer.length > 0 && (buffer.length >= this.settings.batchSize || windowOver)) {
          const batch = buffer.splice(0, this.settings.batchSize);
          this.batches += 1;
          await processBatch(batch, this.settings, this.handlers);
          if (buffer.length > 0) firstBufferedAt = Date.now();
          continue;
        }
      } catch (err) {
        // The source was unreachable (e.g. while stopping): try again after a pause.
        if (this.running) console.error(`stream poller: ${(err as Error).message}`);
      }
      if (this.running) await this.sleep(this.idleMs);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.done;
  }
}
