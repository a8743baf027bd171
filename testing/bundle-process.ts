// A handler's deployed bundle loaded as Lambda loads it: written to a file of its own, required
// by a fresh `node` that has only the environment it is given, and its handler invoked once.
// The bundle tests of the HTTP handlers use it to prove the bundle itself works end to end.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { bundleHandler, repoRoot } from "../components/lib/bundle";
import { testCredentials, testRegion } from "./emulators";
import { lambdaContext } from "./orders-events";

const run = promisify(execFile);

/** Requires the bundle, invokes `handler` once with the event and a Lambda context, prints `RESULT <json>`. */
const invokeScript = `
const { handler } = require(process.argv[1]);
const [event, context] = JSON.parse(process.argv[2]);
context.getRemainingTimeInMillis = () => 10000;
handler(event, context).then((r) => console.log("RESULT " + JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });
`;
const resultPrefix = "RESULT ";

export interface BundleFile {
  /** The folder the bundle is in (the process's working directory). */
  dir: string;
  file: string;
  remove(): void;
}

/** The deployed bundle of `entry`, written to a temporary folder named after `name`. */
export function writeBundle(entry: string, name: string): BundleFile {
  const dir = mkdtempSync(path.join(tmpdir(), `${name}-bundle-`));
  const file = path.join(dir, "index.js");
  writeFileSync(file, bundleHandler(entry).code);
  return { dir, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What the runtime gives every function: PATH, its AWS SDK (here node_modules), a region and credentials. */
export function runtimeEnvironment(functionName: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    // The runtime provides the AWS SDK; here it comes from the repository's node_modules.
    NODE_PATH: path.join(repoRoot, "node_modules"),
    AWS_REGION: testRegion,
    AWS_ACCESS_KEY_ID: testCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: testCredentials.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    AWS_LAMBDA_FUNCTION_NAME: functionName,
  };
}

export interface Invocation {
  /** The handler's answer, as JSON; each test asserts its shape. */
  result: any;
  /** Every other line the process printed (logs, EMF), in order. */
  lines: string[];
}

/**
 * Invokes the bundle's handler once in a fresh `node` with only `env`. Rejects with the process's
 * error (its `stderr` included) when the process fails, e.g. on an invalid environment at load.
 */
export async function invokeBundle(
  bundle: BundleFile,
  event: unknown,
  env: Record<string, string>,
): Promise<Invocation> {
  const { stdout } = await run(
    process.execPath,
    ["--no-warnings", "-e", invokeScript, bundle.file, JSON.stringify([event, lambdaContext()])],
    { cwd: bundle.dir, env },
  );
  const lines = stdout.split("\n").filter(Boolean);
  const answer = lines.find((line) => line.startsWith(resultPrefix));
  if (answer === undefined) throw new Error(`the handler printed no answer:\n${stdout}`);
  return { result: JSON.parse(answer.slice(resultPrefix.length)), lines: lines.filter((line) => line !== answer) };
}
