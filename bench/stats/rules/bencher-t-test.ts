/**
 * Bencher's Student's t-test threshold (bencherdev/bencher, read at 8d75325, August 2026). For each
 * new metric, `lib/bencher_boundary/src/boundary.rs` takes the historical data of the branch/testbed/
 * measure (the most recent `max_sample_size` results), its mean and sample standard deviation
 * (`mean.rs`: divisor n − 1), and `limits/mod.rs` builds a Student's t with ν = n − 1, location =
 * mean and scale = sd·√(1 + 1/n) (a prediction interval for one new observation); the upper limit is
 * its `upper_boundary` quantile, and an alert fires when the new value is above it (`datum > limit`;
 * the lower boundary mirrors this for throughput-like measures). Bencher's preset
 * `Model::upper_boundary()` (`lib/bencher_valid/src/model/mod.rs`) is a t-test with upper boundary
 * 0.99 and max sample size 64; the docs use the same values.
 *
 * Simulated here: the history is `HISTORY_SIZE` base trials from earlier in the pool (one per pair,
 * ending `GAP_PAIRS` before the current run); the current run is one head trial. Only head's trial
 * runs in CI. The history is minutes old, not days as in real CI, which favours Bencher.
 */
import { METRICS } from '../../../src/model/metrics.js';
import { studentTQuantile } from '../math/student-t-quantile.js';
import type { DecisionRule, RuleInput } from './decision-rule.js';

/** Historical results the boundary is computed from. */
export const HISTORY_SIZE = 10;
/** Pairs between the newest historical result and the current run. */
export const GAP_PAIRS = 10;

/** @param boundary the t quantile of the limit (0.99 is Bencher's preset). */
export function createBencherTTestRule(boundary = 0.99): DecisionRule {
  const current = HISTORY_SIZE - 1 + GAP_PAIRS;
  const quantile = studentTQuantile(boundary, HISTORY_SIZE - 1);
  const inflation = Math.sqrt(1 + 1 / HISTORY_SIZE);
  return {
    id: `bencher-t-test-${boundary}`,
    label: `Bencher t-test, boundary ${boundary}, history of ${HISTORY_SIZE}`,
    windowPairs: current + 1,
    decide({ pairs, metrics }: RuleInput) {
      const head = pairs[current]?.head;
      if (!head) throw new RangeError(`window too short: ${pairs.length} pairs`);
      const history = pairs.slice(0, HISTORY_SIZE).map((p) => p.base);
      const alarm = metrics.some((metric) => {
        const values = history.map((r) => r.metrics[metric]);
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
        // Bencher skips the test when the variance is 0 (statrs cannot build the distribution).
        if (!(variance > 0)) return false;
        const margin = quantile * Math.sqrt(variance) * inflation;
        const value = head.metrics[metric];
        return METRICS[metric].better === 'lower' ? value > mean + margin : value < mean - margin;
      });
      return { alarm, trialsRun: 1, serverStarts: 1 };
    },
  };
}
