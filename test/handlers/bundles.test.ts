// Every deployed handler bundle: within its byte budget, and requiring at run time nothing
// but Node's built-in modules and the AWS SDK v3 packages the Lambda Node.js runtime
// provides ("Runtime versions nodejs18.x and later include version 3 of the SDK", Lambda
// developer guide, "Deploy Node.js Lambda functions with .zip file archives"). A package that
// is neither would fail the cold start with "Cannot find module" in Lambda only: it must be
// bundled (as the @smithy signer and error classification are).
import { buildSync } from "esbuild";
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { bundleHandler, bundleOptions, repoRoot } from "../../components/lib/bundle";
import { bundleBudgets as budgets, bundleGoalBytes as goalBytes } from "../../testing/bundle-budgets";

/** The runtime SDK packages the handlers use (all of @aws-sdk/* ships with the runtime; these are the ones named here). */
const runtimeProvided = new Set([
  "@aws-sdk/client-athena",
  "@aws-sdk/client-dynamodb",
  "@aws-sdk/client-firehose",
  "@aws-sdk/client-personalize-events",
  "@aws-sdk/client-personalize-runtime",
  "@aws-sdk/client-s3",
  "@aws-sdk/client-sqs",
  "@aws-sdk/credential-provider-node",
  "@aws-sdk/lib-dynamodb",
  "@aws-sdk/util-dynamodb",
]);

/** The X-Ray SDK and what it brings (the Powertools Tracer, cls-hooked's context): never on a cold path. */
const xraySdkPackages =
  /node_modules\/(aws-xray-sdk[^/]*|@aws-lambda-powertools\/tracer|cls-hooked|emitter-listener|shimmer)\//;

/**
 * A string only zod's classic API ships: the name its base schema constructor registers
 * (`$constructor("ZodType", ...)`), run by every classic schema. zod/mini's is "ZodMiniType"
 * and the shared core's "$ZodType", so a bundle holding this quoted name has classic zod in it
 * (85-98 KB) — one `import ... from "zod"` in a file a handler imports is enough.
 */
const classicZodMarker = /"ZodType"/;

/** A bundle of `source` (TypeScript, resolved from the repository root) with the handlers' options. */
function bundleSource(source: string): string {
  const options = bundleOptions("handlers/lib/zod.ts");
  const { entryPoints: _, ...rest } = options;
  const result = buildSync({ ...rest, stdin: { contents: source, resolveDir: repoRoot, loader: "ts" } });
  return result.outputFiles[0].text;
}

/** Module names the bundle loads with require() at run time. */
function externalRequires(code: string): string[] {
  return [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
}

describe("handler bundles", () => {
  it("no budget is over the goal of 100 KB", () => {
    const over = Object.entries(budgets).filter(([, bytes]) => bytes > goalBytes);
    assert.deepEqual(over, [], "a bundle may grow within its budget, never past 100 KB");
  });

  it("every handler folder with an entry has a budget", () => {
    const entries = fs
      .readdirSync(path.join(repoRoot, "handlers"))
      .map((d) => `handlers/${d}/index.ts`)
      .filter((e) => fs.existsSync(path.join(repoRoot, e)));
    assert.deepEqual(entries.sort(), Object.keys(budgets).sort());
  });
  for (const [entry, budget] of Object.entries(budgets)) {
    describe(entry, () => {
      it(`is at most ${budget.toLocaleString("en-US")} bytes`, () => {
        const { bytes } = bundleHandler(entry);
        assert.ok(bytes <= budget, `bundle is ${bytes} bytes`);
      });

      it("requires only Node built-ins and the runtime's AWS SDK", () => {
        const outside = externalRequires(bundleHandler(entry).code).filter(
          (name) => !builtinModules.includes(name.replace(/^node:/, "")) && !runtimeProvided.has(name),
        );
        assert.deepEqual(outside, [], `${entry} requires ${outside.join(", ")} from outside the bundle`);
      });

      it("bundles no OpenSearch client and no copy of the AWS SDK", () => {
        const { code } = bundleHandler(entry);
        assert.doesNotMatch(code, /opensearch-js\/|@opensearch-project/);
        assert.doesNotMatch(code, /node_modules\/@aws-sdk/);
      });

      it("bundles no X-Ray SDK: its traces come from handlers/lib/xray-*.ts", () => {
        const { metafile } = buildSync({ ...bundleOptions(entry), metafile: true });
        const inputs = Object.keys(metafile.inputs);
        assert.ok(
          inputs.some((file) => file.startsWith("handlers/lib/")),
          "the metafile names the bundle's inputs",
        );
        assert.deepEqual(
          inputs.filter((file) => xraySdkPackages.test(file)),
          [],
        );
      });

      it("takes the SDK's error classifiers without @smithy/core's retry middleware", () => {
        const { metafile } = buildSync({ ...bundleOptions(entry), metafile: true });
        const inputs = Object.keys(metafile.inputs);
        assert.deepEqual(
          inputs.filter((file) =>
            /@smithy\/core\/dist-[^/]+\/submodules\/retry\/(middleware-retry|util-retry)\//.test(file),
          ),
          [],
        );
      });

      it("loads a lazily loaded package with require, never the ESM loader's import()", () => {
        // components/lib/bundle.ts lowers import() (handlers/lib/lazy-client.ts): the CommonJS copy the other clients share.
        assert.doesNotMatch(bundleHandler(entry).code, /\bimport\(/);
      });

      it("bundles zod/mini only, never zod's classic API", () => {
        assert.doesNotMatch(bundleHandler(entry).code, classicZodMarker);
      });
    });
  }

  it("without the alias, the error classifiers bring @smithy/core's retry middleware (what the alias keeps out)", () => {
    const { alias: _, ...withoutAlias } = bundleOptions("handlers/lib/retry.ts");
    const { metafile } = buildSync({ ...withoutAlias, metafile: true });
    assert.ok(Object.keys(metafile.inputs).some((file) => file.includes("/submodules/retry/middleware-retry/")));
  });

  it("the classic-zod marker is what one classic import puts in a bundle, and zod/mini does not", () => {
    assert.match(bundleSource('import * as z from "zod"; export const s = z.string().min(1);'), classicZodMarker);
    assert.doesNotMatch(
      bundleSource('import * as z from "./handlers/lib/zod"; export const s = z.string().check(z.minLength(1));'),
      classicZodMarker,
    );
  });

  it('zod/mini keeps English messages: an issue says what is wrong, not just "Invalid input"', () => {
    const code = bundleSource(
      'import * as z from "./handlers/lib/zod"; export const m = z.string().check(z.maxLength(2)).safeParse("abc").error?.issues[0].message;',
    );
    const loaded: { exports: { m?: string } } = { exports: {} };
    new Function("module", "exports", "require", code)(loaded, loaded.exports, require);
    assert.equal(loaded.exports.m, "Too big: expected string to have <=2 characters");
  });

  it("the allowlist is the runtime's own scope: every external is an @aws-sdk package", () => {
    for (const name of runtimeProvided) assert.match(name, /^@aws-sdk\//);
  });
});
