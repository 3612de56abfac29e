/** Exact (Clopper–Pearson) confidence interval of a binomial proportion, for alarm rates. */
import { bisect, regularizedIncompleteBeta } from './incomplete-beta.js';

/**
 * The two-sided `level` Clopper–Pearson interval for `successes` out of `trials`: the ends are
 * Beta(α/2; x, n−x+1) and Beta(1−α/2; x+1, n−x) quantiles (C. J. Clopper, E. S. Pearson, Biometrika
 * 26(4), 1934), so its coverage is at least `level` for every true proportion.
 * @returns [low, high] as fractions; low is 0 when x = 0 and high is 1 when x = n.
 * @throws RangeError when the counts are not integers with 0 ≤ successes ≤ trials, trials ≥ 1.
 */
export function clopperPearson(successes: number, trials: number, level = 0.95): readonly [number, number] {
  if (
    !Number.isInteger(successes) ||
    !Number.isInteger(trials) ||
    trials < 1 ||
    successes < 0 ||
    successes > trials
  )
    throw new RangeError(`need integers 0 ≤ successes ≤ trials, trials ≥ 1; got ${successes}/${trials}`);
  const alpha = 1 - level;
  const low =
    successes === 0
      ? 0
      : bisect((p) => regularizedIncompleteBeta(p, successes, trials - successes + 1), alpha / 2, 0, 1);
  const high =
    successes === trials
      ? 1
      : bisect((p) => regularizedIncompleteBeta(p, successes + 1, trials - successes), 1 - alpha / 2, 0, 1);
  return [low, high];
}
