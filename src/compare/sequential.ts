/**
 * Adaptive trials with a stated error guarantee: a group-sequential design.
 *
 * A gate that keeps adding pairs while the answer is unclear and stops as soon as it looks
 * significant ("optional stopping") inflates false alarms: every extra look is another chance for
 * noise to cross the line. Here the looks are planned up front (after `minTrials` pairs, then every
 * `LOOK_EVERY` pairs up to `trials`), and the gate's alpha is spent across them with the Pocock-type
 * alpha-spending function of Lan & DeMets (1983, "Discrete sequential boundaries for clinical
 * trials", Biometrika 70:659–663):  α(t) = α · ln(1 + (e − 1) · t), t = pairs / maximum pairs.
 * Look k runs every verdict's one-sided tests (src/compare/decide-verdict.ts) at the increment
 * α(t_k) − α(t_{k−1}). By the union bound, each kind of wrong claim — `regression` for a true change
 * of half the threshold or less, `unchanged` for one of the threshold or more, `improvement` mirrored —
 * happens at some look with probability at most Σ increments = α(1) = α, whatever the correlation
 * between looks (an exact group-sequential boundary would be a little less conservative; it needs the
 * joint distribution of the rank statistics across looks, which we do not model). The interval shown at
 * a look is the inversion of the same tests, so it is a repeated confidence interval (Jennison &
 * Turnbull 1989): over all looks together it covers the true change with probability ≥ 1 − 2α.
 * Pocock-type spending spends early, so a large regression stops the gate at the first look.
 *
 * Stopping because every gated metric is already settled (regression, improvement or unchanged)
 * adds no error: each claim was tested at its look's share. The looks follow the pairs the time
 * budget can fit (`fitPairsToBudget`, replanned before the first look), and if the budget still ends
 * between looks, the gate takes one last look spending all the alpha left: the stop follows the
 * clock, not the data.
 */
import type { GateConfig } from '../config/types.js';
import type { TrialReading } from '../model/results.js';
import { compareGate, type CompareGateInput, type GateOutcome } from './compare-gate.js';
import { formatLevel } from './format-level.js';

/** Pairs between planned looks after the first. */
export const LOOK_EVERY = 4;

/** The planned looks of one gate. */
export interface SequentialDesign {
  /** Pairs at the first look. */
  readonly minPairs: number;
  /** Pairs at the last look (`gate.trials`). */
  readonly maxPairs: number;
  /** Pair counts at which the gate looks, ascending; the last is `maxPairs`. */
  readonly looks: readonly number[];
  /** Significance level (share of alpha) spent at each look; they add up to `gate.alpha`. */
  readonly alphas: readonly number[];
}

/**
 * Plans the looks for `gate`: after `minTrials` pairs, every LOOK_EVERY pairs, and at the last pair,
 * `trials`, or fewer when `fitPairs` (what the time budget can fit, see `fitPairsToBudget`) is
 * smaller, but never fewer than `minTrials`. Alpha is spent over the pairs the gate can really run,
 * so none of it is left on looks that never happen. Replanning before the first look spends nothing
 * (Lan & DeMets: the looks may follow the calendar, never the data).
 * @throws RangeError when minTrials or trials are not integers with 1 ≤ minTrials ≤ trials.
 */
export function planSequentialDesign(gate: GateConfig, fitPairs?: number): SequentialDesign {
  const { minTrials, alpha } = gate;
  if (
    !Number.isInteger(minTrials) ||
    !Number.isInteger(gate.trials) ||
    minTrials < 1 ||
    minTrials > gate.trials
  ) {
    throw new RangeError(
      `expected 1 ≤ minTrials ≤ trials, got minTrials ${minTrials}, trials ${gate.trials}`,
    );
  }
  const fit = fitPairs === undefined || !Number.isFinite(fitPairs) ? gate.trials : Math.floor(fitPairs);
  const trials = Math.max(minTrials, Math.min(gate.trials, fit));
  const looks: number[] = [];
  for (let pairs = minTrials; pairs < trials; pairs += LOOK_EVERY) looks.push(pairs);
  looks.push(trials);
  const spent = looks.map((pairs) => spendAlpha(alpha, pairs / trials));
  const alphas = spent.map((total, k) => total - (k > 0 ? (spent[k - 1] ?? 0) : 0));
  return { minPairs: minTrials, maxPairs: trials, looks, alphas };
}

/** What `fitPairsToBudget` goes by. */
export interface BudgetFitInput {
  /** The gate's trial budget, ms. */
  readonly budgetMs: number;
  /** Time the trial phase has taken so far, restarts, warm-ups and re-runs included, ms. */
  readonly elapsedMs: number;
  readonly pairsDone: number;
  /** What one more pair is expected to cost, ms (default elapsed / pairsDone). */
  readonly pairCostMs?: number;
}

/**
 * Pairs the time budget fits: the pairs done plus ⌊(budget − elapsed) / pair cost⌋, the same rule as
 * the budget stop (no pair starts that would end after the budget).
 * @returns Infinity before any pair is done or when a pair costs nothing (nothing to go by).
 */
export function fitPairsToBudget(input: BudgetFitInput): number {
  const { budgetMs, elapsedMs, pairsDone } = input;
  const pairCostMs = input.pairCostMs ?? (pairsDone > 0 ? elapsedMs / pairsDone : 0);
  if (pairsDone <= 0 || !(pairCostMs > 0)) return Number.POSITIVE_INFINITY;
  return pairsDone + Math.max(0, Math.floor((budgetMs - elapsedMs) / pairCostMs));
}

/**
 * Pocock-type alpha spending (Lan & DeMets 1983): the share of `alpha` spent by information
 * fraction `t` in [0, 1].
 */
export function spendAlpha(alpha: number, t: number): number {
  const fraction = Math.min(1, Math.max(0, t));
  return alpha * Math.log(1 + (Math.E - 1) * fraction);
}

/** What one look decided. */
export interface LookResult {
  readonly outcome: GateOutcome;
  /** True when the gate should run no more pairs: a regression, every gated metric settled, or the last look. */
  readonly stop: boolean;
  /** Why it stops or goes on, for the log and the report. */
  readonly reason: string;
  /** Significance level used at this look. */
  readonly significanceLevel: number;
}

/** What a look needs. */
export interface LookInput {
  /** Every reading so far (all of them are compared). */
  readonly trials: readonly TrialReading[];
  readonly scenarios: readonly string[];
  readonly gate: GateConfig;
  readonly design: SequentialDesign;
  /** Index into `design.looks`. */
  readonly look: number;
  /**
   * Pairs the run meant to have at this look, for the "fewer than planned" warning (default the
   * look's planned count; a look forced early by the time budget passes the pairs it ran).
   */
  readonly plannedPairs?: number;
  /**
   * True for a last look forced by the time budget: it spends all the alpha the earlier looks left
   * (the stop follows the clock, not the data, so spending the rest keeps the total at alpha).
   */
  readonly spendRest?: boolean;
  /**
   * The comparison to run at the look (default {@link compareGate}, paired base/head trials); a
   * gate against a stored baseline passes its unpaired comparison of head's trials.
   */
  readonly compare?: (input: CompareGateInput) => GateOutcome;
}

/**
 * Compares at look `look` with that look's share of alpha and decides whether to stop.
 * @throws RangeError when `look` is not an index of `design.looks`.
 */
export function evaluateLook(input: LookInput): LookResult {
  const { design, look } = input;
  const planned = design.alphas[look];
  const lookPairs = design.looks[look];
  if (planned === undefined || lookPairs === undefined) {
    throw new RangeError(`look ${look} is not one of the ${design.looks.length} planned looks`);
  }
  const spentBefore = design.alphas.slice(0, look).reduce((sum, a) => sum + a, 0);
  const significanceLevel = input.spendRest === true ? input.gate.alpha - spentBefore : planned;
  const last = look === design.looks.length - 1 || input.spendRest === true;
  const outcome = (input.compare ?? compareGate)({
    trials: input.trials,
    scenarios: input.scenarios,
    gate: input.gate,
    significanceLevel,
    plannedPairs: input.plannedPairs ?? lookPairs,
  });
  const gated = outcome.comparisons.filter((c) => c.gated);
  const unsettled = gated.filter((c) => c.verdict === 'inconclusive');
  const level = `p ≤ ${formatLevel(significanceLevel)}`;
  if (outcome.verdict === 'regression') {
    return { outcome, stop: true, significanceLevel, reason: `regression at look ${look + 1} (${level})` };
  }
  if (gated.length > 0 && unsettled.length === 0) {
    return {
      outcome,
      stop: true,
      significanceLevel,
      reason: `every gated metric settled at look ${look + 1} (${level})`,
    };
  }
  if (last) {
    return { outcome, stop: true, significanceLevel, reason: `last planned look (${level})` };
  }
  const open = unsettled.map((c) => `${c.scenario} ${c.metric}`).join(', ');
  return { outcome, stop: false, significanceLevel, reason: `still inconclusive: ${open}` };
}
