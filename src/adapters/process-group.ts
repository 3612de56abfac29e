/**
 * Stops a process group started with `detached: true` (which makes the child lead a new session and
 * group), so that no worker, backgrounded job or re-parented grandchild outlives it.
 */
import { RUN_ID, RUN_ID_VARIABLE } from './child-environment.js';
import {
  listProcesses,
  isRunning,
  processesWithVariable,
  readCommandLine,
  readProcess,
  selectTree,
  type ProcessEntry,
} from './process-table.js';

/** How long to wait for SIGKILLed processes to vanish before giving up (uninterruptible sleep). */
const KILL_WAIT_MS = 3_000;

const tracked = new Set<number>();
let exitHookInstalled = false;

/**
 * Remembers a live group so that, if perfgate itself exits (an unhandled error, `process.exit` after
 * SIGINT), its members are SIGKILLed synchronously on the way out instead of being orphaned. The
 * hook is installed on first use, not at import time.
 */
export function trackGroup(leaderPid: number): void {
  tracked.add(leaderPid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => killEverythingNow());
}

/**
 * SIGKILLs, synchronously, every tracked group and every process carrying this run's
 * `PERFGATE_RUN_ID` (whatever detached from its group); used on exit and on a second signal.
 * @returns the PIDs of tagged processes found outside the tracked groups.
 */
export function killEverythingNow(): number[] {
  for (const pid of tracked) signalGroup(pid, 'SIGKILL');
  const hunted = processesWithVariable(RUN_ID_VARIABLE, RUN_ID);
  for (const pid of hunted) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return hunted;
}

/** Forgets a group stopped by {@link terminateGroup}. */
export function untrackGroup(leaderPid: number): void {
  tracked.delete(leaderPid);
}

/** Sends `signal` to the group led by `leaderPid`; false when no member was left to receive it. */
export function signalGroup(leaderPid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-leaderPid, signal);
    return true;
  } catch {
    return false;
  }
}

function signalEach(entries: readonly ProcessEntry[], signal: NodeJS.Signals): void {
  for (const entry of entries) {
    try {
      process.kill(entry.pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Members still running: the group/session/descendants of the leader, plus any first seen earlier. */
function liveMembers(leaderPid: number, known: Map<string, ProcessEntry>): ProcessEntry[] {
  const table = listProcesses();
  const byKey = new Map(table.map((entry) => [`${entry.pid}:${entry.startTicks}`, entry]));
  const live = new Map<string, ProcessEntry>();
  for (const entry of selectTree(table, leaderPid)) live.set(`${entry.pid}:${entry.startTicks}`, entry);
  // A member that left the group (setsid/setpgid) and whose parent died is found only by identity.
  for (const key of known.keys()) {
    const entry = byKey.get(key);
    if (entry) live.set(key, entry);
  }
  for (const [key, entry] of live) known.set(key, entry);
  return [...live.values()].filter(isRunning);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntilGone(
  leaderPid: number,
  known: Map<string, ProcessEntry>,
  deadline: number,
  pollMs: number,
): Promise<ProcessEntry[]> {
  let live = liveMembers(leaderPid, known);
  while (live.length > 0 && Date.now() < deadline) {
    await sleep(pollMs);
    live = liveMembers(leaderPid, known);
  }
  return live;
}

/**
 * Stops every process of the group led by `leaderPid` (plus its descendants that left the group):
 * SIGTERM, wait up to `graceMs` for all of them to exit, then SIGKILL whatever is left and wait for
 * it to vanish (bounded). Zombies count as gone: only reaping is left for them.
 * @returns the commands' PIDs that had to be SIGKILLed (empty when SIGTERM sufficed).
 */
export async function terminateGroup(leaderPid: number, graceMs: number, pollMs = 50): Promise<number[]> {
  const known = new Map<string, ProcessEntry>();
  const initial = liveMembers(leaderPid, known);
  if (initial.length === 0) {
    untrackGroup(leaderPid);
    return [];
  }
  signalGroup(leaderPid, 'SIGTERM');
  signalEach(
    initial.filter((entry) => entry.pgid !== leaderPid),
    'SIGTERM',
  );
  const stubborn = await waitUntilGone(leaderPid, known, Date.now() + graceMs, pollMs);
  if (stubborn.length > 0) {
    signalGroup(leaderPid, 'SIGKILL');
    signalEach(stubborn, 'SIGKILL');
    // A SIGKILLed process can still fork in the instant before delivery: re-kill whatever shows up.
    const deadline = Date.now() + KILL_WAIT_MS;
    let live = liveMembers(leaderPid, known);
    while (live.length > 0 && Date.now() < deadline) {
      signalEach(live, 'SIGKILL');
      await sleep(pollMs);
      live = liveMembers(leaderPid, known);
    }
  }
  untrackGroup(leaderPid);
  return stubborn.map((entry) => entry.pid);
}

/** A process found by its environment tag and stopped. */
export interface HuntedProcess {
  readonly pid: number;
  /** Its command line as read before it was stopped (see readCommandLine). */
  readonly command: string;
}

/**
 * Stops every process still carrying `name=value` in its environment (default: this run's
 * `PERFGATE_RUN_ID`) once the groups are stopped: SIGTERM, up to `graceMs` to exit, then SIGKILL.
 * These are processes that detached from their group and parent (setsid, `--daemon`), which
 * {@link terminateGroup} cannot see.
 * @returns the processes found (empty when nothing had detached).
 */
export async function huntTagged(
  graceMs: number,
  pollMs = 50,
  name: string = RUN_ID_VARIABLE,
  value: string = RUN_ID,
): Promise<HuntedProcess[]> {
  const found = processesWithVariable(name, value);
  if (found.length === 0) return [];
  const hunted = found.map((pid) => ({ pid, command: readCommandLine(pid, readProcess(pid)?.comm ?? '?') }));
  const signalAll = (pids: readonly number[], signal: NodeJS.Signals): void => {
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
  };
  signalAll(found, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let live = processesWithVariable(name, value);
  while (live.length > 0 && Date.now() < deadline) {
    await sleep(pollMs);
    live = processesWithVariable(name, value);
  }
  const killDeadline = Date.now() + KILL_WAIT_MS;
  while (live.length > 0 && Date.now() < killDeadline) {
    signalAll(live, 'SIGKILL');
    await sleep(pollMs);
    live = processesWithVariable(name, value);
  }
  return hunted;
}
