import { formatLevel } from './format-level.js';

/**
 * Warns when `pairs` pairs cannot reach one-sided level `level`: the smallest one-sided p-value of
 * the exact signed-rank test is 2⁻ⁿ (every Walsh average on one side), so fewer than log₂(1/level)
 * pairs can never be significant; with `familySize` comparisons in a Benjamini–Hochberg family, a
 * lone change needs p ≤ level/familySize, so fewer than log₂(familySize/level) pairs reach it only when
 * other comparisons change too.
 * @returns the warning, or undefined when `pairs` can reach the level on their own.
 */
export function describeReach(pairs: number, level: number, familySize: number): string | undefined {
  const needed = Math.ceil(Math.log2(1 / level));
  if (2 ** -pairs > level) {
    return (
      `${pairs} pair(s) can never reach p ≤ ${formatLevel(level)}: ` +
      `the signed-rank test needs at least ${needed} pairs for that`
    );
  }
  const family = Math.max(1, familySize);
  if (2 ** -pairs * family > level) {
    return (
      `${pairs} pairs reach p ≤ ${formatLevel(level)} here only if other comparisons change too: with ` +
      `${family} comparisons under false-discovery control a lone change needs p ≤ ${formatLevel(level / family)}, ` +
      `which takes at least ${Math.ceil(Math.log2(family / level))} pairs`
    );
  }
  return undefined;
}
