/**
 * Benjamini–Hochberg adjusted p-values ("q-values"): reject every hypothesis with q ≤ alpha and the
 * expected share of false discoveries among the rejections stays ≤ alpha (independent or positively
 * dependent tests). Same numbers as R `p.adjust(p, method = "BH")` and SciPy
 * `false_discovery_control(p, method="bh")`: q₍ᵢ₎ = min over j ≥ i of min(1, m·p₍ⱼ₎/j).
 * Source: Benjamini & Hochberg (1995), J. R. Statist. Soc. B 57(1), 289–300.
 * @param pValues p-values in [0, 1], in any order.
 * @returns q-values in the same order as `pValues`.
 * @throws RangeError when a p-value is NaN or outside [0, 1].
 * @example benjaminiHochberg([0.01, 0.04, 0.03]) // [0.03, 0.04, 0.04]
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  pValues.forEach((p, index) => {
    if (!(p >= 0 && p <= 1))
      throw new RangeError(`benjaminiHochberg: p-value at index ${index} is ${p}, expected [0, 1]`);
  });
  const m = pValues.length;
  const descending = pValues.map((p, index) => ({ p, index })).sort((a, b) => b.p - a.p);
  const adjusted = new Array<number>(m).fill(1);
  let runningMin = 1;
  descending.forEach(({ p, index }, position) => {
    const rank = m - position;
    runningMin = Math.min(runningMin, (m * p) / rank);
    adjusted[index] = runningMin;
  });
  return adjusted;
}
