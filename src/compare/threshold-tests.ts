/**
 * The parts of a comparison's decision that paired (compare-gate.ts) and unpaired (compare-stored.ts)
 * comparisons share: the four tests of the threshold rule on an estimate's inference, and the
 * verdict when errors may decide it instead of the statistics (docs/statistics.md).
 */
import type { Better } from '../model/metrics.js';
import type { ErrorRuling, Verdict, VerdictEvidence } from '../model/results.js';
import type { FamilyTests } from './adjust-by-family.js';
import { decideVerdict, MINIMUM_EFFECT_SHARE } from './decide-verdict.js';
import type { ErrorJudgement } from './judge-errors.js';

/** What the tests read from an estimate: one-sided p-values of shifted nulls on its own scale. */
export interface ThresholdEstimate {
  /** Absent when nothing can be inferred (too few values, zero variance). */
  readonly inference?: {
    /** P-value of H0 "difference ≤ delta" against "above", delta on the estimate's scale. */
    pAbove(delta: number): number;
    /** P-value of H0 "difference ≥ delta" against "below". */
    pBelow(delta: number): number;
  };
  /** A change (fraction of base, or points) as a difference on the estimate's scale. */
  toDifference(change: number): number;
}

/**
 * The four tests of one comparison at threshold t (a fraction), oriented by `better`: "worse by more
 * than t/2" (regression), "better by more than t/2" (improvement), "within ±t" (two one-sided tests,
 * the larger p), and the two-sided p of "no change". All 1 when there is no inference.
 */
export function runThresholdTests(
  estimate: ThresholdEstimate,
  better: Better,
  threshold: number,
): FamilyTests {
  const { inference } = estimate;
  if (inference === undefined) return { regression: 1, improvement: 1, equivalence: 1, noChange: 1 };
  const bar = MINIMUM_EFFECT_SHARE * threshold;
  const up = inference.pAbove(estimate.toDifference(bar));
  const down = inference.pBelow(estimate.toDifference(-bar));
  const equivalence = Math.max(
    inference.pAbove(estimate.toDifference(-threshold)),
    inference.pBelow(estimate.toDifference(threshold)),
  );
  const noChange = Math.min(1, 2 * Math.min(inference.pAbove(0), inference.pBelow(0)));
  return better === 'lower'
    ? { regression: up, improvement: down, equivalence, noChange }
    : { regression: down, improvement: up, equivalence, noChange };
}

/**
 * The verdict of one comparison: error_rate (`byRule`) by the error rule; any other metric
 * `inconclusive` when a side's errors void it; else the threshold rule on the adjusted evidence
 * (`decideVerdict`), `inconclusive` without an inference. `ruling` is the error ruling that decided.
 */
export function decideComparison(input: {
  readonly byRule: boolean;
  readonly errors: ErrorJudgement;
  readonly inferred: boolean;
  readonly evidence: VerdictEvidence;
  readonly level: number;
}): { readonly verdict: Verdict; readonly ruling?: ErrorRuling } {
  const { errors } = input;
  if (input.byRule)
    return { verdict: errors.verdict, ...(errors.fails === undefined ? {} : { ruling: errors.fails }) };
  if (errors.voids !== undefined) return { verdict: 'inconclusive', ruling: errors.voids };
  return { verdict: input.inferred ? decideVerdict(input.evidence, input.level) : 'inconclusive' };
}
