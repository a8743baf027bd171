// Sends segment documents to the X-Ray daemon Lambda runs beside a traced function: one UDP
// datagram each, "the segment in JSON ... prepended by the daemon header,
// `{"format": "json", "version": 1}\n`" (X-Ray developer guide, "Sending segment documents to
// the X-Ray daemon"), to the address Lambda gives in AWS_XRAY_DAEMON_ADDRESS. Fire and forget:
// tracing never fails or delays the call it records.
import { createSocket, type Socket } from "node:dgram";

export const daemonHeader = '{"format":"json","version":1}\n';

/**
 * "A segment document can be up to 64 kB" (X-Ray developer guide, "Segment documents"): read
 * as 64,000 bytes, so the datagram (header included) also fits UDP's 65,507-byte IPv4 payload.
 */
export const maxDocumentBytes = 64_000;

export interface DaemonAddress {
  host: string;
  port: number;
}

/** `host:port`, or the SDKs' `tcp:host:port udp:host:port` form (segments go over UDP). */
export function parseDaemonAddress(value: string | undefined): DaemonAddress | undefined {
  if (!value) return undefined;
  const parts = value.trim().split(/\s+/);
  const udp = parts.length > 1 ? parts.find((p) => p.startsWith("udp:"))?.slice(4) : parts[0];
  const match = udp?.match(/^(.+):(\d{1,5})$/);
  if (!match) return undefined;
  const port = Number(match[2]);
  return port > 0 && port < 65_536 ? { host: match[1], port } : undefined;
}

/** Where documents go: the daemon, unless a test or the bench swaps it. */
export interface SegmentSink {
  send(document: object): void;
}

let socket: Socket | undefined;

function daemonSocket(): Socket {
  if (!socket) {
    socket = createSocket("udp4");
    // A lost datagram is a lost trace, never an error for the function.
    socket.on("error", () => undefined);
    // Never keeps the process (or a test run) alive.
    socket.unref();
  }
  return socket;
}

/** The daemon at AWS_XRAY_DAEMON_ADDRESS, read at each send; undefined when it is not set. */
export function daemonSink(env: NodeJS.ProcessEnv = process.env): SegmentSink | undefined {
  const address = parseDaemonAddress(env.AWS_XRAY_DAEMON_ADDRESS);
  if (!address) return undefined;
  return {
    send(document) {
      const json = JSON.stringify(document);
      if (Buffer.byteLength(json) > maxDocumentBytes) return;
      daemonSocket().send(daemonHeader + json, address.port, address.host, () => undefined);
    },
  };
}
