import type { TrialReading } from '../model/results.js';
import { formatPercent } from './format-percent.js';

/** Mean CPU steal above which timings are flagged as noisy (a fraction of machine CPU time). */
export const HIGH_STEAL_FRACTION = 0.2;

/**
 * Warnings about the conditions of a scenario's trials that apply to all of its comparisons:
 * failed requests in any trial (timings then include errors and refusals) and a mean CPU steal over
 * `HIGH_STEAL_FRACTION` (the hypervisor took that share of the CPU: timing metrics are noisy, and
 * cpu_per_request is the metric to trust).
 */
export function describeTrialConditions(readings: readonly TrialReading[]): string[] {
  if (readings.length === 0) return [];
  const warnings: string[] = [];
  const withErrors = readings.filter((r) => r.errors > 0 || r.metrics.error_rate > 0);
  if (withErrors.length > 0) {
    const worst = Math.max(...withErrors.map((r) => r.metrics.error_rate));
    const sides = [...new Set(withErrors.map((r) => r.side))].join(' and ');
    warnings.push(
      `errors in ${withErrors.length} of ${readings.length} trials (${sides}; error rate up to ${formatPercent(worst, { signed: false })}): ` +
        'timings include failed requests',
    );
  }
  const stealMean = readings.reduce((sum, r) => sum + r.stealFraction, 0) / readings.length;
  if (stealMean > HIGH_STEAL_FRACTION) {
    warnings.push(
      `high CPU steal: ${formatPercent(stealMean, { signed: false })} on average over this scenario's trials ` +
        `(above ${HIGH_STEAL_FRACTION * 100}%): timings are noisy; cpu_per_request is the least affected metric`,
    );
  }
  return warnings;
}
