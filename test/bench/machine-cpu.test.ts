// The suite benchmark's whole-machine CPU figure: read from /proc/stat's aggregate line, busy
// time only (idle and iowait left out), in seconds of USER_HZ ticks.
import { strict as assert } from "node:assert";
import { busyCpuSeconds, machineBusyCpuSeconds } from "../../bench/machine-cpu";

describe("bench: the machine's busy CPU seconds (/proc/stat)", () => {
  it("adds user, nice, system, irq, softirq and steal; idle, iowait and guest (already in user) are not busy", () => {
    const stat = [
      "cpu  1000 50 300 90000 700 20 30 5 400 0",
      "cpu0 500 25 150 45000 350 10 15 2 200 0",
      "intr 1 2 3",
    ].join("\n");
    assert.equal(busyCpuSeconds(stat), (1000 + 50 + 300 + 20 + 30 + 5) / 100);
  });

  it("refuses a /proc/stat without the aggregate line or with text where numbers belong", () => {
    assert.throws(() => busyCpuSeconds("cpu0 1 2 3 4\nintr 5"), /no aggregate cpu line/);
    assert.throws(() => busyCpuSeconds("cpu  a b c d"), /not numeric/);
  });

  it("goes up while this process works (read from the live /proc/stat)", function () {
    const before = machineBusyCpuSeconds();
    if (before === undefined) this.skip();
    const until = Date.now() + 300;
    while (Date.now() < until); // 0.3 s of this process's CPU: at least 0.2 s more busy time
    assert.ok((machineBusyCpuSeconds() as number) - (before as number) >= 0.2);
  });
});
