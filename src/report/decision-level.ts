/** The levels a report's numbers were decided and shown at. */
import type { GateReport } from '../model/results.js';

/** `alpha`: confidence intervals are 1 − alpha; `level`: what a q-value must reach to be significant. */
export interface DecisionLevels {
  readonly alpha: number;
  readonly level: number;
}

/**
 * A sequential gate holds q-values to the share of alpha spent at the look it stopped at, while its
 * intervals stay at 1 − alpha; reports without looks use alpha for both.
 */
export function decisionLevels(report: GateReport): DecisionLevels {
  return { alpha: report.gate.alpha, level: report.sequential?.level ?? report.gate.alpha };
}

export { formatLevel } from '../compare/format-level.js';
