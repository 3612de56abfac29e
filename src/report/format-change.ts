import type { ChangeScale, Comparison } from '../model/results.js';
import { groupThousands } from './format-number.js';

/**
 * Formats a change as a signed number with one decimal: on the `relative` scale (a fraction of base:
 * 0.382 = head 38.2% above base) `"+38.2%"`, `"-4.0%"`, `"0.0%"`; on the `points` scale (a difference
 * of fractions, error_rate) `"+100.0 pp"` (percentage points). With `significant: false` it is
 * prefixed with `~ ` (`"~ +1.2%"`), as benchstat marks a change indistinguishable from noise. Never
 * throws; NaN prints as `n/a`.
 */
export function formatChange(
  change: number,
  options: { readonly significant?: boolean; readonly scale?: ChangeScale } = {},
): string {
  const text = formatSigned(change, options.scale ?? 'relative');
  return options.significant === false ? `~ ${text}` : text;
}

function formatSigned(change: number, scale: ChangeScale): string {
  if (Number.isNaN(change)) return 'n/a';
  const unit = scale === 'points' ? ' pp' : '%';
  const magnitude = groupThousands(Math.abs(change * 100), 1);
  if (magnitude === '0.0') return `0.0${unit}`;
  return `${change > 0 ? '+' : '-'}${magnitude}${unit}`;
}

/** Formats a confidence interval of a change: `"+31.0% … +45.9%"` (or in `pp` on the points scale). */
export function formatInterval(interval: readonly [number, number], scale: ChangeScale = 'relative'): string {
  return `${formatChange(interval[0], { scale })} … ${formatChange(interval[1], { scale })}`;
}

/**
 * Label of an interval's confidence, rounded down so it never claims more than it has:
 * 0.95 → `"95% CI"`, 0.9478 → `"94.7% CI"`.
 */
export function confidenceLabel(confidence: number): string {
  const tenths = Math.floor(confidence * 1000 + 1e-9) / 10;
  return `${tenths}% CI`;
}

/**
 * The confidence to print over a table of comparisons: the lowest any of them has (they share their
 * pairs and level, so they are normally equal). 0 when none has an interval.
 */
export function tableConfidence(comparisons: readonly Pick<Comparison, 'confidence'>[]): number {
  return comparisons.length === 0 ? 0 : Math.min(...comparisons.map((c) => c.confidence));
}
