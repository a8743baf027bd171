// The cold-import goal's baseline: the handler bundles exactly as commit 5d28203 deployed them,
// kept as fixtures (bench/fixtures/cold-import-5d28203; its README says how they were built).
// The cold bench loads them in the same rounds as today's bundles, so the machine's load, which
// differs from run to run, weighs both alike; a figure recorded once could not cancel it.
// A fixture is used only if it is exactly the recorded bundle: a missing or altered one is
// reported, never measured.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { type Bundle, repoRoot } from "../components/lib/bundle";

export const baselineCommit = "5d28203";

export const baselineFixtures = join(repoRoot, "bench", "fixtures", `cold-import-${baselineCommit}`);

/** Each baseline bundle as built at 5d28203 (its own components/lib/bundle.ts): the bundle's bytes and sha256. */
export const baselineBundles: Record<string, { bytes: number; sha256: string }> = {
  "handlers/orders/index.ts": {
    bytes: 621_187,
    sha256: "0825f33b26298063b3ab400693bbb75eec7d3d37e727cbbc2d955a300621c0da",
  },
  "handlers/search-indexer/index.ts": {
    bytes: 443_236,
    sha256: "90760e7076edbe8847bf475b63ebe6b3cec5264032835dc90bee78d5a1c91c80",
  },
  "handlers/search-access/index.ts": {
    bytes: 412_880,
    sha256: "2e226f82b7d2181c0f4415e998101a5b998a4ccfaf68800b59f517627f61fce5",
  },
  "handlers/clickstream/index.ts": {
    bytes: 151_163,
    sha256: "533efa35cce1fcb32ef4e8503b9ade8f0b865526860bab1105d51dc7d8b8cb3e",
  },
  "handlers/catalog/index.ts": {
    bytes: 264_109,
    sha256: "f07536fd8c5278dd2f2cb563b541d9ffeff7e0d16842868e90367049d1cac2c5",
  },
};

/** "handlers/search-indexer/index.ts" -> ".../search-indexer.js.gz". */
export function baselineFixtureFile(entry: string, dir = baselineFixtures): string {
  return join(dir, `${entry.split("/")[1]}.js.gz`);
}

/**
 * The 5d28203 bundle of `entry`, checked against its recorded sha256 and bytes. Throws, saying
 * which fixture and what is wrong, when there is no baseline for the handler or its fixture is
 * missing, not gzip, or not the recorded bundle.
 */
export function loadBaselineBundle(entry: string, dir = baselineFixtures): Bundle {
  const recorded = baselineBundles[entry];
  if (!recorded) throw new Error(`no ${baselineCommit} baseline for ${entry} (handler added since)`);
  const file = baselineFixtureFile(entry, dir);
  if (!existsSync(file)) throw new Error(`baseline fixture missing: ${file} (see its folder's README.md)`);
  let code: Buffer;
  try {
    code = gunzipSync(readFileSync(file));
  } catch (error) {
    throw new Error(`baseline fixture altered: ${file} is not gzip (${(error as Error).message})`);
  }
  const sha256 = createHash("sha256").update(code).digest("hex");
  if (sha256 !== recorded.sha256 || code.length !== recorded.bytes)
    throw new Error(
      `baseline fixture altered: ${file} holds ${code.length} bytes, sha256 ${sha256}; ` +
        `${baselineCommit}'s bundle is ${recorded.bytes} bytes, sha256 ${recorded.sha256}`,
    );
  return { code: code.toString("utf8"), bytes: code.length };
}
