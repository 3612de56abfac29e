import type { Comparison } from '../model/results.js';
import { groupThousands } from './format-number.js';

/**
 * Formats a relative change (a fraction of base: 0.382 = head 38.2% above base) as a signed percentage
 * with one decimal: `"+38.2%"`, `"-4.0%"`, `"0.0%"`. With `significant: false` it is prefixed with
 * `~ ` (`"~ +1.2%"`), as benchstat marks a change indistinguishable from noise. Never throws; NaN prints
 * as `n/a`.
 */
export function formatChange(change: number, options: { significant?: boolean } = {}): string {
  const text = formatSignedPercent(change);
  return options.significant === false ? `~ ${text}` : text;
}

function formatSignedPercent(change: number): string {
  if (Number.isNaN(change)) return 'n/a';
  const magnitude = groupThousands(Math.abs(change * 100), 1);
  if (magnitude === '0.0') return '0.0%';
  return `${change > 0 ? '+' : '-'}${magnitude}%`;
}

/** Formats a confidence interval of a relative change: `"+31.0% … +45.9%"`. */
export function formatInterval(interval: readonly [number, number]): string {
  return `${formatChange(interval[0])} … ${formatChange(interval[1])}`;
}

/**
 * Whether a comparison's change is distinguishable from noise: its false-discovery-adjusted p-value
 * (q) is at most `alpha`, the rule the verdicts use (src/compare/decide-verdict.ts). A NaN q
 * (nothing to test) is not significant.
 */
export function isSignificant(comparison: Pick<Comparison, 'qValue'>, alpha: number): boolean {
  return comparison.qValue <= alpha;
}

/** Label of the confidence level for `alpha`: 0.05 → `"95% CI"`. */
export function confidenceLabel(alpha: number): string {
  const level = Math.round((1 - alpha) * 1000) / 10;
  return `${level}% CI`;
}
