// `npm start`: the whole platform on this machine. Prints the addresses and the demo users once
// everything is ready; Ctrl-C or SIGTERM stops it all. Options: --port N (or PORT; 0 picks free
// ports), --reset (start from empty state), --state-dir DIR.
import { defaultPort, startLocal } from "./platform";

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at >= 0) return args[at + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

async function main() {
  const args = process.argv.slice(2);
  const portText = option(args, "--port") ?? process.env.PORT ?? String(defaultPort);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65533)
    throw new Error(`--port must be a port number (0 for free ports), not ${portText}`);
  const platform = await startLocal({ port, reset: args.includes("--reset"), stateDir: option(args, "--state-dir") });
  console.log(`storefront: ${platform.urls.storefront}`);
  console.log(`api: ${platform.urls.api}`);
  console.log(`sign-in: ${platform.urls.signIn}`);
  console.log(`shopper: ${platform.users.shopper.email} / ${platform.users.shopper.password}`);
  console.log(`admin: ${platform.users.admin.email} / ${platform.users.admin.password}`);
  console.log(
    `ready in ${(platform.startup.readyMs / 1000).toFixed(1)} s${platform.startup.renderCached ? "" : " (program rendered; cached for next time)"}; state and logs in ${platform.stateDir}; Ctrl-C stops`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await platform.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((err) => {
  console.error(`local mode failed to start: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
