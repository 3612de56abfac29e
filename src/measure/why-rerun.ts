/**
 * Noise hygiene: which trials are not a fair sample of the server and must be measured again
 * rather than averaged in. Rank statistics limit the damage of an outlier; re-running removes it.
 *
 * The rules look only at the measuring apparatus (how the load's connections were dealt over the
 * server's workers, CPU stolen from the machine), never at what the server did with the requests
 * (speed, errors), and they treat both sides alike: so a set-aside can never favour the faster
 * side, nor hide a regression (docs/reruns.md). Errors are the server's answer, judged by the
 * comparison (src/compare/judge-errors.ts), not a reason to measure again.
 */
import type { TrialReading } from '../model/results.js';
import { findIdleWorkers } from './find-idle-workers.js';

/** Above this machine-wide CPU steal (50%) a trial measures the hypervisor. */
export const MAX_STEAL_FRACTION = 0.5;

/**
 * Why `reading` should be set aside and its pair measured again, or undefined when it is a fair
 * sample: a server worker left idle (ENVIRONMENT.md: all keep-alive connections on one worker,
 * throughput halved, CPU per request +40%), or more than 50% steal.
 */
export function whyRerun(reading: TrialReading): string | undefined {
  const idle = findIdleWorkers(reading.processes);
  if (idle.length > 0) return `worker pid ${idle.map((w) => w.pid).join(', ')} idle`;
  if (reading.stealFraction > MAX_STEAL_FRACTION)
    return `${(reading.stealFraction * 100).toFixed(0)}% CPU steal`;
  return undefined;
}
