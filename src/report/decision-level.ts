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

/** A level as short as it reads exactly enough: 0.05, 0.0262. */
export function formatLevel(level: number): string {
  return String(Number(level.toPrecision(3)));
}
