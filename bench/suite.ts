// The wall time of `npm test` (typecheck + lint + mocha, browser tests included) as a developer
// or CI runs it: one fresh run in a child process. CI=1 makes the browser suites fail instead
// of skipping when Chromium is missing, so a fast figure cannot come from tests that did not
// run; the pending count is printed beside it for the same reason. One sample: noisy, and
// slow on purpose (it is the whole suite), so `npm run bench -- <words>` leaves it out unless
// a word names it.
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import { repoRoot } from "../components/lib/bundle";
import { machineCpuSeconds } from "./machine-cpu";
import { type BenchRow, formatNumber } from "./table";

/** The goal for the suite on this 2-core machine. */
export const suiteGoalSeconds = 45;
/** `npm test` before issue 15's work, as the issue measured it (typecheck 12 s, 11 whole-program runs 27 s). */
export const suiteBeforeSeconds = 75;

/**
 * Mocha's own lines of `npm test`'s output: `npm test` runs the typecheck, the lint and mocha side
 * by side (concurrently, each line prefixed with its command's name), so a count or a report
 * another command printed is not taken for mocha's. Output without prefixes is taken whole.
 */
export function mochaOutput(output: string): string {
  const prefix = /^\[mocha\] ?/;
  const lines = output.split("\n");
  if (!lines.some((line) => prefix.test(line))) return output;
  return lines
    .filter((line) => prefix.test(line))
    .map((line) => line.replace(prefix, ""))
    .join("\n");
}

/** mocha's closing counts ("1080 passing (4m)", "3 pending", "1 failing"), 0 for a count it did not print. */
export function mochaCounts(output: string): { passing: number; pending: number; failing: number } {
  const count = (word: string) => {
    const all = [...output.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, "gm"))];
    return all.length > 0 ? Number(all[all.length - 1][1]) : 0;
  };
  return { passing: count("passing"), pending: count("pending"), failing: count("failing") };
}

/** Mocha's report of what failed (from "N failing" on), or the output's end when there is none. */
export function failureReport(output: string, maxChars = 20_000): string {
  const at = output.search(/^[ \t]*\d+ failing\b/m);
  return (at >= 0 ? output.slice(at) : output.slice(-maxChars)).slice(0, maxChars);
}

export const benchmark = {
  title: "The suite: npm test wall time (typecheck + lint + mocha, CI=1, one run)",
  async run(): Promise<BenchRow[]> {
    const cpuBefore = machineCpuSeconds();
    const started = process.hrtime.bigint();
    const result = spawnSync("npm", ["test"], {
      cwd: repoRoot,
      env: { ...process.env, CI: "1" },
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuAfter = machineCpuSeconds();
    const output = `${result.stdout}\n${result.stderr}`;
    const counts = mochaCounts(mochaOutput(output));
    // A failing run's figure is printed, marked; what failed goes to stderr so it can be read:
    // mocha's report when tests failed, else the end of everything (the typecheck's or lint's).
    const failed = counts.failing > 0 ? failureReport(mochaOutput(output)) : failureReport(output);
    if (result.status !== 0) console.error(`\nnpm test failed in the suite benchmark:\n${failed}`);
    const outcome =
      result.status === 0 ? "exit 0" : `exit ${result.status ?? result.signal}: the figure is of a failing run`;
    const rows: BenchRow[] = [
      {
        name: "npm test wall time (one run)",
        value: `${formatNumber(seconds, 1)} s`,
        reference: `goal ${suiteGoalSeconds} s; before ${suiteBeforeSeconds} s; ${formatNumber(counts.passing)} passing, ${counts.pending} pending, ${counts.failing} failing; ${outcome}`,
        ratio: seconds / suiteGoalSeconds,
        kind: "noisy",
      },
    ];
    if (cpuBefore !== undefined && cpuAfter !== undefined) {
      // What the wall time can at best come down to on this machine's cores, at today's CPU cost.
      const cpu = cpuAfter.busy - cpuBefore.busy;
      const steal = cpuAfter.steal - cpuBefore.steal;
      const cores = os.availableParallelism();
      rows.push({
        name: "npm test CPU, whole machine (one run; every process, Chromium's included)",
        value: `${formatNumber(cpu, 0)} s`,
        reference: `${formatNumber(cpu / seconds, 2)} of ${cores} cores busy on average; at full use of ${cores} cores the wall time could not go below ${formatNumber(cpu / cores, 0)} s (goal ${suiteGoalSeconds} s); the hypervisor took ${formatNumber(steal, 0)} s more (steal), which stretched the wall time`,
        ratio: cpu / cores / suiteGoalSeconds,
        kind: "noisy",
      });
    }
    return rows;
  },
};
