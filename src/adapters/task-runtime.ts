/**
 * Per-thread CPU time at nanosecond resolution, from /proc/<pid>/task/<tid>/schedstat (proc(5)),
 * and how it is combined with the 10 ms clock ticks of /proc/<pid>/stat.
 *
 * What the kernel does (Linux 6.18, checked with a Python process whose threads start and exit):
 * schedstat's first field is the task's `sum_exec_runtime`, in ns. /proc/<pid>/schedstat is the
 * leader thread's alone, so a process's time is the sum over /proc/<pid>/task/*. When a thread exits
 * its time leaves that sum (three threads of 200 ms: 253 ms while they ran, 70 ms once they had
 * exited) but stays in the process's utime+stime in /proc/<pid>/stat (660 ms, against 671 ms from
 * CLOCK_PROCESS_CPUTIME_ID). stat's utime and stime are that same run time split and each rounded
 * down to a clock tick, so their sum lags the truth by less than two ticks. Both counters are
 * brought up to date at each scheduler tick or switch, so a thread running on another CPU while it
 * is read may lack up to one scheduler tick (4 ms at CONFIG_HZ=250) in either.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One /proc/<pid>/task/<tid>/schedstat line. */
export interface Schedstat {
  /** Time on a CPU (`sum_exec_runtime`), ns. */
  readonly runNs: number;
  /** Time spent runnable, waiting for a CPU, ns. */
  readonly waitNs: number;
  /** Timeslices run on a CPU. */
  readonly timeslices: number;
}

/**
 * Parses the text of a schedstat file (`<run ns> <wait ns> <timeslices>`).
 * @returns undefined when the text is not three non-negative integers.
 */
export function parseSchedstat(text: string): Schedstat | undefined {
  const fields = text.trim().split(/\s+/).map(Number);
  if (fields.length !== 3 || !fields.every((field) => Number.isInteger(field) && field >= 0))
    return undefined;
  const [runNs = 0, waitNs = 0, timeslices = 0] = fields;
  return { runNs, waitNs, timeslices };
}

/**
 * Whether this kernel keeps per-thread run time: perfgate's own schedstat is readable and counts at
 * least one timeslice. Without CONFIG_SCHED_INFO the file is missing, or (older kernels with the
 * accounting switched off at run time) reads `0 0 0`, which a running thread never shows otherwise.
 */
export function hasTaskRuntimes(): boolean {
  try {
    const own = parseSchedstat(readFileSync('/proc/self/schedstat', 'utf8'));
    return own !== undefined && own.timeslices > 0;
  } catch {
    return false;
  }
}

/**
 * Run time of every live task (thread) of `pid`, ns by tid. Threads that exit between the listing
 * and their read are left out.
 * @returns undefined when the process is gone or /proc/<pid>/task cannot be read.
 */
export function readTaskRuntimes(pid: number): Map<number, number> | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const runtimes = new Map<number, number>();
  for (const tid of tids) {
    try {
      const stat = parseSchedstat(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8'));
      if (stat) runtimes.set(Number(tid), stat.runNs);
    } catch {
      // The thread exited after the listing: its time up to its last reading is already kept.
    }
  }
  return runtimes;
}

/** The run time of one process's threads over a window, built from successive readings. */
export interface RuntimeTally {
  /** Adds one reading of the process's live tasks (ns by tid, as {@link readTaskRuntimes}). */
  observe(runtimes: ReadonlyMap<number, number>): void;
  /**
   * ns the process's threads ran since the window opened, as far as the readings saw: each thread's
   * last reading minus its first (0 for threads born during the window). A thread that exited keeps
   * its last reading, so the time it ran after that reading is missing; a thread that lived only
   * between two readings is missing altogether. Never negative.
   */
  windowNs(): number;
  /** True once a reading lacked a thread an earlier one had (it exited, so time may be missing). */
  sawThreadExit(): boolean;
}

/**
 * Starts a tally. `bornInWindow`: the process appeared after the window opened, so even the threads
 * of its first reading count from 0.
 */
export function createRuntimeTally(bornInWindow: boolean): RuntimeTally {
  const tasks = new Map<number, { firstNs: number; lastNs: number }>();
  let closedNs = 0;
  let readings = 0;
  let exited = false;
  return {
    observe(runtimes) {
      const opening = readings === 0 && !bornInWindow;
      readings += 1;
      for (const [tid, task] of tasks) {
        if (!runtimes.has(tid)) {
          closedNs += task.lastNs - task.firstNs;
          tasks.delete(tid);
          exited = true;
        }
      }
      for (const [tid, ns] of runtimes) {
        const task = tasks.get(tid);
        if (!task) {
          tasks.set(tid, { firstNs: opening ? ns : 0, lastNs: ns });
        } else if (ns < task.lastNs) {
          // Run time never decreases, so this tid now names a new thread: close the old one.
          closedNs += task.lastNs - task.firstNs;
          tasks.set(tid, { firstNs: 0, lastNs: ns });
          exited = true;
        } else {
          task.lastNs = ns;
        }
      }
    },
    sawThreadExit: () => exited,
    windowNs() {
      let ns = closedNs;
      for (const task of tasks.values()) ns += task.lastNs - task.firstNs;
      return ns;
    },
  };
}

/** A process's window CPU and which clock it rests on. */
export interface WindowCpu {
  /** CPU ms (decimal). */
  readonly cpuMs: number;
  /** True when the tick count had to be used because the thread readings missed time. */
  readonly fromTicks: boolean;
}

/**
 * Chooses a process's window CPU from its two counters: `runNs`, the thread sum (ns), exact unless
 * threads exited during the window, and `ticks`, Δ(utime+stime), which includes exited threads but
 * may be off by up to two ticks either way.
 * - Threads seen to exit (`threadsExited`): the thread sum lacks their time after their last
 *   reading, so the larger of the two is taken (off by less than two ticks).
 * - Otherwise the thread sum is kept unless the tick count exceeds it by more than two ticks, which
 *   proves that threads lived and exited unseen between two readings (one per request, say); then
 *   the tick count is taken. So a window whose threads all lived stays exact to the ns.
 * With `runNs` undefined (no schedstat) it is the tick count.
 * @param runNs Thread run time over the window, ns ({@link RuntimeTally.windowNs}).
 * @param ticks Δ(utime+stime) over the window, clock ticks (negative values read as 0).
 * @param msPerTick Length of a clock tick, ms (10 with the usual CLK_TCK of 100).
 * @param threadsExited Whether a reading lacked a thread an earlier one had.
 */
export function chooseWindowCpu(
  runNs: number | undefined,
  ticks: number,
  msPerTick: number,
  threadsExited = false,
): WindowCpu {
  const tickMs = Math.max(0, ticks) * msPerTick;
  if (runNs === undefined) return { cpuMs: tickMs, fromTicks: true };
  const runMs = runNs / 1e6;
  const slackMs = threadsExited ? 0 : 2 * msPerTick;
  return tickMs - slackMs > runMs ? { cpuMs: tickMs, fromTicks: true } : { cpuMs: runMs, fromTicks: false };
}
