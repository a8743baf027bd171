// Local mode builds the platform from the real Pulumi program: index.ts is run for the `dev`
// stack under the recording mocks (testing/program.ts), and every resource it registers is kept
// with its inputs and computed state, plus the very bundle each Lambda function deploys. The
// run takes several seconds, so it is cached under .local/render/, keyed by a hash of every
// source that can change what the program registers and by the stack config set on top of
// Pulumi.dev.yaml (startLocal's `config`, `npm start -- --config key=value`). Processes that
// need the same render at once (parallel test workers) wait for the one rendering it.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../components/lib/bundle";

/** One registered resource: what the program gave it, and what AWS would have computed. */
export interface RenderedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  state: Record<string, any>;
  /** aws.lambda.Function only: the deployed index.js. */
  code?: string;
}

/** Stack config set on top of Pulumi.yaml and Pulumi.dev.yaml, as `pulumi up --config key=value` would. */
export type StackConfig = Record<string, string>;

export interface RenderedStack {
  stack: string;
  sourceHash: string;
  /** The config set on top of the stack's (empty: the stack as committed). */
  config: StackConfig;
  resources: RenderedResource[];
  outputs: Record<string, any>;
}

/** Files and folders whose content decides what the program registers. */
const renderSources = [
  "index.ts",
  "Pulumi.yaml",
  "Pulumi.dev.yaml",
  "package-lock.json",
  "components",
  "handlers",
  "catalog",
  "testing/mocks.ts",
  "testing/program.ts",
  "testing/stack-config.ts",
  "local/render.ts",
];

function filesUnder(entry: string): string[] {
  const full = path.join(repoRoot, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [entry];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((child) => (child.isDirectory() || child.isFile() ? filesUnder(path.posix.join(entry, child.name)) : []));
}

export function sourceHash(): string {
  const hash = createHash("sha256");
  for (const file of renderSources.flatMap(filesUnder)) {
    hash
      .update(file)
      .update("\0")
      .update(fs.readFileSync(path.join(repoRoot, file)))
      .update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** The bundle inside a function's `code` archive (assets and their text resolve lazily). */
async function functionCode(code: any): Promise<string> {
  const assets = await code?.assets;
  const index = assets?.["index.js"];
  const text = await index?.text;
  if (typeof text !== "string") throw new Error("a Lambda function's code archive has no index.js text");
  return text;
}

/** Plain JSON of a recorded value (drops assets and other non-data values). */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value ?? {}));

/**
 * "key=value" settings with the project's namespace where a key names none, as the Pulumi CLI
 * reads `--config`; keys in a fixed order, so that the same settings share one cached render.
 */
export function stackConfig(settings: Record<string, string | number | boolean> = {}): StackConfig {
  const config: StackConfig = {};
  for (const [key, value] of Object.entries(settings).sort(([a], [b]) => a.localeCompare(b)))
    config[namespacedKey(key)] = String(value);
  return config;
}

/** A config key as the Pulumi CLI reads it: in the project's namespace unless it names one. */
export const namespacedKey = (key: string) => (key.includes(":") ? key : `ecommerce:${key}`);

async function renderNow(stack: "dev", config: StackConfig): Promise<RenderedStack> {
  // biome-ignore lint/style/noCommonJs: loaded lazily: the Pulumi runtime is only needed when the cache misses
  const { runProgram } = require("../testing/program") as typeof import("../testing/program");
  const run = await runProgram(stack, { config });
  const resources: RenderedResource[] = [];
  for (const r of run.resources) {
    const rendered: RenderedResource = {
      type: r.type,
      name: r.name,
      inputs: plain({ ...r.inputs, code: undefined }),
      state: plain({ ...r.state, code: undefined }),
    };
    if (r.type === "aws:lambda/function:Function") rendered.code = await functionCode(r.inputs.code);
    resources.push(rendered);
  }
  return { stack, sourceHash: sourceHash(), config, resources, outputs: plain(run.outputs) };
}

/** The cache file of a render: dev-<sources>.json, or dev-<sources>-<config>.json with config set. */
export function renderCacheFile(config: StackConfig, cacheDir: string, hash = sourceHash()): string {
  if (Object.keys(config).length === 0) return path.join(cacheDir, `dev-${hash}.json`);
  const configHash = createHash("sha256").update(JSON.stringify(config)).digest("hex").slice(0, 16);
  return path.join(cacheDir, `dev-${hash}-${configHash}.json`);
}

const readCached = (file: string) => ({
  ...(JSON.parse(fs.readFileSync(file, "utf8")) as RenderedStack),
  cached: true,
});

/** Whether the process holding a lock still runs (EPERM: it runs, as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes `<file>.lock` (holding this process's id) for as long as `work` runs, waiting while
 * another process holds it: the parallel test workers, or a test run and `npm start`, render the
 * same stack once instead of each on its own. A lock whose process is gone is taken over.
 */
async function underLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    let holder: number;
    let since: number;
    try {
      holder = Number(fs.readFileSync(lock, "utf8"));
      since = fs.statSync(lock).mtimeMs;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue; // released meanwhile
      throw err;
    }
    // An empty lock is one being written, unless it has been empty for a while.
    const gone = holder > 0 ? !running(holder) : Date.now() - since > 10_000;
    if (gone) fs.rmSync(lock, { force: true });
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** The rendered `dev` stack (with `config` set on top), from the cache when the sources are unchanged. */
export async function renderStack(
  config: StackConfig = {},
  cacheDir = path.join(repoRoot, ".local", "render"),
): Promise<RenderedStack & { cached: boolean }> {
  const hash = sourceHash();
  const file = renderCacheFile(config, cacheDir, hash);
  if (fs.existsSync(file)) return readCached(file);
  fs.mkdirSync(cacheDir, { recursive: true });
  return underLock(file, async () => {
    // Rendered by the process that held the lock before.
    if (fs.existsSync(file)) return readCached(file);
    const rendered = await renderNow("dev", config);
    // Renders of older sources are dead weight once the sources changed (renders of these
    // sources with other config are kept).
    for (const old of fs.readdirSync(cacheDir)) {
      if (old.startsWith("dev-") && old.endsWith(".json") && !old.startsWith(`dev-${hash}`))
        fs.rmSync(path.join(cacheDir, old), { force: true });
    }
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, JSON.stringify(rendered));
    fs.renameSync(partial, file);
    return { ...rendered, cached: false };
  });
}
