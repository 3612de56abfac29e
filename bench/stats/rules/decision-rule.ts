/**
 * What every decision rule of the evaluation looks like: it reads a window of recorded pairs (time
 * order, pairing intact) and says whether its gate would alarm, and how much load it ran for that.
 */
import { METRICS, type MetricName } from '../../../src/model/metrics.js';
import type { PoolPair } from '../pool-file.js';

/** One simulated gate's input. */
export interface RuleInput {
  /** Consecutive recorded pairs, oldest first; at least the rule's `windowPairs`. */
  readonly pairs: readonly PoolPair[];
  /** Metrics that may raise the alarm (any of them suffices). */
  readonly metrics: readonly MetricName[];
}

/** One simulated gate's outcome. */
export interface RuleDecision {
  /** The gate reports a regression (fails the check or posts an alert). */
  readonly alarm: boolean;
  /** Trials the gate itself ran in CI (history from earlier runs is not counted). */
  readonly trialsRun: number;
  /**
   * Server starts (each followed by a warm-up) the gate paid for in CI: 1 when only head runs,
   * 2 for base and head once, 2 per pair when both are started anew before every pair.
   */
  readonly serverStarts: number;
}

/** A decision rule: perfgate's, or a peer's as that tool implements it. */
export interface DecisionRule {
  /** Stable identifier, used in result files. */
  readonly id: string;
  /** Name shown in the report. */
  readonly label: string;
  /** Pairs of the window the rule reads, from the window's start. */
  readonly windowPairs: number;
  decide(input: RuleInput): RuleDecision;
}

/**
 * How much worse `current` is than `reference` for `metric`, as a ratio ≥ 1 when worse: current /
 * reference for lower-is-better metrics, reference / current for throughput. Infinity when the
 * denominator is 0 and the numerator is not.
 */
export function worseRatio(metric: MetricName, current: number, reference: number): number {
  const [numerator, denominator] =
    METRICS[metric].better === 'lower' ? [current, reference] : [reference, current];
  if (denominator === 0) return numerator === 0 ? 1 : Number.POSITIVE_INFINITY;
  return numerator / denominator;
}

/** True when `current` is worse than `reference` in `metric`'s direction. */
export function isWorse(metric: MetricName, current: number, reference: number): boolean {
  return METRICS[metric].better === 'lower' ? current > reference : current < reference;
}
