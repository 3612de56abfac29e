/**
 * github-action-benchmark (benchmark-action/github-action-benchmark, v1, read at c38cce9, March 2026):
 * each CI run benchmarks the current commit once and compares every benchmark with the entry of the
 * last stored run of a different commit (`src/addBenchmarkEntry.ts`: the newest suite whose commit id
 * differs). `src/write.ts` `findAlerts` computes ratio = current / previous (previous / current for
 * bigger-is-better tools) and alerts when `ratio > threshold`; `alert-threshold` defaults to "200%"
 * (`action.yml`), i.e. 2.0, and `fail-threshold` defaults to the same value.
 *
 * Simulated here: the "previous run" is the base trial of the window's first pair, and the current
 * run is head's trial `HISTORY_GAP_PAIRS` pairs later (~1 minute on the recorded pool; in real CI
 * the previous run is hours away on another machine, which only adds variance). Only head's one
 * trial runs in CI.
 */
import type { DecisionRule, RuleInput } from './decision-rule.js';
import { worseRatio } from './decision-rule.js';

/** Pairs between the previous run's trial and the current one. */
export const HISTORY_GAP_PAIRS = 10;

/**
 * @param threshold alert when the worse-direction ratio exceeds this (2.0 = "200%", the default).
 */
export function createGithubActionBenchmarkRule(threshold: number): DecisionRule {
  const percent = Math.round(threshold * 100);
  return {
    id: `github-action-benchmark-${percent}`,
    label: `github-action-benchmark, alert-threshold ${percent}%${percent === 200 ? ' (default)' : ''}`,
    windowPairs: HISTORY_GAP_PAIRS + 1,
    decide({ pairs, metrics }: RuleInput) {
      const previous = pairs[0]?.base;
      const current = pairs[HISTORY_GAP_PAIRS]?.head;
      if (!previous || !current) throw new RangeError(`window too short: ${pairs.length} pairs`);
      const alarm = metrics.some(
        (metric) => worseRatio(metric, current.metrics[metric], previous.metrics[metric]) > threshold,
      );
      return { alarm, trialsRun: 1, serverStarts: 1 };
    },
  };
}
