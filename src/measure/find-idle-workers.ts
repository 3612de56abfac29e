/**
 * Detects a server worker left idle during a trial. With keep-alive load the kernel deals each
 * connection to one worker when it connects; with few connections they can all land on one worker
 * (ENVIRONMENT.md measured throughput halved and CPU per request +40% in such trials), which makes
 * the trial measure a different server than its neighbours.
 */
import type { ProcessWindowCpu } from '../ports.js';

/** A worker that did (almost) nothing while another worked. CPU in ms over the trial window. */
export interface IdleWorker {
  readonly pid: number;
  readonly cpuMs: number;
  readonly busiestCpuMs: number;
}

/** Busiest worker must have used at least this much CPU for the check to mean anything. */
const MIN_BUSY_CPU_MS = 50;
/** A worker below this fraction of the busiest worker's CPU counts as idle. */
const IDLE_FRACTION = 0.05;

/**
 * Returns the idle workers among `processes`. Workers are the leaves of the tree (processes that
 * are nobody's parent), so a master or a wrapping shell is never taken for an idle worker; a
 * single-process server has one leaf and is never flagged.
 */
export function findIdleWorkers(processes: readonly ProcessWindowCpu[]): IdleWorker[] {
  const workers = findWorkers(processes);
  if (workers.length < 2) return [];
  const busiestCpuMs = Math.max(...workers.map((w) => w.cpuMs));
  if (busiestCpuMs < MIN_BUSY_CPU_MS) return [];
  return workers
    .filter((w) => w.cpuMs < busiestCpuMs * IDLE_FRACTION)
    .map((w) => ({ pid: w.pid, cpuMs: w.cpuMs, busiestCpuMs }));
}

/**
 * Helpers that Python's multiprocessing starts beside the workers and that never serve a request:
 * `python -c 'from multiprocessing.resource_tracker import main;main(4)'` (uvicorn `--workers N`
 * starts one; so may any server using multiprocessing), its older semaphore tracker, and the
 * forkserver. As leaves of the tree they would read as workers that got no connection.
 */
const HELPER_COMMAND = /from multiprocessing\.(?:resource_tracker|semaphore_tracker|forkserver) import main/;

/**
 * The workers among `processes`: the leaves of the tree (processes that are nobody's parent),
 * without multiprocessing's helpers (HELPER_COMMAND). A single-process server is its own one worker.
 */
export function findWorkers(processes: readonly ProcessWindowCpu[]): ProcessWindowCpu[] {
  const parents = new Set(processes.map((p) => p.ppid).filter((ppid): ppid is number => ppid !== undefined));
  return processes.filter((p) => !parents.has(p.pid) && !HELPER_COMMAND.test(p.command));
}
