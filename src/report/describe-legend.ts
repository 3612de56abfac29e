import type { GateReport } from '../model/results.js';
import { formatPercentShort } from './format-number.js';

/**
 * The "how to read" line under a report, in plain text (the renderer escapes it): what each verdict
 * claims at the threshold the gate ran with, and the level the stopping look decided at as the
 * report recorded it (src/compare/sequential.ts).
 */
export function describeLegend(report: GateReport): string {
  const threshold = formatPercentShort(report.gate.threshold);
  const half = formatPercentShort(report.gate.threshold / 2);
  const level = report.sequential?.level ?? report.gate.alpha;
  if (report.mode === 'stored')
    return (
      `regression = shown worse by more than ${half} (half the ${threshold} threshold) at p ≤ ` +
      `${Number(level.toPrecision(3))} after false-discovery control, by a one-sided test of the Hodges–Lehmann ` +
      `shift of head's trials against the stored run's, its uncertainty widened by the usual run-to-run spread; ` +
      `unchanged = shown within ±${threshold}; ~ = the interval includes 0; a head that fails more requests ` +
      `than the baseline fails the gate whatever the metrics; error_rate changes are in percentage points (pp); ` +
      `base is the stored run's median, head this run's, change the shift of head vs the stored run.`
    );
  return (
    `regression = shown worse by more than ${half} (half the ${threshold} threshold) by a one-sided ` +
    `signed-rank test at p ≤ ${Number(level.toPrecision(3))} after false-discovery control; unchanged = ` +
    `shown within ±${threshold}; ~ = the interval includes 0; a head that fails more requests than base ` +
    `fails the gate whatever the metrics; error_rate changes are in percentage points (pp); base and head ` +
    `are medians, change is the paired estimate of head vs base.`
  );
}
