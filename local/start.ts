// `npm start`: the whole platform on this machine. Prints the addresses and the demo users once
// everything is ready; Ctrl-C or SIGTERM stops it all. Options: see start-options.ts.
import { startLocal } from "./platform";
import { startOptions } from "./start-options";

async function main() {
  const platform = await startLocal(startOptions(process.argv.slice(2)));
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
