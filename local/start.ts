// `npm start`: the whole platform on this machine. Prints the addresses and the demo users once
// everything is ready; Ctrl-C or SIGTERM stops it all. Options: see start-options.ts.
import { startOptions } from "./start-options";

async function main() {
  let options: ReturnType<typeof startOptions>;
  try {
    options = startOptions(process.argv.slice(2));
  } catch (error) {
    // A mistake on the command line: what is wrong, without a stack trace.
    console.error(`npm start: ${(error as Error).message}`);
    process.exit(2);
  }
  // Loaded once the command line is accepted: a mistake is answered in a moment, not after
  // loading the emulators and the program.
  const { startLocal } = await import("./platform");
  const platform = await startLocal(options);
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
