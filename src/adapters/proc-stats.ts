/**
 * CPU and memory of a server's process tree over a measurement window, from Linux /proc (proc(5)),
 * with machine-wide CPU steal and load.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, release, type } from 'node:os';
import { RunError } from '../errors.js';
import type { MachineFacts, ProcessStats, ProcessWindowCpu, TreeWindow, TreeWatch } from '../ports.js';
import {
  isRunning,
  listProcesses,
  readCommandLine,
  readProcess,
  selectTree,
  type ProcessEntry,
} from './process-table.js';
import { readCpuTimes, readLoadAverage, stealBetween } from './cpu-steal.js';
import {
  chooseWindowCpu,
  createRuntimeTally,
  hasTaskRuntimes,
  readTaskRuntimes,
  type RuntimeTally,
} from './task-runtime.js';

/** Tuning of {@link createProcStats}. */
export interface ProcStatsOptions {
  /** Time between samples of the tree (membership, CPU, RSS), in ms (default 100). */
  readonly sampleIntervalMs?: number;
  /**
   * Which clock reads the tree's CPU: `auto` (default) the threads' run time in ns where the kernel
   * keeps it, else clock ticks; `ticks` the ticks of utime+stime only (to compare the two).
   */
  readonly cpuClock?: 'auto' | 'ticks';
}

/** Reads a `getconf` value once; Linux's usual value when getconf is missing or odd. */
function getconf(name: string, fallback: number): number {
  try {
    const value = Number(execFileSync('getconf', [name], { encoding: 'utf8', timeout: 2_000 }).trim());
    return Number.isInteger(value) && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
}

interface Seen {
  readonly pid: number;
  ppid: number;
  readonly command: string;
  /** utime+stime when the window opened (0 for processes that appeared during it), ticks. */
  readonly firstTicks: number;
  /** utime+stime at the latest sample that saw the process, ticks. */
  lastTicks: number;
  /** Its threads' run time (ns clock only). */
  readonly runtime: RuntimeTally | undefined;
}

/** ms of the ns clock's step, the resolution of a window whose CPU rests on thread run time only. */
const NS_RESOLUTION_MS = 1e-6;

const cpuTicks = (entry: ProcessEntry): number => entry.utimeTicks + entry.stimeTicks;

/**
 * Creates the {@link ProcessStats} reader.
 *
 * `watch(rootPid)` follows the root, its descendants and, when the root leads them, every process of
 * its process group and session (so a worker re-parented to init still counts; the launcher makes
 * each server lead both). It re-reads the whole process table every `sampleIntervalMs` (one read of
 * each /proc/<pid>/stat, about a millisecond for a hundred processes) to pick up new members, their
 * utime+stime (`getconf CLK_TCK` ticks, usually 100 per second, so 10 ms resolution), the run time
 * of each of their threads (/proc/<pid>/task/<tid>/schedstat, ns) and the summed resident set
 * (stat's rss pages × `getconf PAGESIZE`), keeping the peak. At `stop` the tree is read once more.
 *
 * A process's window CPU is its threads' run time over the window, or its Δutime+stime when that is
 * larger after a thread exited, or larger by more than two ticks (threads born and gone between two
 * samples): see `chooseWindowCpu` in src/adapters/task-runtime.ts. So it is exact to the ns while
 * the threads live, the CPU of exited threads is kept to within two ticks, and it is never
 * negative. Where the kernel keeps no per-thread run time (no CONFIG_SCHED_INFO) or `cpuClock` is
 * `ticks`, it is Δutime+stime, and the reader's first window says so in its `warnings` (once, not
 * in every trial). `cpuResolutionMs` is one tick when any process was counted in ticks. Reading
 * the threads adds one small file read per thread of the tree to each sample.
 *
 * A process that appeared during the window counts from 0; one that exited keeps its last sampled
 * reading, so up to one sample interval of its CPU may be missed. Parents' cutime/cstime (CPU of
 * reaped children) are ignored so that nothing is counted twice. PIDs are told apart from reused
 * ones by their start time. Steal is Δsteal ÷ Δtotal over /proc/stat's aggregate `cpu` line.
 */
export function createProcStats(options: ProcStatsOptions = {}): ProcessStats {
  const sampleIntervalMs = options.sampleIntervalMs ?? 100;
  let ticksPerSecond: number | undefined;
  let pageBytes: number | undefined;
  let threadClock: boolean | undefined;
  let clockWarned = false;

  function openWatch(rootPid: number): TreeWatch {
    ticksPerSecond ??= getconf('CLK_TCK', 100);
    pageBytes ??= getconf('PAGESIZE', 4096);
    threadClock ??= options.cpuClock !== 'ticks' && hasTaskRuntimes();
    const msPerTick = 1000 / ticksPerSecond;
    const bytesPerPage = pageBytes;
    const readsThreads = threadClock;
    const root = readProcess(rootPid);
    if (!root || !isRunning(root)) {
      throw new RunError(
        `process ${rootPid} is not running, so its CPU and memory cannot be measured`,
        'The server exited before the measurement began: read its log.',
      );
    }
    const warnings: string[] = [];
    if (!readsThreads && !clockWarned) {
      clockWarned = true;
      warnings.push(describeTickClock(msPerTick, options.cpuClock === 'ticks'));
    }
    const cpuAtStart = readCpuTimes();
    const seen = new Map<string, Seen>();
    let rssPeakBytes = 0;
    let opening = true;

    const sample = (): void => {
      let rssBytes = 0;
      for (const entry of selectTree(listProcesses(), rootPid)) {
        const key = `${entry.pid}:${entry.startTicks}`;
        let known = seen.get(key);
        if (known) {
          known.lastTicks = cpuTicks(entry);
          known.ppid = entry.ppid;
        } else {
          const ticks = cpuTicks(entry);
          known = {
            pid: entry.pid,
            ppid: entry.ppid,
            command: readCommandLine(entry.pid, entry.comm),
            firstTicks: opening ? ticks : 0,
            lastTicks: ticks,
            runtime: readsThreads ? createRuntimeTally(!opening) : undefined,
          };
          seen.set(key, known);
        }
        const runtimes = known.runtime ? readTaskRuntimes(entry.pid) : undefined;
        if (runtimes) known.runtime?.observe(runtimes);
        if (isRunning(entry)) rssBytes += entry.rssPages * bytesPerPage;
      }
      rssPeakBytes = Math.max(rssPeakBytes, rssBytes);
    };

    sample();
    opening = false;
    const timer = setInterval(sample, sampleIntervalMs);
    // A forgotten watch must not keep perfgate alive.
    timer.unref();

    let result: TreeWindow | undefined;
    return {
      stop(): Promise<TreeWindow> {
        if (result) return Promise.resolve(result);
        clearInterval(timer);
        sample();
        let fromTicks = false;
        const processes: ProcessWindowCpu[] = [...seen.values()].map((process) => {
          const cpu = chooseWindowCpu(
            process.runtime?.windowNs(),
            process.lastTicks - process.firstTicks,
            msPerTick,
            process.runtime?.sawThreadExit(),
          );
          fromTicks ||= cpu.fromTicks;
          return { pid: process.pid, ppid: process.ppid, command: process.command, cpuMs: cpu.cpuMs };
        });
        result = {
          cpuMs: processes.reduce((sum, process) => sum + process.cpuMs, 0),
          processes,
          cpuResolutionMs: fromTicks ? msPerTick : NS_RESOLUTION_MS,
          rssPeakBytes,
          stealFraction: stealBetween(cpuAtStart, readCpuTimes()),
          loadAverage: readLoadAverage(),
          warnings,
        };
        return Promise.resolve(result);
      },
    };
  }

  return {
    // The executor turns a throw from openWatch into a rejection.
    watch: (rootPid) => new Promise((resolve) => resolve(openWatch(rootPid))),
    machine,
  };
}

/** The warning that a reader counts CPU in clock ticks, with what to do about it. */
function describeTickClock(msPerTick: number, asked: boolean): string {
  const why = asked
    ? 'as asked (`cpuClock: ticks`)'
    : 'because this kernel keeps no per-thread run time (/proc/<pid>/task/<tid>/schedstat, CONFIG_SCHED_INFO)';
  return (
    `server CPU is counted in clock ticks of ${msPerTick} ms ${why}: CPU per request can tell changes ` +
    `apart only when a trial's server CPU is far above ${msPerTick} ms; use a longer \`duration\``
  );
}

/**
 * Machine facts: OS name and kernel release, CPU model (/proc/cpuinfo `model name`), usable cores,
 * architecture, GitHub's runner image (`ImageOS`, `ImageVersion`), Node's and `python3`'s versions.
 */
function machine(): MachineFacts {
  let cpuModel = '';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    cpuModel = match?.[1]?.trim() ?? '';
  } catch {
    // Not Linux, or /proc hidden: fall through to what node reports.
  }
  const image = [process.env.ImageOS, process.env.ImageVersion].filter(
    (part) => part !== undefined && part !== '',
  );
  const python = pythonVersion();
  return {
    os: `${type()} ${release()}`,
    cpuModel: cpuModel || (cpus()[0]?.model ?? 'unknown'),
    cores: availableParallelism(),
    arch: arch(),
    ...(image.length > 0 ? { image: image.join(' ') } : {}),
    node: process.version,
    ...(python === undefined ? {} : { python }),
  };
}

/** `python3 --version`'s number, or undefined when there is no python3 on PATH (asked once). */
let python3: { readonly version: string | undefined } | undefined;
function pythonVersion(): string | undefined {
  if (python3 === undefined) {
    let version: string | undefined;
    try {
      const out = execFileSync('python3', ['--version'], {
        encoding: 'utf8',
        timeout: 5_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      version = /(\d+\.\d+\.\d+\S*)/.exec(out)?.[1];
    } catch {
      version = undefined;
    }
    python3 = { version };
  }
  return python3.version;
}
