// The on-disk cache of esbuild builds (components/lib/bundle-cache.ts): an unchanged build
// is served from disk with the bytes a fresh build gives, and any change to what it read
// builds again. Each test works in a folder of its own, with a handler of its own.
import { buildSync } from "esbuild";
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildWithDiskCache } from "../../components/lib/bundle-cache";
import { bundleOptions } from "../../components/lib/bundle";

describe("bundle cache on disk", () => {
  let work: string;
  let cacheDir: string;
  /** The handlers' options, for an entry in the test's own folder. */
  const options = () => ({
    ...bundleOptions("handlers/orders/index.ts"),
    entryPoints: [path.join(work, "entry.ts")],
    absWorkingDir: work,
  });
  const fresh = () => buildSync(options()).outputFiles[0].text;

  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-cache-"));
    cacheDir = path.join(work, "cache");
    fs.writeFileSync(
      path.join(work, "entry.ts"),
      'import { greeting } from "./greeting";\nexport const handler = () => greeting;\n',
    );
    fs.writeFileSync(path.join(work, "greeting.ts"), 'export const greeting: string = "hello";\n');
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it("builds once, then serves the same bytes a fresh build gives from disk", () => {
    const first = buildWithDiskCache(options(), cacheDir);
    const second = buildWithDiskCache(options(), cacheDir);
    assert.equal(first.outcome, "built");
    assert.equal(second.outcome, "hit");
    assert.equal(second.code, fresh());
    assert.equal(first.code, second.code);
  });

  it("builds again when a file the entry imports changes, and serves the new code", () => {
    buildWithDiskCache(options(), cacheDir);
    fs.writeFileSync(path.join(work, "greeting.ts"), 'export const greeting: string = "bonjour";\n');
    const after = buildWithDiskCache(options(), cacheDir);
    assert.equal(after.outcome, "built");
    assert.match(after.code, /bonjour/);
    assert.equal(after.code, fresh());
    assert.equal(buildWithDiskCache(options(), cacheDir).outcome, "hit");
  });

  it("builds again when an input is gone (its import now fails the build, as it would uncached)", () => {
    buildWithDiskCache(options(), cacheDir);
    fs.rmSync(path.join(work, "greeting.ts"));
    assert.throws(() => buildWithDiskCache(options(), cacheDir), /Could not resolve "\.\/greeting"/);
  });

  it("different options are different entries (a minify change is not served the minified code)", () => {
    const minified = buildWithDiskCache(options(), cacheDir);
    const readable = buildWithDiskCache({ ...options(), minify: false }, cacheDir);
    assert.equal(readable.outcome, "built");
    assert.notEqual(readable.code, minified.code);
    assert.equal(readable.code, buildSync({ ...options(), minify: false }).outputFiles[0].text);
  });

  it("a damaged entry is rebuilt, never used", () => {
    buildWithDiskCache(options(), cacheDir);
    const [entry] = fs.readdirSync(cacheDir);
    for (const damaged of ['{"inputs": {}, "code"', '{"inputs": {}, "code": "stale"}', '{"code": "stale"}']) {
      fs.writeFileSync(path.join(cacheDir, entry), damaged);
      const after = buildWithDiskCache(options(), cacheDir);
      assert.equal(after.outcome, "built", damaged);
      assert.equal(after.code, fresh());
    }
  });

  it("is off without a folder: every call builds", () => {
    assert.equal(buildWithDiskCache(options(), undefined).outcome, "off");
    assert.equal(buildWithDiskCache(options(), undefined).code, fresh());
  });

  it("builds an entry outside the working directory every time, and stores nothing for it", () => {
    const outside = { ...options(), absWorkingDir: path.join(work, "elsewhere") };
    fs.mkdirSync(outside.absWorkingDir);
    assert.equal(buildWithDiskCache(outside, cacheDir).outcome, "off");
    assert.equal(buildWithDiskCache(outside, cacheDir).outcome, "off");
    assert.equal(fs.existsSync(cacheDir), false);
  });
});
