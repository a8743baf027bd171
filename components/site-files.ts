// What the storefront uploads from site/: every file, its content type, and how long
// browsers and CloudFront may keep it.
import * as fs from "node:fs";
import * as path from "node:path";
import * as mime from "mime-types";

export interface SiteFile {
  /** Object key, with forward slashes, relative to the site root. */
  key: string;
  /** Absolute path on disk. */
  path: string;
  contentType: string;
  cacheControl: string;
}

/** HTML entry points and the runtime config are re-validated on every load. */
export const noCache = "no-cache, must-revalidate";
/** Fingerprinted build outputs (name.<hash>.ext) never change under the same name. */
export const immutable = "public, max-age=31536000, immutable";
/** Anything else (favicon, images without a hash) may be a little stale. */
export const shortLived = "public, max-age=3600";

const fingerprinted = /[.-][0-9a-f]{8,}\.[a-z0-9]+$/i;

export function cacheControlFor(key: string): string {
  if (key.endsWith(".html") || key === "config.json") return noCache;
  if (fingerprinted.test(path.basename(key))) return immutable;
  return shortLived;
}

export function contentTypeFor(key: string): string {
  const type = mime.lookup(key) || "application/octet-stream";
  const charset = mime.charset(type);
  return charset ? `${type}; charset=${charset.toLowerCase()}` : type;
}

/** Every file under `root`, sorted so the plan is stable. `config.json` is ours to write. */
export function listSiteFiles(root: string): SiteFile[] {
  const files: SiteFile[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const key = path.relative(root, full).split(path.sep).join("/");
        if (key === "config.json") throw new Error("site/config.json is generated per stack; remove it from site/");
        files.push({ key, path: full, contentType: contentTypeFor(key), cacheControl: cacheControlFor(key) });
      }
    }
  };
  walk(root);
  return files;
}
