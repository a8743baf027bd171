// The command line of `npm start`: --port N (or PORT; 0 picks free ports), --reset (start from
// empty state), --state-dir DIR, and --config key=value (repeatable; stack config set on top of
// Pulumi.dev.yaml, as `pulumi up --config` sets it).
import { defaultPort, type StartLocalOptions } from "./platform";

/** Every value given for `name`, as `--name value` or `--name=value`. */
function values(args: string[], name: string): string[] {
  const found: string[] = [];
  args.forEach((arg, at) => {
    if (arg === name && at + 1 < args.length) found.push(args[at + 1]);
    else if (arg.startsWith(`${name}=`)) found.push(arg.slice(name.length + 1));
  });
  return found;
}

export function startOptions(args: string[], env: NodeJS.ProcessEnv = process.env): StartLocalOptions {
  const portText = values(args, "--port")[0] ?? env.PORT ?? String(defaultPort);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65533)
    throw new Error(`--port must be a port number (0 for free ports), not ${portText}`);
  const config: Record<string, string> = {};
  for (const setting of values(args, "--config")) {
    const at = setting.indexOf("=");
    if (at <= 0) throw new Error(`--config takes key=value (e.g. processorBatchWindowSeconds=0), not ${setting}`);
    config[setting.slice(0, at)] = setting.slice(at + 1);
  }
  return {
    port,
    reset: args.includes("--reset"),
    stateDir: values(args, "--state-dir")[0],
    ...(Object.keys(config).length > 0 ? { config } : {}),
  };
}
