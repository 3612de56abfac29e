/** One progress line per trial, so a multi-minute gate shows where it is. */
import type { TrialReading } from '../model/results.js';
import { formatValue } from '../report/index.js';

/**
 * e.g. `pair 3/10 head  list-items  1,234 req/s  p50 1.23 ms  0.812 CPU ms/req  steal 12%  ~1m42s of budget left`
 * @param plannedPairs pairs planned in all.
 * @param budgetLeftMs time left of the trial budget, in ms (negative is shown as 0).
 */
export function describeProgress(reading: TrialReading, plannedPairs: number, budgetLeftMs: number): string {
  const m = reading.metrics;
  const parts = [
    `pair ${reading.pair + 1}/${plannedPairs}`,
    reading.side.padEnd(4),
    reading.scenario,
    formatValue('throughput', m.throughput),
    `p50 ${formatValue('latency_p50', m.latency_p50)}`,
    formatValue('cpu_per_request', m.cpu_per_request),
    `steal ${(reading.stealFraction * 100).toFixed(0)}%`,
    `~${formatDuration(Math.max(0, budgetLeftMs))} of budget left`,
  ];
  if (reading.errors > 0) parts.push(`${reading.errors} errors`);
  return parts.join('  ') + reading.warnings.map((w) => `\n  ⚠ ${w}`).join('');
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds >= 60
    ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`
    : `${seconds}s`;
}
