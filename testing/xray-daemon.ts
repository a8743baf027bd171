// A stand-in for the X-Ray daemon Lambda runs beside a traced function: a UDP socket on
// 127.0.0.1 (port 0) that keeps every datagram and checks its framing, the daemon header line
// then one JSON segment document. `environment()` is what Lambda sets for a traced invocation.
import { createSocket, type Socket } from "node:dgram";
import { randomBytes } from "node:crypto";

export interface Datagram {
  /** The whole datagram, as sent. */
  raw: Buffer;
  /** The first line: the daemon header. */
  header: string;
  /** The segment document after it. */
  document: Record<string, any>;
}

export class FakeXRayDaemon {
  readonly datagrams: Datagram[] = [];
  private socket?: Socket;
  private waiters: Array<() => void> = [];
  address = "";

  async start(): Promise<this> {
    const socket = createSocket("udp4");
    this.socket = socket;
    socket.on("message", (raw) => {
      const text = raw.toString("utf8");
      const newline = text.indexOf("\n");
      this.datagrams.push({ raw, header: text.slice(0, newline), document: JSON.parse(text.slice(newline + 1)) });
      for (const wake of this.waiters.splice(0)) wake();
    });
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    this.address = `127.0.0.1:${socket.address().port}`;
    return this;
  }

  /** Waits until `count` datagrams have arrived (or fails after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 5_000): Promise<Datagram[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.datagrams.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.datagrams.length} of ${count} datagrams arrived`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.datagrams.slice(0, count);
  }

  /**
   * Sends a marker datagram to itself and waits for it: every datagram sent before it has
   * arrived by then (loopback keeps order), so "nothing but the marker" proves nothing was sent.
   */
  async drain(): Promise<Datagram[]> {
    const marker = createSocket("udp4");
    const port = Number(this.address.split(":")[1]);
    const before = this.datagrams.length;
    await new Promise<void>((resolve) =>
      marker.send('{"marker":1}\n{"marker":true}', port, "127.0.0.1", () => resolve()),
    );
    marker.close();
    while (!this.datagrams.slice(before).some((d) => d.document.marker)) await this.waitFor(this.datagrams.length + 1);
    const all = this.datagrams.splice(0);
    return all.filter((d) => !d.document.marker);
  }

  clear(): void {
    this.datagrams.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.socket ? this.socket.close(() => resolve()) : resolve()));
  }
}

/** A trace header as Lambda gives one to a sampled (or unsampled) invocation. */
export function lambdaTraceHeader(sampled = true): { root: string; parent: string; value: string } {
  const root = `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString("hex")}`;
  const parent = randomBytes(8).toString("hex");
  return { root, parent, value: `Root=${root};Parent=${parent};Sampled=${sampled ? 1 : 0};Lineage=a87bd80c:0` };
}
