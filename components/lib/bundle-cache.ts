// esbuild builds kept on disk, for processes that run the program again and again (the
// tests: every mocha worker and every `npm test` bundles the same unchanged handlers). On
// only where BUNDLE_CACHE_DIR names a folder (components/lib/bundle.ts reads it, .mocharc.cjs
// sets it): `pulumi up` always bundles afresh.
//
// An entry is found by the build's options and esbuild's version, and is used only while
// every file esbuild read for it (its metafile inputs) still has the content it had: a
// change to any of them builds again. What it cannot see is a new file that would change
// what an import resolves to without any input changing (say `x.ts` added beside an
// imported `x/index.ts`); package-lock.json is part of the key, so installs are covered.
import { type BuildOptions, buildSync, version } from "esbuild";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

type WriteFalse = BuildOptions & { write: false; absWorkingDir: string };

interface CacheEntry {
  /** Input path (relative to absWorkingDir, as esbuild names it) → SHA-256 of its content. */
  inputs: Record<string, string>;
  code: string;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

function contentHash(file: string): string | undefined {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return undefined;
  }
}

function read(file: string): CacheEntry | undefined {
  try {
    const entry = JSON.parse(fs.readFileSync(file, "utf8")) as CacheEntry;
    // A real build always read its entry point: an entry naming no input is damaged.
    const complete = typeof entry.code === "string" && Object.keys(entry.inputs ?? {}).length > 0;
    return complete ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** The one output file of `options` (one entry point, write: false). */
function buildNow(options: WriteFalse): string {
  return buildSync(options).outputFiles[0].text;
}

/** What a cached build did, for tests. */
export type CacheOutcome = "off" | "hit" | "built";

/**
 * The single output of `options`, from `cacheDir` while its inputs are unchanged, else built
 * (and stored). Without `cacheDir` it just builds.
 */
export function buildWithDiskCache(
  options: WriteFalse,
  cacheDir: string | undefined,
): { code: string; outcome: CacheOutcome } {
  const root = options.absWorkingDir;
  // Only the checkout's own entries: a test's temporary handler would leave an entry per run.
  const inside = (entry: unknown) => typeof entry === "string" && !path.relative(root, entry).startsWith("..");
  const entries = Array.isArray(options.entryPoints) ? options.entryPoints : [];
  if (!cacheDir || entries.length !== 1 || !inside(entries[0])) return { code: buildNow(options), outcome: "off" };
  const lock = contentHash(path.join(root, "package-lock.json")) ?? "";
  const file = path.join(cacheDir, `${sha256(JSON.stringify([version, lock, options]))}.json`);
  const known = read(file);
  if (known && Object.entries(known.inputs).every(([input, hash]) => contentHash(path.resolve(root, input)) === hash))
    return { code: known.code, outcome: "hit" };

  const result = buildSync({ ...options, metafile: true });
  const code = result.outputFiles[0].text;
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const hash = contentHash(path.resolve(root, input));
    // An input esbuild read but that is not a file (e.g. a namespace of its own) is not cacheable.
    if (hash === undefined) return { code, outcome: "built" };
    inputs[input] = hash;
  }
  // Written aside and renamed: a worker reading it at the same time sees the old entry or the new one.
  fs.mkdirSync(cacheDir, { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, JSON.stringify({ inputs, code } satisfies CacheEntry));
  fs.renameSync(partial, file);
  return { code, outcome: "built" };
}
