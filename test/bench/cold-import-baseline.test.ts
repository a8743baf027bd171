// The cold-import goal's baseline (bench/cold-import-baseline.ts): the 5d28203 bundles the cold
// bench loads beside today's. Each fixture is there, is exactly the recorded bundle, and still
// loads with today's node_modules, so the bench's "before" figure is that bundle's real cold
// import and not a failure (or a missing package) passing for a fast one.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { repoRoot } from "../../components/lib/bundle";
import {
  baselineBundles,
  baselineFixtureFile,
  baselineFixtures,
  loadBaselineBundle,
} from "../../bench/cold-import-baseline";
import { coldImportGoalRatio, handlerEntries, importEnvironment } from "../../bench/cold-start";

const run = promisify(execFile);
const baselineEntries = Object.keys(baselineBundles);

describe("cold-import baseline (the 5d28203 bundles the cold bench measures against)", () => {
  it("has the five handlers of the goal, each still deployed today", () => {
    assert.deepEqual(baselineEntries.map((entry) => entry.split("/")[1]).sort(), [
      "catalog",
      "clickstream",
      "orders",
      "search-access",
      "search-indexer",
    ]);
    for (const entry of baselineEntries) assert.ok(handlerEntries.includes(entry), entry);
    assert.equal(coldImportGoalRatio, 0.6);
  });

  it("holds each fixture exactly as recorded: 5d28203's bytes and sha256", () => {
    for (const entry of baselineEntries) {
      const bundle = loadBaselineBundle(entry);
      assert.equal(bundle.bytes, baselineBundles[entry].bytes, entry);
      assert.equal(Buffer.byteLength(bundle.code), bundle.bytes, entry);
    }
    // The figures the README of the fixtures' folder gives are the recorded ones.
    const readme = readFileSync(join(baselineFixtures, "README.md"), "utf8");
    for (const { sha256 } of Object.values(baselineBundles)) assert.ok(readme.includes(sha256), sha256);
  });

  it("refuses a missing, altered or non-gzip fixture, saying which and why", () => {
    const dir = mkdtempSync(join(tmpdir(), "cold-import-baseline-"));
    try {
      const entry = "handlers/catalog/index.ts";
      assert.throws(() => loadBaselineBundle(entry, dir), /baseline fixture missing: .*catalog\.js\.gz/);
      const code = loadBaselineBundle(entry).code;
      writeFileSync(baselineFixtureFile(entry, dir), gzipSync(`${code};`));
      assert.throws(
        () => loadBaselineBundle(entry, dir),
        /baseline fixture altered: .*catalog\.js\.gz holds 264110 bytes, sha256 [0-9a-f]{64}; 5d28203's bundle is 264109 bytes, sha256 f07536fd/,
      );
      writeFileSync(baselineFixtureFile(entry, dir), code);
      assert.throws(() => loadBaselineBundle(entry, dir), /baseline fixture altered: .*catalog\.js\.gz is not gzip/);
      assert.throws(() => loadBaselineBundle("handlers/analytics/index.ts", dir), /no 5d28203 baseline for/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("loads each in a fresh node with today's node_modules, as the bench does: the handler is a function", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cold-import-baseline-"));
    try {
      const loaded = await Promise.all(
        baselineEntries.map(async (entry) => {
          const file = join(dir, `${entry.split("/")[1]}.js`);
          writeFileSync(file, loadBaselineBundle(entry).code);
          const { stdout } = await run(
            process.execPath,
            ["-e", "console.log(typeof require(process.argv[1]).handler)", file],
            { env: { PATH: process.env.PATH ?? "", NODE_PATH: join(repoRoot, "node_modules"), ...importEnvironment } },
          );
          return [entry, stdout.trim().split("\n").pop()];
        }),
      );
      assert.deepEqual(
        loaded,
        baselineEntries.map((entry) => [entry, "function"]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
