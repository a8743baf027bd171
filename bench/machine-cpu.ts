// The whole machine's CPU time while something runs, from /proc/stat (Linux): every process
// counts, also those the command's process tree never waits for (Chromium's renderer, GPU and
// utility processes), which `time` and process.resourceUsage() leave out. Idle and iowait are
// not busy time; steal is time the hypervisor gave another guest while this one wanted to run,
// so it is not the command's work, but it stretches the wall time, and is reported beside it.
// Only meaningful on an otherwise quiet machine: other load counts too.
import * as fs from "node:fs";

/** The kernel's clock ticks per second for /proc/stat (USER_HZ, 100 on every Linux build in use). */
const ticksPerSecond = 100;

export interface MachineCpu {
  /** Seconds the cores ran work (user, nice, system, irq, softirq), all cores, since boot. */
  busy: number;
  /** Seconds the hypervisor ran something else while this machine's cores wanted to run. */
  steal: number;
}

/** Busy and stolen CPU seconds since boot, all cores, from /proc/stat's aggregate `cpu` line. */
export function cpuSeconds(procStat: string): MachineCpu {
  const line = procStat.split("\n").find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error("/proc/stat has no aggregate cpu line");
  // user nice system idle iowait irq softirq steal guest guest_nice (guest time is already in user).
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  if ([user, nice, system].some((v) => !Number.isFinite(v)))
    throw new Error(`/proc/stat's cpu line is not numeric: ${line}`);
  return {
    busy: (user + nice + system + (irq || 0) + (softirq || 0)) / ticksPerSecond,
    steal: (steal || 0) / ticksPerSecond,
  };
}

/** The machine's CPU seconds now, or undefined where /proc/stat is not there (not Linux). */
export function machineCpuSeconds(): MachineCpu | undefined {
  try {
    return cpuSeconds(fs.readFileSync("/proc/stat", "utf8"));
  } catch {
    return undefined;
  }
}
