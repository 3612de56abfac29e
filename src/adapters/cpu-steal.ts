/** Machine-wide CPU time accounting from /proc/stat and /proc/loadavg (proc(5)). */
import { readFileSync } from 'node:fs';

/** The aggregate `cpu` line of /proc/stat, in clock ticks. */
export interface CpuTimes {
  /** user + nice + system + idle + iowait + irq + softirq + steal (guest time is already in user). */
  readonly totalTicks: number;
  /** Time the hypervisor ran another guest while this one wanted the CPU. */
  readonly stealTicks: number;
}

/** Parses the first (`cpu `) line of /proc/stat text; zeros when it is missing. */
export function parseCpuTimes(procStat: string): CpuTimes {
  const line = procStat.split('\n').find((candidate) => candidate.startsWith('cpu '));
  const fields = (line ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 8 || !fields.every(Number.isFinite)) return { totalTicks: 0, stealTicks: 0 };
  return { totalTicks: fields.reduce((sum, value) => sum + value, 0), stealTicks: fields[7] ?? 0 };
}

/** Reads /proc/stat now; zeros when it cannot be read (not Linux). */
export function readCpuTimes(): CpuTimes {
  try {
    return parseCpuTimes(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return { totalTicks: 0, stealTicks: 0 };
  }
}

/** Fraction (0..1) of CPU time stolen between two readings; 0 when no time passed. */
export function stealBetween(before: CpuTimes, after: CpuTimes): number {
  const totalTicks = after.totalTicks - before.totalTicks;
  if (totalTicks <= 0) return 0;
  return Math.min(1, Math.max(0, (after.stealTicks - before.stealTicks) / totalTicks));
}

/** The 1-minute load average from /proc/loadavg; 0 when it cannot be read. */
export function readLoadAverage(): number {
  try {
    const value = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
    return Number.isFinite(value) ? value : 0;
  } catch {
    return 0;
  }
}
