// A client only a rare path needs is built on its first call (handlers/lib/lazy-client.ts):
// never before, once however many calls arrive together, and again after a failed build.
import { strict as assert } from "node:assert";
import { lazySender, loadOnce, type Sender } from "../../../handlers/lib/lazy-client";

/** A client that answers each command with its own name and counts the calls. */
function echoClient(calls: string[]): Sender<string, string> {
  return {
    async send(command) {
      calls.push(command);
      return `sent ${command}`;
    },
  };
}

describe("lazySender", () => {
  it("builds nothing until the first send, then sends through the client it built", async () => {
    let builds = 0;
    const calls: string[] = [];
    const sender = lazySender(async () => {
      builds++;
      return echoClient(calls);
    });
    assert.equal(builds, 0, "no client before the first call");
    assert.equal(await sender.send("a"), "sent a");
    assert.equal(await sender.send("b"), "sent b");
    assert.equal(builds, 1);
    assert.deepEqual(calls, ["a", "b"]);
  });

  it("builds one client for concurrent first calls", async () => {
    let builds = 0;
    const calls: string[] = [];
    const sender = lazySender(async () => {
      builds++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return echoClient(calls);
    });
    const answers = await Promise.all(["a", "b", "c"].map((command) => sender.send(command)));
    assert.deepEqual(answers, ["sent a", "sent b", "sent c"]);
    assert.equal(builds, 1);
  });

  it("fails the call whose build failed, and builds again on the next call", async () => {
    let builds = 0;
    const calls: string[] = [];
    const sender = lazySender(async () => {
      if (++builds === 1) throw new Error("Cannot find module '@aws-sdk/client-s3'");
      return echoClient(calls);
    });
    await assert.rejects(sender.send("a"), /Cannot find module/);
    assert.equal(await sender.send("b"), "sent b");
    assert.equal(builds, 2);
    assert.deepEqual(calls, ["b"]);
  });

  it("passes a failed send on without rebuilding the client", async () => {
    let builds = 0;
    const sender = lazySender<string, string>(async () => {
      builds++;
      return {
        send: async () => {
          throw new Error("Service Unavailable");
        },
      };
    });
    await assert.rejects(sender.send("a"), /Service Unavailable/);
    await assert.rejects(sender.send("b"), /Service Unavailable/);
    assert.equal(builds, 1);
  });
});

describe("loadOnce", () => {
  it("loads nothing until the first call, then once for every call", async () => {
    let loads = 0;
    const load = loadOnce(async () => ({ loaded: ++loads }));
    assert.equal(loads, 0);
    const answers = await Promise.all([load(), load(), load()]);
    assert.equal(loads, 1);
    assert.ok(
      answers.every((answer) => answer === answers[0]),
      "every call gets the one module",
    );
  });
});
