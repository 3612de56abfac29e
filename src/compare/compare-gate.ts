import type { GateConfig } from '../config/types.js';
import { HTTP_METRICS, METRICS, type MetricName } from '../model/metrics.js';
import type { Comparison, GateVerdict, TrialReading } from '../model/results.js';
import { benjaminiHochberg } from '../stats/benjamini-hochberg.js';
import { minimumAchievablePValue } from '../stats/minimum-achievable-p-value.js';
import { collectPairs } from './collect-pairs.js';
import { decideGateVerdict } from './decide-gate-verdict.js';
import { decideVerdict } from './decide-verdict.js';
import { describeTrialConditions } from './describe-trial-conditions.js';
import { estimatePairedChange, type PairedChange } from './estimate-paired-change.js';
import { estimatePairsNeeded } from './estimate-pairs-needed.js';
import { formatLevel } from './format-level.js';

/** What `compareGate` needs: every measured reading, the scenarios to compare, the gate settings. */
export interface CompareGateInput {
  readonly trials: readonly TrialReading[];
  /** Scenario names in report order; readings of other scenarios are ignored with a warning. */
  readonly scenarios: readonly string[];
  readonly gate: GateConfig;
  /**
   * Level a q-value must reach for `regression` or `improvement` (default `gate.alpha`). A sequential
   * gate passes the share of alpha it spends at this look (src/compare/sequential.ts); confidence
   * intervals stay at 1 − `gate.alpha`.
   */
  readonly significanceLevel?: number;
  /** Pairs the caller meant to run, for the "fewer than planned" warning (default `gate.trials`). */
  readonly plannedPairs?: number;
}

/** Every comparison and the gate's verdict. */
export interface GateOutcome {
  /** One per scenario × metric of HTTP_METRICS, scenarios in input order, for scenarios with pairs. */
  readonly comparisons: Comparison[];
  readonly verdict: GateVerdict;
  /** Number of gated comparisons whose verdict is `regression`. */
  readonly regressions: number;
  /** Gate-wide warnings: pairs missing or fewer than planned, scenarios not compared. */
  readonly warnings: string[];
}

interface Draft {
  readonly scenario: string;
  readonly metric: MetricName;
  readonly gated: boolean;
  readonly estimate: PairedChange;
  readonly warnings: readonly string[];
}

/**
 * Compares head with base for every scenario × HTTP metric from interleaved, paired trials, and
 * decides the gate (docs/statistics.md):
 * 1. pairs base and head readings by `pair` index;
 * 2. per metric, estimates head/base − 1 from the per-pair log-ratios (Hodges–Lehmann estimate,
 *    signed-rank confidence interval at level 1 − alpha, Wilcoxon signed-rank p-value);
 * 3. adjusts p-values by Benjamini–Hochberg, separately for the gated comparisons (the family that
 *    can fail the check) and for the informational rest;
 * 4. gives each a verdict (`decideVerdict`) and the gate its verdict (`decideGateVerdict`).
 * A regression is a verdict, never an exception. Pure: no I/O, deterministic.
 * @throws RangeError when `gate.alpha` is outside (0, 1) (the config schema prevents it).
 */
export function compareGate(input: CompareGateInput): GateOutcome {
  const { trials, scenarios, gate } = input;
  const level = 1 - gate.alpha;
  const significanceLevel = input.significanceLevel ?? gate.alpha;
  const plannedPairs = input.plannedPairs ?? gate.trials;
  const gated = new Set<MetricName>(gate.metrics);
  const warnings: string[] = [];
  const drafts: Draft[] = [];
  let incomplete = false;

  const unknown = [...new Set(trials.map((t) => t.scenario))].filter((s) => !scenarios.includes(s));
  if (unknown.length > 0) warnings.push(`readings of unknown scenario(s) ${unknown.join(', ')} were ignored`);

  for (const scenario of scenarios) {
    const collected = collectPairs(trials, scenario);
    warnings.push(...collected.warnings.map((w) => `${scenario}: ${w}`));
    if (collected.pairs.length === 0) {
      incomplete = true;
      warnings.push(`${scenario}: no complete base/head pair was measured, so nothing was compared`);
      continue;
    }
    if (collected.pairs.length < plannedPairs) {
      warnings.push(`${scenario}: ${collected.pairs.length} of ${plannedPairs} planned pairs were measured`);
    }
    const conditions = describeTrialConditions(collected.readings);
    for (const metric of HTTP_METRICS) {
      const values = collected.pairs.map((p) => ({
        base: p.base.metrics[metric],
        head: p.head.metrics[metric],
      }));
      const estimate = estimatePairedChange(values, level);
      drafts.push({
        scenario,
        metric,
        gated: gated.has(metric),
        estimate,
        warnings: [...estimate.warnings, ...conditions],
      });
    }
  }

  const qValues = adjustByFamily(drafts);
  const comparisons = drafts.map((draft, i) => finish(draft, qValues[i] ?? 1, gate, significanceLevel));
  return {
    comparisons,
    verdict: decideGateVerdict(comparisons, incomplete && gate.metrics.length > 0),
    regressions: comparisons.filter((c) => c.gated && c.verdict === 'regression').length,
    warnings,
  };
}

// Gated and ungated comparisons are separate Benjamini–Hochberg families: adding an informational
// metric must not make the gate less sensitive.
function adjustByFamily(drafts: readonly Draft[]): number[] {
  const qValues = new Array<number>(drafts.length).fill(1);
  for (const family of [true, false]) {
    const members = drafts.flatMap((d, index) => (d.gated === family ? [index] : []));
    const adjusted = benjaminiHochberg(members.map((index) => drafts[index]?.estimate.pValue ?? 1));
    members.forEach((index, k) => (qValues[index] = adjusted[k] ?? 1));
  }
  return qValues;
}

function finish(draft: Draft, qValue: number, gate: GateConfig, significanceLevel: number): Comparison {
  const { estimate } = draft;
  const warnings = [...draft.warnings];
  const minimumPairs = Math.ceil(Math.log2(2 / gate.alpha));
  const ciAtLevel = estimate.pairs >= minimumPairs;
  if (
    estimate.method !== 'identical' &&
    estimate.method !== 'none' &&
    minimumAchievablePValue(estimate.informativePairs) > significanceLevel
  ) {
    warnings.push(
      `${estimate.informativePairs} pair(s) with a difference can never reach p ≤ ${formatLevel(significanceLevel)}: ` +
        `the signed-rank test needs at least ${Math.ceil(Math.log2(2 / significanceLevel))}`,
    );
  }
  const verdict =
    estimate.method === 'identical'
      ? 'unchanged'
      : estimate.method === 'none'
        ? 'inconclusive'
        : decideVerdict({
            change: estimate.change,
            ci: estimate.ci,
            qValue,
            better: METRICS[draft.metric].better,
            threshold: gate.threshold,
            alpha: significanceLevel,
            ciAtLevel,
          });
  if (verdict === 'inconclusive' && estimate.method !== 'none') {
    warnings.push(
      estimatePairsNeeded({
        pairs: estimate.pairs,
        change: estimate.change,
        ci: estimate.ci,
        threshold: gate.threshold,
        minimumPairs,
      }),
    );
  }
  return {
    scenario: draft.scenario,
    metric: draft.metric,
    gated: draft.gated,
    pairs: estimate.pairs,
    baseMedian: estimate.baseMedian,
    headMedian: estimate.headMedian,
    change: estimate.change,
    ci: estimate.ci,
    pValue: estimate.pValue,
    qValue,
    verdict,
    warnings,
  };
}
