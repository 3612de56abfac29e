import type { Verdict, VerdictEvidence } from '../model/results.js';

/**
 * Share of the threshold a change must be shown to exceed for `regression` or `improvement`: a true
 * change of half the threshold or less fails a gate with probability at most alpha over all looks.
 */
export const MINIMUM_EFFECT_SHARE = 0.5;

/**
 * The verdict rule at one look's one-sided level `level`:
 * - `unchanged` when equivalence ≤ level: the change is shown to lie within ±t. It is checked first:
 *   a change shown to be smaller than the threshold is not worth failing for, even when it is also
 *   shown to exceed t/2;
 * - `regression` when regression ≤ level: the change is shown to be worse than t/2;
 * - `improvement`: the mirror image;
 * - `inconclusive`: anything else.
 * Each claim is wrong at most `level` of the time at this look (alpha over all looks, see
 * sequential.ts): `unchanged` for a true change of ±t or beyond, `regression` for a true change of
 * t/2 or less. Between t/2 and t either may be said; that is the threshold's indifference zone.
 */
export function decideVerdict(evidence: VerdictEvidence, level: number): Verdict {
  if (evidence.equivalence <= level) return 'unchanged';
  if (evidence.regression <= level) return 'regression';
  if (evidence.improvement <= level) return 'improvement';
  return 'inconclusive';
}
