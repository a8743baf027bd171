// Builds ./host.ts to one plain JavaScript file the instances are forked from.
import { buildSync } from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";

export function buildLambdaHost(dir: string): string {
  const file = path.join(dir, "lambda-host.js");
  const result = buildSync({
    entryPoints: [path.join(__dirname, "host.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    write: false,
    logLevel: "silent",
  });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, result.outputFiles[0].text);
  return file;
}
