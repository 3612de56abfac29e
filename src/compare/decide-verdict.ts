import type { Better } from '../model/metrics.js';
import type { Verdict } from '../model/results.js';

/** What the verdict of one comparison depends on. */
export interface VerdictInput {
  /** Point estimate of head/base − 1 (raw direction). */
  readonly change: number;
  /** Confidence interval of head/base − 1. */
  readonly ci: readonly [number, number];
  /** p-value after false-discovery control. */
  readonly qValue: number;
  readonly better: Better;
  /** Smallest relative change worth acting on, as a fraction (0.05 = 5%). */
  readonly threshold: number;
  readonly alpha: number;
  /** False when the interval could not reach its level (too few pairs), so it cannot show "unchanged". */
  readonly ciAtLevel: boolean;
}

/**
 * The verdict rule (docs/statistics.md), with t = threshold:
 * - `regression`: q ≤ alpha and the estimate is worse by at least t (change ≥ t for lower-is-better
 *   metrics, change ≤ −t for higher-is-better ones);
 * - `improvement`: the mirror image;
 * - `unchanged`: the whole confidence interval lies within [−t, t] (an equivalence test), which needs
 *   an interval that reached its level;
 * - `inconclusive`: anything else — neither a change worth t shown, nor its absence.
 */
export function decideVerdict(input: VerdictInput): Verdict {
  const { change, ci, qValue, better, threshold, alpha, ciAtLevel } = input;
  const worseBy = better === 'lower' ? change : -change;
  const significant = qValue <= alpha;
  if (significant && worseBy >= threshold) return 'regression';
  if (significant && -worseBy >= threshold) return 'improvement';
  if (ciAtLevel && ci[0] >= -threshold && ci[1] <= threshold) return 'unchanged';
  return 'inconclusive';
}
