// Bundles a Lambda handler entry with esbuild, in memory, while the Pulumi program runs:
// no build step before `pulumi up`, and the same source always gives the same bytes
// (no timestamps, no absolute paths), so an unchanged handler never redeploys.
import type { BuildOptions } from "esbuild";
import * as path from "node:path";
import { buildWithDiskCache } from "./bundle-cache";

/** Repository root: handler entries are given relative to it. */
export const repoRoot = path.resolve(__dirname, "..", "..");

export interface Bundle {
  /** The minified CommonJS module, to be stored as `index.js` in the archive. */
  code: string;
  /** Its size in bytes (UTF-8). */
  bytes: number;
}

const cache = new Map<string, Bundle>();

/**
 * What the Lambda Node.js runtime provides and the bundles leave external: the AWS SDK for
 * JavaScript v3 ("Node.js 18 and later runtimes include the AWS SDK for JavaScript v3", Lambda
 * developer guide, "Building Lambda functions with Node.js"). Only the `@aws-sdk/*` packages
 * are that documented surface; the `@smithy/*` packages the code imports directly (signer,
 * error classification) are bundled, so nothing depends on the runtime's undocumented layout.
 * Left external, the SDK loads from the runtime's copy: a smaller bundle, and the SDK the
 * runtime's patches keep current, at the price of a version this code does not pin.
 *
 * Measured against bundling it (`npm run bench -- cold`, the same options with nothing
 * external): the bundled variant imports in about 0.75-0.8x the time at the median (0.73-1.08x
 * per handler over two runs) for 2.1-3.7x the bytes (zip 126-190 KB instead of 41-88 KB). The
 * Lambda guide sides with bundling: "To have full control of the dependencies your function
 * uses, package all of your dependencies with your deployment package" (best practices), and
 * bundling with esbuild "results in improved performance due to the reduction in I/O
 * operations" (Deploy Node.js Lambda functions with .zip file archives); the runtime's SDK is
 * "a specific minor version ..., not the latest", varying by runtime version and Region, so
 * not the version the tests ran. The cost: patching the SDK becomes ours (a lockfile update
 * and a deploy), and the 100 KB budgets would have to count the code's own bytes apart from
 * the SDK's. Decision: external for now (README, "Bundles and cold start"): packages under
 * 100 KB, the runtime's SDK patches without a deploy, and no SDK build in every `pulumi up`;
 * bundling is the lever left for cold import, measured on every bench run.
 */
export const runtimeProvidedPackages = ["@aws-sdk/*"] as const;

/**
 * `@smithy/service-error-classification` (retry.ts's classifiers) re-exports them from
 * `@smithy/core/retry`, whose index also runs `bindRetryMiddleware(...)` when it loads: a call
 * esbuild must keep, and with it ~10 KB of retry middleware no handler uses. The classifiers
 * are one file of that module; the bundles take that file. Should the package move it, the
 * build fails (esbuild cannot resolve the path), it never bundles something else.
 */
const smithyAliases = {
  "@smithy/core/retry": path.join(
    repoRoot,
    "node_modules/@smithy/core/dist-es/submodules/retry/service-error-classification/service-error-classification.js",
  ),
};

/** The esbuild options of a handler's bundle (tests rebuild with them to prove determinism). */
export function bundleOptions(entry: string) {
  return {
    entryPoints: [path.join(repoRoot, entry)],
    absWorkingDir: repoRoot,
    bundle: true,
    write: false,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    sourcemap: false,
    legalComments: "none",
    external: [...runtimeProvidedPackages],
    alias: smithyAliases,
    // `import()` of a runtime package (a client only a rare path needs, handlers/lib/lazy-client.ts)
    // becomes a `require` on first use: the CommonJS copy the other clients share, without the
    // ESM loader's pass over the package's exports.
    supported: { "dynamic-import": false },
    // Some dependencies ship ESM-first builds; prefer them for tree-shaking.
    mainFields: ["module", "main"],
    logLevel: "silent",
  } satisfies BuildOptions & { write: false };
}

/**
 * Bundles `entry` (a path relative to the repository root, e.g. "handlers/orders/index.ts")
 * for the nodejs22.x runtime on arm64. AWS SDK v3 stays external: the runtime provides it.
 */
export function bundleHandler(entry: string): Bundle {
  const cached = cache.get(entry);
  if (cached) return cached;
  // Tests keep bundles on disk between processes (BUNDLE_CACHE_DIR, see bundle-cache.ts).
  const { code } = buildWithDiskCache(bundleOptions(entry), process.env.BUNDLE_CACHE_DIR);
  const bundle = { code, bytes: Buffer.byteLength(code) };
  cache.set(entry, bundle);
  return bundle;
}
