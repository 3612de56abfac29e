import type { GateConfig } from '../config/types.js';
import { HTTP_METRICS, METRICS, type MetricName } from '../model/metrics.js';
import type { Comparison, TrialReading } from '../model/results.js';
import { standardNormalQuantile } from '../stats/standard-normal-quantile.js';
import { adjustByFamily, type AdjustedTests, type FamilyTests } from './adjust-by-family.js';
import { MIN_SPREAD_RUNS, type BetweenRunSpread } from './between-run-spread.js';
import type { GateOutcome } from './compare-gate.js';
import { decideGateVerdict } from './decide-gate-verdict.js';
import { MINIMUM_EFFECT_SHARE } from './decide-verdict.js';
import { decideComparison, runThresholdTests } from './threshold-tests.js';
import { describeTrialConditions } from './describe-trial-conditions.js';
import { estimateUnpairedChange, type UnpairedChange } from './estimate-unpaired-change.js';
import { formatPercent } from './format-percent.js';
import { judgeErrorRates, type ErrorJudgement } from './judge-errors.js';

/**
 * Between-run sd (of ln(run median)) assumed per metric until history has MIN_SPREAD_RUNS runs.
 * Derived from the recorded pools (bench/pools, examples/stdlib on a shared 2-core VM, 2026-11-25):
 * base-side readings of unchanged code in five pools recorded one after another over 93 minutes,
 * cut into blocks of 10 pairs standing in for runs; the root mean square successive difference of
 * the blocks' log medians, /√2 (von Neumann's MSSD, not the robust MAD: a default should not count
 * on steps being rare), rounded up to ½ point: CPU per request 5.05% → 5.5%, latency p50 4.38%,
 * p90 4.32% → 4.5%, p99 6.69% → 7%, throughput 2.94% → 3%, RSS 0.17% → 0.5%. The plain sd of
 * all 80 such block medians (aa's head side included), steps and all, was twice that for CPU
 * (10.4%): the machine's CPU per request stepped by up to 20% within minutes as its other load
 * came and went. bench/stats/stored-mode.ts measures what this default does (BENCHMARKS.md,
 * "Stored-baseline mode"): at 5.5% for CPU per request it gave 4.6% A/A false alarms at 10 trials a
 * side and 7.1% at 20, above alpha 0.05; raised to 7% (and the latencies and throughput by the same
 * factor, 7/5.5, untested) it keeps them below alpha on those pools. The default is also the floor
 * of a learned spread (`spreadFloor`): a quiet-looking history on a shared runner is not evidence
 * that the next run will be as quiet.
 */
export const DEFAULT_BETWEEN_RUN_SD: Readonly<Record<MetricName, number>> = {
  throughput: 0.04,
  latency_p50: 0.06,
  latency_p90: 0.06,
  latency_p99: 0.09,
  cpu_per_request: 0.07,
  rss_peak: 0.005,
  error_rate: 0,
};

/** What `compareStored` needs: this run's head trials, a stored run's head trials, the settings. */
export interface CompareStoredInput {
  /** The stored run's readings (its report's `trials`); only `side: 'head'`, not discarded, are used. */
  readonly baseline: readonly TrialReading[];
  /** This run's readings (a head-only run); only `side: 'head'`, not discarded, are used. */
  readonly head: readonly TrialReading[];
  /** Scenario names in report order; readings of other scenarios are ignored with a warning. */
  readonly scenarios: readonly string[];
  readonly gate: GateConfig;
  /**
   * Between-run spread per scenario × metric (`estimateBetweenRunSpread` over the history); when
   * absent, undefined or based on fewer than MIN_SPREAD_RUNS runs, DEFAULT_BETWEEN_RUN_SD is used
   * with a warning.
   */
  readonly spread?: (scenario: string, metric: MetricName) => BetweenRunSpread | undefined;
  /** One-sided level each verdict's test must reach (default `gate.alpha`), as in compareGate. */
  readonly significanceLevel?: number;
  /**
   * `default` (the default): a learned spread below DEFAULT_BETWEEN_RUN_SD is raised to it, since
   * the robust estimate passes over the steps a shared runner's CPU per request takes between runs
   * (bench/stats/stored-mode.ts: 12% A/A false alarms with the learned spread alone); `none`: the
   * learned spread as it is (for the evaluation).
   */
  readonly spreadFloor?: 'default' | 'none';
}

interface Draft {
  readonly scenario: string;
  readonly metric: MetricName;
  readonly gated: boolean;
  readonly byRule: boolean;
  readonly pairIndices: readonly number[];
  readonly estimate: UnpairedChange;
  readonly betweenRunSd: number;
  readonly tests: FamilyTests;
  readonly errors: ErrorJudgement;
  readonly warnings: readonly string[];
}

/**
 * Compares this run's head trials with a stored baseline run's head trials (stored-baseline mode,
 * issue 11), unpaired, and decides the gate with the same rules as `compareGate`:
 * 1. errors first (`judgeErrorRates` on each side's mean error rate): head failing more requests
 *    than the baseline beyond the limit is a regression whatever `gate.metrics` says; a side failing
 *    beyond it voids every speed metric;
 * 2. per metric, the Hodges–Lehmann shift of ln(head) against ln(baseline) with its Mann–Whitney
 *    interval, its uncertainty inflated by the between-run spread σ_b of both runs
 *    (`estimateUnpairedChange`), and the tests "worse by more than t/2", "better by more than t/2",
 *    "within ±t" and "no change" on that normal approximation;
 * 3. Benjamini–Hochberg over the gated family and the informational rest, `decideVerdict`,
 *    `decideGateVerdict`.
 * The outcome has compareGate's shape, so reports render unchanged, but reads differently:
 * `pairs` is the number of head trials used and `pairIndices` their pair indices (there are no
 * pairs); `baseMedian` is the baseline run's; the interval is normal, at confidence exactly
 * 1 − 2·level, and includes the run-to-run spread, so it does not narrow to zero with more trials;
 * no "pairs needed" estimate is given (more trials cannot beat σ_b): a warning says which change
 * the spread lets the gate show. Steal, drift and load that differ between the two runs are not
 * cancelled as in paired trials; σ_b is what stands for them.
 * Pure: no I/O, deterministic.
 * @throws RangeError when the level is outside (0, 0.5).
 */
export function compareStored(input: CompareStoredInput): GateOutcome {
  const { scenarios, gate } = input;
  const level = input.significanceLevel ?? gate.alpha;
  if (!(level > 0 && level < 0.5))
    throw new RangeError(`compareStored: level must be in (0, 0.5), got ${level}`);
  const gated = new Set<MetricName>(gate.metrics);
  const warnings: string[] = [];
  const drafts: Draft[] = [];
  let incomplete = false;
  const usable = (readings: readonly TrialReading[]): TrialReading[] =>
    readings.filter((r) => r.side === 'head' && r.discarded === undefined);
  const baseline = usable(input.baseline);
  const head = usable(input.head);

  const unknown = [...new Set([...baseline, ...head].map((t) => t.scenario))].filter(
    (s) => !scenarios.includes(s),
  );
  if (unknown.length > 0) warnings.push(`readings of unknown scenario(s) ${unknown.join(', ')} were ignored`);

  for (const scenario of scenarios) {
    const base = baseline.filter((r) => r.scenario === scenario);
    const now = head.filter((r) => r.scenario === scenario);
    if (base.length === 0 || now.length === 0) {
      incomplete = true;
      warnings.push(
        `${scenario}: ${base.length === 0 ? 'the stored baseline has no head trial' : 'no head trial was measured'} of this scenario, so nothing was compared`,
      );
      continue;
    }
    const mean = (rs: readonly TrialReading[]): number =>
      rs.reduce((sum, r) => sum + r.metrics.error_rate, 0) / rs.length;
    const errors = judgeErrorRates({ baseRate: mean(base), headRate: mean(now) });
    const conditions = describeTrialConditions([...base, ...now]);
    const pairIndices = now.map((r) => r.pair).sort((a, b) => a - b);
    for (const metric of HTTP_METRICS) {
      const byRule = metric === 'error_rate';
      const learned = byRule ? undefined : input.spread?.(scenario, metric);
      const spreadWarnings: string[] = [];
      let betweenRunSd = DEFAULT_BETWEEN_RUN_SD[metric];
      if (learned !== undefined && learned.runs >= MIN_SPREAD_RUNS)
        betweenRunSd = input.spreadFloor === 'none' ? learned.sd : Math.max(learned.sd, betweenRunSd);
      else if (!byRule) {
        const runs = learned === undefined ? `fewer than ${MIN_SPREAD_RUNS} runs` : `${learned.runs} runs`;
        spreadWarnings.push(
          `between-run spread not learned yet (${runs}); using the default ${formatPercent(betweenRunSd, { signed: false })}`,
        );
      }
      const estimate = estimateUnpairedChange(
        base.map((r) => r.metrics[metric]),
        now.map((r) => r.metrics[metric]),
        { points: METRICS[metric].scale === 'points', betweenRunSd },
      );
      drafts.push({
        scenario,
        metric,
        gated: byRule || gated.has(metric),
        byRule,
        pairIndices,
        estimate,
        betweenRunSd,
        tests: runThresholdTests(estimate, METRICS[metric].better, gate.threshold),
        errors,
        warnings: [...spreadWarnings, ...estimate.warnings, ...conditions],
      });
    }
  }

  const adjusted = adjustByFamily(drafts);
  const comparisons = drafts.map((draft, i) => finish(draft, adjusted[i], gate, level));
  return {
    comparisons,
    verdict: decideGateVerdict(comparisons, incomplete && gate.metrics.length > 0),
    regressions: comparisons.filter((c) => c.gated && c.verdict === 'regression').length,
    warnings,
  };
}

function finish(
  draft: Draft,
  adjusted: AdjustedTests | undefined,
  gate: GateConfig,
  level: number,
): Comparison {
  const { estimate, errors } = draft;
  const evidence = adjusted?.evidence ?? { regression: 1, improvement: 1, equivalence: 1 };
  const qValue = adjusted?.qValue ?? 1;
  const warnings = [...draft.warnings];
  const interval = estimate.inference?.interval(level);
  const ci: readonly [number, number] = interval
    ? [estimate.toChange(interval.low), estimate.toChange(interval.high)]
    : [0, 0];

  const { verdict, ruling } = decideComparison({
    byRule: draft.byRule,
    errors,
    inferred: estimate.inference !== undefined,
    evidence,
    level,
  });
  if (ruling !== undefined) warnings.unshift(ruling.text);
  if (verdict === 'inconclusive' && ruling === undefined && draft.betweenRunSd > 0) {
    const reach = describeSpreadFloor(draft.betweenRunSd, gate.threshold, level);
    if (reach !== undefined) warnings.push(reach);
  }
  return {
    scenario: draft.scenario,
    metric: draft.metric,
    gated: draft.gated,
    pairs: estimate.headTrials,
    pairIndices: draft.pairIndices,
    baseMedian: estimate.baseMedian,
    headMedian: estimate.headMedian,
    scale: estimate.scale,
    change: estimate.change,
    ci,
    confidence: interval?.confidence ?? 0,
    level,
    significant: ruling?.effect !== 'voids' && qValue <= 2 * level,
    pValue: draft.tests.noChange,
    qValue,
    evidence,
    verdict,
    ...(ruling === undefined ? {} : { errors: ruling }),
    warnings,
  };
}

/**
 * With infinitely many trials the standard error is still √2·σ_b, so a regression is shown only for
 * a change beyond t/2 + z·√2·σ_b, and "unchanged" only within t − z·√2·σ_b: says so when either
 * falls outside what the threshold means.
 */
function describeSpreadFloor(sd: number, threshold: number, level: number): string | undefined {
  const floor = standardNormalQuantile(1 - level) * Math.SQRT2 * sd;
  const smallest = Math.expm1(Math.log1p(MINIMUM_EFFECT_SHARE * threshold) + floor);
  if (smallest <= threshold) return undefined;
  const percent = (x: number): string => formatPercent(x, { signed: false });
  return (
    `against a stored baseline the run-to-run spread (${percent(sd)} per run) alone keeps changes below ` +
    `${percent(smallest)} from being shown, however many trials run; a same-runner comparison has no such floor`
  );
}
