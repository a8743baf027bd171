// The suite benchmark's whole-machine CPU figure: read from /proc/stat's aggregate line, busy
// time apart from steal (idle and iowait left out), in seconds of USER_HZ ticks.
import { strict as assert } from "node:assert";
import { cpuSeconds, machineCpuSeconds } from "../../bench/machine-cpu";

describe("bench: the machine's CPU seconds (/proc/stat)", () => {
  it("busy is user, nice, system, irq and softirq; steal apart; idle, iowait and guest (already in user) neither", () => {
    const stat = [
      "cpu  1000 50 300 90000 700 20 30 5 400 0",
      "cpu0 500 25 150 45000 350 10 15 2 200 0",
      "intr 1 2 3",
    ].join("\n");
    assert.deepEqual(cpuSeconds(stat), { busy: (1000 + 50 + 300 + 20 + 30) / 100, steal: 5 / 100 });
  });

  it("refuses a /proc/stat without the aggregate line or with text where numbers belong", () => {
    assert.throws(() => cpuSeconds("cpu0 1 2 3 4\nintr 5"), /no aggregate cpu line/);
    assert.throws(() => cpuSeconds("cpu  a b c d"), /not numeric/);
  });

  it("busy time goes up while this process works (read from the live /proc/stat)", function () {
    const before = machineCpuSeconds();
    if (before === undefined) this.skip();
    const until = Date.now() + 300;
    while (Date.now() < until); // 0.3 s of this process's CPU (less any steal): well over 0.1 s busy
    assert.ok((machineCpuSeconds() as { busy: number }).busy - (before as { busy: number }).busy >= 0.1);
  });
});
