/**
 * Adaptive trials with a stated error guarantee: a group-sequential design.
 *
 * A gate that keeps adding pairs while the answer is unclear and stops as soon as it looks
 * significant ("optional stopping") inflates false alarms: every extra look is another chance for
 * noise to cross the line. Here the looks are planned up front (after `minTrials` pairs, then every
 * `LOOK_EVERY` pairs up to `trials`), and the gate's alpha is spent across them with the Pocock-type
 * alpha-spending function of Lan & DeMets (1983, "Discrete sequential boundaries for clinical
 * trials", Biometrika 70:659–663):  α(t) = α · ln(1 + (e − 1) · t), t = pairs / maximum pairs.
 * Look k tests at the increment α(t_k) − α(t_{k−1}). By the union bound the chance that noise alone
 * crosses the line at any look is at most Σ increments = α(1) = α, whatever the correlation between
 * looks (the exact group-sequential boundary would be a little less conservative; it needs the joint
 * distribution of the rank statistics across looks, which we do not model). Pocock-type spending
 * spends early, so a large regression stops the gate at the first look.
 *
 * Stopping because every gated metric is already settled (regression, improvement or unchanged)
 * never adds a false alarm: an `unchanged` stop only removes later chances to alarm.
 * If the time budget ends between looks, the gate takes one last look with the next look's
 * increment, which spends no more than planned.
 */
import type { GateConfig } from '../config/types.js';
import type { TrialReading } from '../model/results.js';
import { compareGate, type GateOutcome } from './compare-gate.js';
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
 * Plans the looks for `gate`: after `minTrials` pairs, every LOOK_EVERY pairs, and at `trials`.
 * @throws RangeError when minTrials or trials are not integers with 1 ≤ minTrials ≤ trials.
 */
export function planSequentialDesign(gate: GateConfig): SequentialDesign {
  const { minTrials, trials, alpha } = gate;
  if (!Number.isInteger(minTrials) || !Number.isInteger(trials) || minTrials < 1 || minTrials > trials) {
    throw new RangeError(`expected 1 ≤ minTrials ≤ trials, got minTrials ${minTrials}, trials ${trials}`);
  }
  const looks: number[] = [];
  for (let pairs = minTrials; pairs < trials; pairs += LOOK_EVERY) looks.push(pairs);
  looks.push(trials);
  const spent = looks.map((pairs) => spendAlpha(alpha, pairs / trials));
  const alphas = spent.map((total, k) => total - (k > 0 ? (spent[k - 1] ?? 0) : 0));
  return { minPairs: minTrials, maxPairs: trials, looks, alphas };
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
}

/**
 * Compares at look `look` with that look's share of alpha and decides whether to stop.
 * @throws RangeError when `look` is not an index of `design.looks`.
 */
export function evaluateLook(input: LookInput): LookResult {
  const { design, look } = input;
  const significanceLevel = design.alphas[look];
  const lookPairs = design.looks[look];
  if (significanceLevel === undefined || lookPairs === undefined) {
    throw new RangeError(`look ${look} is not one of the ${design.looks.length} planned looks`);
  }
  const last = look === design.looks.length - 1;
  const outcome = compareGate({
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
