/**
 * Noise hygiene: which trials are not a fair sample of the server and must be measured again
 * rather than averaged in. Rank statistics limit the damage of an outlier; re-running removes it.
 */
import type { TrialReading } from '../model/results.js';
import { findIdleWorkers } from './find-idle-workers.js';

/** Above this fraction of failed requests a trial measures the failure, not the server (1%). */
export const MAX_ERROR_RATE = 0.01;
/** Above this machine-wide CPU steal (50%) a trial measures the hypervisor. */
export const MAX_STEAL_FRACTION = 0.5;

/**
 * Why `reading` should be set aside and its pair measured again, or undefined when it is a fair
 * sample: a server worker left idle (ENVIRONMENT.md: all keep-alive connections on one worker,
 * throughput halved, CPU per request +40%), more than 1% failed requests, or more than 50% steal.
 */
export function whyRerun(reading: TrialReading): string | undefined {
  const idle = findIdleWorkers(reading.processes);
  if (idle.length > 0) return `worker pid ${idle.map((w) => w.pid).join(', ')} idle`;
  if (reading.metrics.error_rate > MAX_ERROR_RATE) {
    return `${(reading.metrics.error_rate * 100).toFixed(1)}% of requests failed`;
  }
  if (reading.stealFraction > MAX_STEAL_FRACTION)
    return `${(reading.stealFraction * 100).toFixed(0)}% CPU steal`;
  return undefined;
}
