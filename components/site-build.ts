// Builds the storefront from site/ while the program runs (esbuild in process, in memory, as
// the Lambdas are bundled): no separate build step, the same sources always give the same
// bytes, and every script and stylesheet is named after its content, so a deploy can never
// leave a browser with stale JavaScript. index.html is the only entry point and is no-cache.
import { buildSync } from "esbuild";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./lib/bundle";
import { contentTypeFor, immutable, listSiteFiles, noCache } from "./site-files";

export interface BuiltSiteFile {
  /** Object key, forward slashes, relative to the site root (no leading slash). */
  key: string;
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

/** Where the app's sources live; everything else under site/ is copied as it is. */
const sourceFolder = "src";
const template = "index.html";
/** Files under site/ that are inputs of the build, not outputs. */
const notPublished = new Set([template, "tsconfig.json"]);
/** The placeholder in site/index.html replaced by the hashed stylesheet and script tags. */
export const assetsPlaceholder = "<!-- build:assets -->";

/** The builds made in this process, by site folder, with what they read outside it (node_modules, handlers/shared). */
const builds = new Map<string, { fingerprint: string; outside: string[]; files: BuiltSiteFile[] }>();

/** The content of every file under the site folder and of the build's other inputs. */
function fingerprint(siteDir: string, outside: string[]): string {
  const hash = createHash("sha256");
  for (const file of [...listSiteFiles(siteDir).map((f) => f.path), ...outside])
    hash.update(file).update("\0").update(fs.readFileSync(file)).update("\0");
  return hash.digest("hex");
}

/**
 * Synchronous, so the Storefront can declare one S3 object per file in its constructor. A
 * process that builds the same unchanged sources again (the tests run the program dozens of
 * times) gets the earlier build: the same sources always give the same bytes.
 */
export function buildSiteSync(siteDir: string = path.join(repoRoot, "site")): BuiltSiteFile[] {
  const copies = (files: BuiltSiteFile[]) => files.map((f) => ({ ...f, body: Buffer.from(f.body) }));
  const known = builds.get(siteDir);
  if (known && fingerprint(siteDir, known.outside) === known.fingerprint) return copies(known.files);
  const { files, inputs } = buildNow(siteDir);
  const outside = inputs.filter((file) => !file.startsWith(siteDir + path.sep));
  builds.set(siteDir, { fingerprint: fingerprint(siteDir, outside), outside, files });
  return copies(files);
}

function buildNow(siteDir: string): { files: BuiltSiteFile[]; inputs: string[] } {
  const result = buildSync({
    entryPoints: [path.join(siteDir, sourceFolder, "main.tsx")],
    absWorkingDir: repoRoot,
    bundle: true,
    write: false,
    outdir: path.join(siteDir, "dist", "assets"),
    entryNames: "[name]-[hash]",
    assetNames: "[name]-[hash]",
    format: "esm",
    platform: "browser",
    // Browsers of the last few years (oidc-client-ts ships ES2022 syntax).
    target: ["es2022"],
    jsx: "automatic",
    jsxImportSource: "preact",
    minify: true,
    sourcemap: false,
    legalComments: "none",
    charset: "utf8",
    mainFields: ["module", "browser", "main"],
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
    metafile: true,
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((file) => path.resolve(repoRoot, file))
    .filter((file) => fs.existsSync(file));
  const outRoot = path.join(siteDir, "dist");
  const assets: BuiltSiteFile[] = result.outputFiles.map((file) => {
    const key = path.relative(outRoot, file.path).split(path.sep).join("/");
    return { key, body: Buffer.from(file.contents), contentType: contentTypeFor(key), cacheControl: immutable };
  });
  const html = renderIndexHtml(
    fs.readFileSync(path.join(siteDir, template), "utf8"),
    assets.map((a) => a.key),
  );
  const copied = listSiteFiles(siteDir)
    .filter(
      (file) =>
        !notPublished.has(file.key) && !file.key.startsWith(`${sourceFolder}/`) && !file.key.startsWith("dist/"),
    )
    .map((file) => ({
      key: file.key,
      body: fs.readFileSync(file.path),
      contentType: file.contentType,
      cacheControl: file.cacheControl,
    }));
  const files = [
    { key: "index.html", body: Buffer.from(html), contentType: contentTypeFor("index.html"), cacheControl: noCache },
    ...assets,
    ...copied,
  ];
  return { files: files.sort((a, b) => a.key.localeCompare(b.key)), inputs };
}

/** The built site: index.html (no-cache), content-hashed JS and CSS (immutable), static files. */
export async function buildSite(siteDir?: string): Promise<BuiltSiteFile[]> {
  return buildSiteSync(siteDir);
}

function renderIndexHtml(source: string, assetKeys: string[]): string {
  if (!source.includes(assetsPlaceholder)) throw new Error(`site/${template} must contain ${assetsPlaceholder}`);
  const tags = [
    ...assetKeys.filter((k) => k.endsWith(".css")).map((k) => `<link rel="stylesheet" href="/${k}">`),
    ...assetKeys.filter((k) => k.endsWith(".js")).map((k) => `<script type="module" src="/${k}"></script>`),
  ];
  return source.replace(assetsPlaceholder, tags.join("\n  "));
}
