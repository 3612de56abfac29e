import type { GateConfig } from '../config/types.js';
import { HTTP_METRICS, METRICS, type MetricName } from '../model/metrics.js';
import type { Comparison, GateVerdict, TrialReading } from '../model/results.js';
import { adjustByFamily, type AdjustedTests, type FamilyTests } from './adjust-by-family.js';
import { collectPairs } from './collect-pairs.js';
import { decideGateVerdict } from './decide-gate-verdict.js';
import { decideComparison, runThresholdTests } from './threshold-tests.js';
import { describeReach } from './describe-reach.js';
import { judgeErrors, type ErrorJudgement } from './judge-errors.js';
import { describeTrialConditions } from './describe-trial-conditions.js';
import { estimatePairedChange, type PairedChange } from './estimate-paired-change.js';
import { estimatePairsNeeded } from './estimate-pairs-needed.js';

/** What `compareGate` needs: every measured reading, the scenarios to compare, the gate settings. */
export interface CompareGateInput {
  readonly trials: readonly TrialReading[];
  /** Scenario names in report order; readings of other scenarios are ignored with a warning. */
  readonly scenarios: readonly string[];
  readonly gate: GateConfig;
  /**
   * One-sided level each verdict's test must reach (default `gate.alpha`). A sequential gate passes
   * the share of alpha it spends at this look (src/compare/sequential.ts); intervals are the
   * inversions of the same tests, so their confidence is 1 − 2·level.
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
  /** Decided by the error rule, not by a test (error_rate). */
  readonly byRule: boolean;
  readonly pairIndices: readonly number[];
  readonly estimate: PairedChange;
  readonly tests: FamilyTests;
  readonly errors: ErrorJudgement;
  readonly warnings: readonly string[];
}

/**
 * Compares head with base for every scenario × HTTP metric from interleaved, paired trials, and
 * decides the gate (docs/statistics.md):
 * 1. pairs base and head readings by `pair` index;
 * 2. judges errors first (`judgeErrors`): head failing more requests than base beyond the limit is a
 *    regression whatever `gate.metrics` says, and a side failing beyond it voids every speed metric;
 * 3. per metric, runs the signed-rank tests on the per-pair log-ratios (`estimatePairedChange`):
 *    "worse by more than t/2", "better by more than t/2", "within ±t" (TOST), and "no change";
 * 4. adjusts the regression, improvement and no-change p-values by Benjamini–Hochberg, separately for
 *    the gated comparisons (the family that can fail the check) and for the informational rest;
 * 5. gives each a verdict (`decideVerdict`) and the gate its verdict (`decideGateVerdict`).
 * A regression is a verdict, never an exception. Pure: no I/O, deterministic.
 * @throws RangeError when the level is outside (0, 0.5) (the config schema keeps alpha there).
 */
export function compareGate(input: CompareGateInput): GateOutcome {
  const { trials, scenarios, gate } = input;
  const level = input.significanceLevel ?? gate.alpha;
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
    warnings.push(...describeConnectionClose(trials, scenario));
    if (collected.pairs.length === 0) {
      incomplete = true;
      warnings.push(`${scenario}: no complete base/head pair was measured, so nothing was compared`);
      continue;
    }
    if (collected.pairs.length < plannedPairs) {
      warnings.push(`${scenario}: ${collected.pairs.length} of ${plannedPairs} planned pairs were measured`);
    }
    const conditions = describeTrialConditions(collected.readings);
    const errors = judgeErrors(collected.pairs);
    const pairIndices = collected.pairs.map((p) => p.pair);
    for (const metric of HTTP_METRICS) {
      const values = collected.pairs.map((p) => ({
        base: p.base.metrics[metric],
        head: p.head.metrics[metric],
      }));
      const byRule = metric === 'error_rate';
      const estimate = estimatePairedChange(values, { points: METRICS[metric].scale === 'points' });
      drafts.push({
        scenario,
        metric,
        gated: byRule || gated.has(metric),
        byRule,
        pairIndices,
        estimate,
        tests: runThresholdTests(estimate, METRICS[metric].better, gate.threshold),
        errors,
        warnings: [...estimate.warnings, ...conditions],
      });
    }
  }

  const evidence = adjustByFamily(drafts);
  const familySize = (isGated: boolean): number =>
    drafts.filter((d) => d.gated === isGated && !d.byRule).length;
  const comparisons = drafts.map((draft, i) =>
    finish(draft, evidence[i], gate, level, draft.byRule ? 1 : familySize(draft.gated)),
  );
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
  familySize: number,
): Comparison {
  const { estimate, errors } = draft;
  const evidence = adjusted?.evidence ?? { regression: 1, improvement: 1, equivalence: 1 };
  const qValue = adjusted?.qValue ?? 1;
  const warnings = [...draft.warnings];
  const interval = estimate.inference?.interval(level);
  const ci: readonly [number, number] = interval
    ? [estimate.toChange(interval.low), estimate.toChange(interval.high)]
    : [0, 0];
  const confidence = interval?.confidence ?? 0;
  const reach = describeReach(estimate.pairs, level, familySize);
  if (reach !== undefined && estimate.informativePairs > 0) warnings.push(reach);

  const { verdict, ruling } = decideComparison({
    byRule: draft.byRule,
    errors,
    inferred: estimate.inference !== undefined,
    evidence,
    level,
  });
  if (ruling !== undefined) warnings.unshift(ruling.text);
  if (verdict === 'inconclusive' && estimate.inference !== undefined && ruling === undefined) {
    warnings.push(
      estimatePairsNeeded({
        pairs: estimate.pairs,
        change: estimate.change,
        ci,
        threshold: gate.threshold,
        minimumPairs: Math.ceil(Math.log2(1 / level)),
      }),
    );
  }
  return {
    scenario: draft.scenario,
    metric: draft.metric,
    gated: draft.gated,
    pairs: estimate.pairs,
    pairIndices: draft.pairIndices,
    baseMedian: estimate.baseMedian,
    headMedian: estimate.headMedian,
    scale: estimate.scale,
    change: estimate.change,
    ci,
    confidence,
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
 * A gate-level warning per side whose server closed keep-alive connections in any trial of
 * `scenario` (`TrialReading.connectionClose`), so it is read in the report's warnings and not only
 * in the folded per-trial readings: every reconnect adds a TCP handshake to the latencies and to the
 * CPU per request the gate compares.
 */
function describeConnectionClose(trials: readonly TrialReading[], scenario: string): string[] {
  const lines: string[] = [];
  for (const side of ['base', 'head'] as const) {
    const measured = trials.filter((t) => t.scenario === scenario && t.side === side);
    const closing = measured.filter((t) => t.connectionClose === true).length;
    if (closing === 0) continue;
    lines.push(
      `${scenario}: the ${side} server answered \`Connection: close\` to keep-alive requests in ${closing} of ${measured.length} trials: ` +
        'the load generator reconnected after its responses, so latency and CPU per request include connection set-up; ' +
        'serve with a keep-alive worker (gunicorn -k gthread, uvicorn) or set HTTP/1.1 keep-alive in the server.',
    );
  }
  return lines;
}
