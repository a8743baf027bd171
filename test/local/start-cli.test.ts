// `npm start` as a person runs it: prints one line each for the storefront, the API, sign-in and
// the demo users once ready; SIGTERM stops everything, and nothing is left listening.
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../components/lib/bundle";

const portOpen = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

describe("local mode: the npm start command", function () {
  this.timeout(180_000);

  it("prints the addresses and demo users when ready, and SIGTERM leaves no port open", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "local-cli-"));
    try {
      const child = spawn(
        process.execPath,
        [
          // As `npm start` runs it.
          "-r",
          "./testing/typescript-loader.cjs",
          "local/start.ts",
          "--port",
          "0",
          "--state-dir",
          stateDir,
        ],
        { cwd: repoRoot, env: { ...process.env, PORT: "1" }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const deadline = Date.now() + 150_000;
      while (!/^ready in /m.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null) assert.fail(`not ready: ${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const line = (name: string) => output.match(new RegExp(`^${name}: (.+)$`, "m"))?.[1];
      const urls = { storefront: line("storefront")!, api: line("api")!, signIn: line("sign-in")! };
      assert.match(urls.storefront, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(urls.api, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      assert.match(urls.signIn, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(new URL(urls.storefront).port, "1", "--port wins over PORT");
      assert.match(line("shopper") ?? "", /^shopper@example\.com \/ \S{10,}$/);
      assert.match(line("admin") ?? "", /^admin@example\.com \/ \S{10,}$/);
      for (const url of Object.values(urls)) assert.equal(await portOpen(url), true, `${url} is listening`);
      assert.equal((await fetch(`${urls.api}/health`)).status, 200);

      child.kill("SIGTERM");
      assert.equal(await exited, 0);
      for (const url of Object.values(urls)) assert.equal(await portOpen(url), false, `${url} is closed`);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it("a mistyped option or config key stops it before anything starts: exit 2, one line saying what is wrong", () => {
    const run = spawnSync(
      process.execPath,
      ["-r", "./testing/typescript-loader.cjs", "local/start.ts", "--config", "procesorBatchWindowSeconds=0"],
      { cwd: repoRoot, encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(run.status, 2);
    assert.equal(run.stdout, "", "nothing started, so no address is printed");
    assert.equal(
      run.stderr.trim(),
      `npm start: --config procesorBatchWindowSeconds: no such config key (README's "Configuration" lists them)`,
    );
  });
});
