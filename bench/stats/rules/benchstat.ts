/**
 * benchstat (golang.org/x/perf/cmd/benchstat, read at 712aea8, June 2026). Its documented use is
 * `go test -count=10 > old.txt` on the old code, then the same `> new.txt` on the new code
 * (`cmd/benchstat/main.go`): two unpaired samples measured one after the other. `benchmath/anone.go`
 * compares them with a two-sided Mann–Whitney U test and reports a change only when p ≤ alpha
 * (`DefaultThresholds.CompareAlpha` = 0.05, `-alpha` flag); otherwise it prints `~`. It has no
 * minimum-effect threshold; the delta it prints is the change of medians.
 *
 * Simulated here: old = base trials of the window's first `SAMPLES` pairs, new = head trials of the
 * next `SAMPLES` pairs (the sequential old-then-new design), Mann–Whitney U from src/stats (exact or
 * normal as R's `wilcox.test`). Alarm = significant and the median is worse (and, in the variant
 * with a threshold, worse by at least that much). Both sides run in CI: 2 × SAMPLES trials.
 */
import type { MetricName } from '../../../src/model/metrics.js';
import { mannWhitneyU, median } from '../../../src/stats/index.js';
import type { DecisionRule, RuleInput } from './decision-rule.js';
import { worseRatio } from './decision-rule.js';

/** Trials per side (`-count=10`, benchstat's recommended minimum). */
export const SAMPLES = 10;

/**
 * @param alpha significance level (0.05, benchstat's default).
 * @param threshold minimum worse change of medians to alarm, as a fraction (0 = benchstat as is).
 */
export function createBenchstatRule(alpha = 0.05, threshold = 0): DecisionRule {
  const suffix = threshold > 0 ? ` and median worse by ≥ ${Math.round(threshold * 100)}%` : '';
  return {
    id: threshold > 0 ? `benchstat-threshold-${Math.round(threshold * 100)}` : 'benchstat',
    label: `benchstat (Mann–Whitney U, ${SAMPLES} + ${SAMPLES} trials, old then new, p ≤ ${alpha}${suffix})`,
    windowPairs: 2 * SAMPLES,
    decide({ pairs, metrics }: RuleInput) {
      if (pairs.length < 2 * SAMPLES) throw new RangeError(`window too short: ${pairs.length} pairs`);
      const old = pairs.slice(0, SAMPLES).map((p) => p.base);
      const next = pairs.slice(SAMPLES, 2 * SAMPLES).map((p) => p.head);
      const alarm = metrics.some((metric: MetricName) => {
        const a = next.map((r) => r.metrics[metric]);
        const b = old.map((r) => r.metrics[metric]);
        const ratio = worseRatio(metric, median(a), median(b));
        return ratio > 1 + threshold && mannWhitneyU(a, b).pValue <= alpha;
      });
      return { alarm, trialsRun: 2 * SAMPLES, serverStarts: 2 };
    },
  };
}
