import type { History } from '../history/model.js';
import { isMetricName, METRICS } from '../model/metrics.js';
import { median } from '../stats/median.js';

/** How much a run's median moves from run to run of unchanged code, learned from history. */
export interface BetweenRunSpread {
  /**
   * Standard deviation of one run's offset: of ln(run median) for relative metrics, of the run's
   * median itself (a fraction) for a `points` metric (error_rate).
   */
  readonly sd: number;
  /** Runs (history entries) the estimate is based on. */
  readonly runs: number;
}

/** Fewest runs from which `estimateBetweenRunSpread` gives an estimate (four differences). */
export const MIN_SPREAD_RUNS = 5;

/** Most recent runs read (older ones may have run on other runners or code). */
export const MAX_SPREAD_RUNS = 30;

/** Scale factor making the MAD a consistent estimate of a normal sd (1/Φ⁻¹(3/4); R `mad`'s constant). */
const MAD_SCALE = 1.4826;

/**
 * Estimates the between-run spread of one scenario × metric from a history of runs (oldest first):
 * the median of each of the last ≤ MAX_SPREAD_RUNS entries that carry the point (only those with the
 * newest such entry's `configHash`, when it has one: another config measures something else), on
 * log scale (raw for error_rate), then
 *
 *   sd ≈ 1.4826 · MAD(dᵢ) / √2, dᵢ = yᵢ − yᵢ₋₁ the differences of consecutive runs.
 *
 * Why successive differences: a slow drift or a step (a new runner image, a real change merged)
 * moves neighbouring runs together, so it barely enters their difference, while it would inflate
 * the plain sd of all runs; each difference of two independent run offsets has variance 2σ², hence
 * the √2. This is the successive-difference estimator of von Neumann et al. (1941, "Distribution of
 * the ratio of the mean square successive difference to the variance", Ann. Math. Stat. 12, 367–395;
 * the MSSD), made robust by using the median absolute deviation about the median (Hampel 1974;
 * 1.4826 as R `mad`) in place of the mean square, so one change point (one huge difference) moves it
 * by one rank only (the robust successive-difference estimators in statistical process control work
 * the same way, e.g. the moving range of Shewhart charts).
 *
 * The medians carry their own sampling noise (a median of n trials), which this counts as spread:
 * used to inflate a comparison's uncertainty, it errs on the safe side.
 * @param history runs oldest first (`History.entries`).
 * @param metric a perfgate metric name (or an imported benchmark name, read on log scale).
 * @param options.configHash compare only runs with this config hash instead of the newest's.
 * @returns undefined when fewer than MIN_SPREAD_RUNS runs have a usable (finite; for log scale
 *   positive) median.
 */
export function estimateBetweenRunSpread(
  history: History,
  scenario: string,
  metric: string,
  options: { readonly configHash?: string } = {},
): BetweenRunSpread | undefined {
  const points = history.entries.flatMap((entry) => {
    const point = entry.points.find((p) => p.scenario === scenario && p.metric === metric);
    return point === undefined ? [] : [{ configHash: entry.configHash, median: point.median }];
  });
  const configHash = options.configHash ?? points.at(-1)?.configHash;
  const onLogScale = !(isMetricName(metric) && METRICS[metric].scale === 'points');
  const values = points
    .filter((p) => configHash === undefined || p.configHash === configHash)
    .slice(-MAX_SPREAD_RUNS)
    .map((p) => p.median)
    .filter((m) => Number.isFinite(m) && (!onLogScale || m > 0))
    .map((m) => (onLogScale ? Math.log(m) : m));
  if (values.length < MIN_SPREAD_RUNS) return undefined;
  const differences = values.slice(1).map((y, i) => y - (values[i] ?? y));
  const centre = median(differences);
  const mad = median(differences.map((d) => Math.abs(d - centre)));
  return { sd: (MAD_SCALE * mad) / Math.SQRT2, runs: values.length };
}
