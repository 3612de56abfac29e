import { digamma } from './digamma.js';
import { inverseTrigamma, trigamma } from './trigamma.js';

/** A scaled-χ² prior for variances: s² ~ s₀² χ²_{d₀}/d₀. `df` Infinity: every variance is s₀². */
export interface ScaledChiSquarePrior {
  /** s₀², in the variances' unit. */
  readonly scale: number;
  /** d₀ (Infinity when the variances spread no more than their own degrees of freedom explain). */
  readonly df: number;
}

/**
 * Smyth's moment fit of the prior behind many variances (Smyth, "Linear models and empirical Bayes
 * methods for assessing differential expression in microarray experiments", Stat. Appl. Genet. Mol.
 * Biol. 3(1), 2004, §6; limma `fitFDist`): with eⱼ = ln sⱼ² − ψ(dⱼ/2) + ln(dⱼ/2), mean ē and variance
 * v of the eⱼ, d₀ = 2·ψ′⁻¹(v − mean ψ′(dⱼ/2)) and s₀² = exp(ē + ψ(d₀/2) − ln(d₀/2)); when v is not
 * above the mean ψ′ term, d₀ = Infinity and s₀² the pooled variance Σdⱼsⱼ²/Σdⱼ (limma
 * without a covariate uses their mean).
 * @param variances sⱼ² > 0 (zeros are left out, as limma does), each with `dfs[j]` > 0 degrees of freedom.
 * @throws RangeError when the arrays differ in length or fewer than 2 positive variances remain.
 */
export function fitScaledChiSquarePrior(
  variances: readonly number[],
  dfs: readonly number[],
): ScaledChiSquarePrior {
  if (variances.length !== dfs.length)
    throw new RangeError('fitScaledChiSquarePrior: variances and dfs differ in length');
  const kept = variances
    .map((s2, j) => ({ s2, d: dfs[j] ?? 0 }))
    .filter(({ s2, d }) => s2 > 0 && Number.isFinite(s2) && d > 0);
  if (kept.length < 2) throw new RangeError('fitScaledChiSquarePrior: needs at least 2 positive variances');
  const e = kept.map(({ s2, d }) => Math.log(s2) - digamma(d / 2) + Math.log(d / 2));
  const mean = e.reduce((a, b) => a + b, 0) / e.length;
  const spread =
    e.reduce((a, b) => a + (b - mean) ** 2, 0) / (e.length - 1) -
    kept.reduce((a, { d }) => a + trigamma(d / 2), 0) / kept.length;
  if (!(spread > 0)) {
    const pooled = kept.reduce((a, { s2, d }) => a + d * s2, 0) / kept.reduce((a, { d }) => a + d, 0);
    return { scale: pooled, df: Infinity };
  }
  const df = 2 * inverseTrigamma(spread);
  return { scale: Math.exp(mean + digamma(df / 2) - Math.log(df / 2)), df };
}
