// Real-protocol AWS emulators for handler tests and benchmarks. Each one listens on
// 127.0.0.1 on a free port, keeps its data in memory (or a temp dir) and is stopped by
// the caller, so a test never touches the network beyond loopback.
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { transactionalDynalite } from "./dynamodb-transactions";

/** s3rver checks the key pair (its defaults); dynalite and kinesalite accept any. */
export const testCredentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
export const testRegion = "us-east-1";

export interface Emulator {
  /** http://127.0.0.1:<port> — pass as the SDK client's `endpoint`. */
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * SDK client options that point a v3 client at an emulator. HTTP/1.1 always: the
 * Kinesis client defaults to HTTP/2, which kinesalite does not speak.
 */
export function clientConfig(emulator: Emulator) {
  return {
    endpoint: emulator.endpoint,
    region: testRegion,
    credentials: testCredentials,
    requestHandler: new NodeHttpHandler(),
  };
}

/** Local mode keeps emulator data on disk (`path`) and may pin ports; tests use neither. */
export interface EmulatorOptions {
  port?: number;
  /** Directory for the data; in memory (or a removed temp dir) when absent. */
  path?: string;
}

function listenOnLoopback(server: Server, port = 0): Promise<Emulator> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        endpoint: `http://127.0.0.1:${port}`,
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Idle keep-alive connections would hold close() open.
            server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * DynamoDB (dynalite, with TransactWriteItems added: testing/dynamodb-transactions.ts), in
 * memory unless given a path, tables become ACTIVE at once.
 */
export function startDynamoDb(options: EmulatorOptions = {}): Promise<Emulator> {
  return listenOnLoopback(
    transactionalDynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: options.path }),
    options.port,
  );
}

/** Kinesis (kinesalite), in memory unless given a path, streams become ACTIVE at once. */
export function startKinesis(options: EmulatorOptions = {}): Promise<Emulator> {
  // biome-ignore lint/style/noCommonJs: kinesalite ships no types; loaded only when an emulator starts
  const kinesalite = require("kinesalite");
  return listenOnLoopback(
    kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100, path: options.path }),
    options.port,
  );
}

/** S3 (s3rver) in `options.path`, else a temp directory removed on stop. Creates the named buckets. */
export async function startS3(buckets: string[] = [], options: EmulatorOptions = {}): Promise<Emulator> {
  // biome-ignore lint/style/noCommonJs: s3rver ships no types; loaded only when an emulator starts
  const S3rver = require("s3rver");
  const directory = options.path ?? mkdtempSync(join(tmpdir(), "s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port ?? 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = (await server.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      await server.close();
      if (!options.path) rmSync(directory, { recursive: true, force: true });
    },
  };
}
