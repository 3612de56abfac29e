/**
 * perfgate's own decision rule, run through the real code in src/compare (docs/statistics.md):
 * interleaved base/head pairs, per-pair log-ratios, Wilcoxon signed-rank test with Benjamini–Hochberg
 * control across the gated metrics, Hodges–Lehmann change; a metric regresses when q is below the
 * look's level and the estimate is worse by at least the threshold. The sequential rule looks at the
 * planned looks (`planSequentialDesign`, Pocock-type alpha spending) and stops when `evaluateLook`
 * says so; the gate alarms when the verdict at the stopping look is `regression`. Both sides run in
 * CI: 2 trials per pair measured, and (`server.restart: pair`, the default) both servers started
 * and warmed up anew before every pair; the pools are recorded the same way (restartEveryPairs 1).
 */
import { DEFAULTS } from '../../../src/config/defaults.js';
import type { GateConfig } from '../../../src/config/types.js';
import { compareGate, evaluateLook, planSequentialDesign } from '../../../src/compare/index.js';
import type { MetricName } from '../../../src/model/metrics.js';
import type { TrialReading } from '../../../src/model/results.js';
import type { PoolPair } from '../pool-file.js';
import type { DecisionRule, RuleInput } from './decision-rule.js';

/** The gate as shipped (threshold, alpha, trials, minTrials from DEFAULTS) with `metrics` gated. */
export function evaluatedGate(metrics: readonly MetricName[]): GateConfig {
  return { ...DEFAULTS.gate, budgetMs: Number.MAX_SAFE_INTEGER, metrics };
}

/**
 * The first `count` pairs of the window as the readings of a fresh gate, in the order they ran:
 * pair indices renumbered from 0 (a gate's own numbering), everything else as recorded.
 */
export function gateReadings(pairs: readonly PoolPair[], count: number): TrialReading[] {
  return pairs.slice(0, count).flatMap((p, pair) => {
    const sides = p.base.position === 0 ? [p.base, p.head] : [p.head, p.base];
    return sides.map((reading) => ({ ...reading, pair }));
  });
}

function scenariosOf(trials: readonly TrialReading[]): string[] {
  return [...new Set(trials.map((t) => t.scenario))];
}

/**
 * Pairs the default budget fits (2 min 40 s): 12 in the live gate runs of BENCHMARKS.md (5 s trials,
 * fresh servers per pair), where a gate plans its looks for the pairs its budget fits.
 */
export const DEFAULT_BUDGET_PAIRS = 12;

/**
 * perfgate as shipped: sequential looks planned for the pairs the budget fits (`fitPairs`, default
 * DEFAULT_BUDGET_PAIRS), early stop, default gate settings; with `threshold` (a fraction), the same
 * with `gate.threshold` set to it.
 */
export function createPerfgateRule(threshold?: number, fitPairs = DEFAULT_BUDGET_PAIRS): DecisionRule {
  const design = planSequentialDesign(evaluatedGate([]), fitPairs);
  const looks = `looks at ${design.looks.join(', ')} pairs`;
  const suffix = fitPairs === DEFAULT_BUDGET_PAIRS ? '' : `-looks-${design.maxPairs}`;
  return {
    id:
      (threshold === undefined ? 'perfgate' : `perfgate-threshold-${Math.round(threshold * 1000) / 10}`) +
      suffix,
    label:
      threshold === undefined
        ? `perfgate (sequential: ${looks})`
        : `perfgate with \`threshold: ${Math.round(threshold * 1000) / 10}%\` (sequential: ${looks})`,
    windowPairs: design.maxPairs,
    decide({ pairs, metrics }: RuleInput) {
      const gate = { ...evaluatedGate(metrics), ...(threshold === undefined ? {} : { threshold }) };
      for (const [look, lookPairs] of design.looks.entries()) {
        const trials = gateReadings(pairs, lookPairs);
        const { outcome, stop } = evaluateLook({
          trials,
          scenarios: scenariosOf(trials),
          gate,
          design,
          look,
        });
        if (stop)
          return {
            alarm: outcome.verdict === 'regression',
            trialsRun: 2 * lookPairs,
            serverStarts: 2 * lookPairs,
          };
      }
      throw new Error('unreachable: the last look always stops');
    },
  };
}

/** perfgate without early stopping: every pair of `gate.trials`, one comparison at full alpha. */
export function createPerfgateFixedRule(pairs = DEFAULTS.gate.trials): DecisionRule {
  return {
    id: `perfgate-fixed-${pairs}`,
    label: `perfgate, fixed ${pairs} pairs (one look)`,
    windowPairs: pairs,
    decide({ pairs: window, metrics }: RuleInput) {
      const gate: GateConfig = { ...evaluatedGate(metrics), trials: pairs, minTrials: pairs };
      const trials = gateReadings(window, pairs);
      const outcome = compareGate({ trials, scenarios: scenariosOf(trials), gate });
      return { alarm: outcome.verdict === 'regression', trialsRun: 2 * pairs, serverStarts: 2 * pairs };
    },
  };
}
