// The command line of `npm start`: --port N (or PORT; 0 picks free ports), --reset (start from
// empty state), --state-dir DIR, and --config key=value (repeatable; stack config set on top of
// Pulumi.dev.yaml, as `pulumi up --config` sets it). Anything else is refused, so a mistyped
// option or config key says so instead of starting the platform without it.
import { configKeys } from "../components/config";
// Only types from the platform: a refused command line is answered without loading it.
import type { StartLocalOptions } from "./platform";
import { namespacedKey } from "./render";

/** The first of local mode's ports (the storefront's; the others follow it) when neither --port nor PORT says. */
export const defaultPort = 4000;

const usage = "npm start -- [--port N] [--reset] [--state-dir DIR] [--config key=value ...]";
const valued = ["--port", "--state-dir", "--config"];
const switches = ["--reset"];

/** Every value given for each valued option (`--name value` or `--name=value`); refuses what is not an option. */
function parse(args: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>(valued.map((name) => [name, []]));
  for (let at = 0; at < args.length; at++) {
    const arg = args[at];
    const name = valued.find((n) => arg === n || arg.startsWith(`${n}=`));
    if (name === undefined) {
      if (!switches.includes(arg)) throw new Error(`unknown option ${arg}: ${usage}`);
      continue;
    }
    if (arg !== name) found.get(name)?.push(arg.slice(name.length + 1));
    else if (at + 1 < args.length && !args[at + 1].startsWith("--")) found.get(name)?.push(args[++at]);
    else throw new Error(`${name} needs a value: ${usage}`);
  }
  return found;
}

/** A key of this program (no namespace, or `ecommerce:`) must be one of its config keys; other namespaces pass. */
function checkedKey(key: string): string {
  const [namespace, name] = namespacedKey(key).split(/:(.*)/s);
  if (namespace === "ecommerce" && !Object.hasOwn(configKeys, name))
    throw new Error(`--config ${key}: no such config key (README's "Configuration" lists them)`);
  return key;
}

export function startOptions(args: string[], env: NodeJS.ProcessEnv = process.env): StartLocalOptions {
  const given = parse(args);
  const portText = given.get("--port")?.[0] ?? env.PORT ?? String(defaultPort);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65533)
    throw new Error(`--port must be a port number (0 for free ports), not ${portText}`);
  const config: Record<string, string> = {};
  for (const setting of given.get("--config") ?? []) {
    const at = setting.indexOf("=");
    if (at <= 0) throw new Error(`--config takes key=value (e.g. processorBatchWindowSeconds=0), not ${setting}`);
    config[checkedKey(setting.slice(0, at))] = setting.slice(at + 1);
  }
  return {
    port,
    reset: args.includes("--reset"),
    stateDir: given.get("--state-dir")?.[0],
    ...(Object.keys(config).length > 0 ? { config } : {}),
  };
}
