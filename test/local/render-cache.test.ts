// Local mode's render cache shared between processes: a process that needs the render another
// one is making waits for it and takes it (the parallel test workers render each stack once), and
// the lock of a process that is gone does not hold anyone up.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { renderCacheFile, renderStack, sourceHash, stackConfig } from "../../local/render";

/** A process that runs until killed, and the id of one that has ended. */
async function processes() {
  const live = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  const ended = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => ended.once("exit", resolve));
  return { live, endedPid: ended.pid! };
}

describe("local mode: the render cache between processes", () => {
  let cacheDir: string;
  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "render-cache-"));
  });
  afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it("waits while another running process renders the same stack, then takes its render", async () => {
    const { live } = await processes();
    try {
      const file = renderCacheFile({}, cacheDir);
      fs.writeFileSync(`${file}.lock`, String(live.pid));
      let settled = false;
      const taken = renderStack({}, cacheDir).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 700));
      assert.equal(settled, false, "no render of its own while the other process holds the lock");
      // The other process finishes: its render in place, its lock released.
      const theirs = { stack: "dev", sourceHash: sourceHash(), config: {}, resources: [], outputs: { from: "theirs" } };
      fs.writeFileSync(file, JSON.stringify(theirs));
      fs.rmSync(`${file}.lock`);
      const rendered = await taken;
      assert.equal(rendered.cached, true);
      assert.deepEqual(rendered.outputs, { from: "theirs" });
    } finally {
      live.kill();
    }
  });

  it("takes over the lock of a process that has ended, and releases it when its own render fails", async () => {
    const { live, endedPid } = await processes();
    live.kill();
    // A config the program refuses: the render fails at once, after taking the lock.
    const config = stackConfig({ processorBatchWindowSeconds: "301" });
    const lock = `${renderCacheFile(config, cacheDir)}.lock`;
    fs.writeFileSync(lock, String(endedPid));
    await assert.rejects(renderStack(config, cacheDir), /processorBatchWindowSeconds/);
    assert.equal(fs.existsSync(lock), false, "the lock is released");
  });
});
