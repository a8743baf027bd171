// An SDK client that is built on its first call, for the clients only a rare path uses (the
// processor's quarantine, the indexer's dead letters). The SDK package itself is loaded then
// too, with `import()`: esbuild keeps it external and turns the import into a `require` run
// on first use, so a cold start that never takes the rare path never pays for the package
// (for @aws-sdk/client-s3 about as much as the processor's other two clients together).

/** The one method the sinks call on a client. */
export interface Sender<Command, Output> {
  send(command: Command): Promise<Output>;
}

/**
 * A sender whose client `create` builds on the first `send`; concurrent first calls share one
 * build, and a failed build (the package could not load) is tried again on the next call.
 */
export function lazySender<Command, Output>(create: () => Promise<Sender<Command, Output>>): Sender<Command, Output> {
  let client: Promise<Sender<Command, Output>> | undefined;
  return {
    async send(command) {
      client ??= create().catch((error: unknown) => {
        client = undefined;
        throw error;
      });
      return (await client).send(command);
    },
  };
}

/**
 * `load` run once, on the first call (for `() => import("@aws-sdk/client-...")`); every call
 * gets its promise, a failed one too: a package missing from the runtime does not appear later
 * in a container's life, and the lazySender above it tries a failed build again anyway.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}
