import { HTTP_METRICS } from '../model/metrics.js';
import type { Comparison, GateReport, ScenarioSummary, TrialReading, Verdict } from '../model/results.js';

/**
 * What the report leads with: the gate's verdict, `failed` when the run stopped early, or
 * `interrupted` when perfgate was told to stop.
 */
export type Headline = Verdict | 'failed' | 'interrupted';

/** One scenario's part of the report, ordered for reading. */
export interface ScenarioOutline {
  readonly name: string;
  /** The scenario as run, when the report lists it. */
  readonly summary: ScenarioSummary | undefined;
  /** Gated metrics first, in `gate.metrics` order, then the others in HTTP_METRICS order. */
  readonly comparisons: readonly Comparison[];
  /** Readings in pair order, the side that ran first in its pair first. */
  readonly trials: readonly TrialReading[];
  /** Pairs compared (from the comparisons; 0 when the run failed before comparing). */
  readonly pairsCompared: number;
  /** Of those pairs, how many ran base first. */
  readonly baseFirstPairs: number;
}

/** The report arranged the way both renderers present it. */
export interface ReportOutline {
  readonly headline: Headline;
  /** Gated comparisons whose verdict is the headline's, largest change first. */
  readonly highlights: readonly Comparison[];
  /** Number of gated comparisons. */
  readonly gatedCount: number;
  readonly scenarios: readonly ScenarioOutline[];
}

/** Arranges a report for rendering: headline, highlights, and scenarios in the order they were listed. */
export function outlineReport(report: GateReport): ReportOutline {
  const headline: Headline = report.status === 'complete' ? report.verdict : report.status;
  const gated = report.comparisons.filter((comparison) => comparison.gated);
  const highlights = gated
    .filter((comparison) => comparison.verdict === headline && headline !== 'unchanged')
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change));
  // Scenarios that only appear in comparisons or trials (a report assembled from partial results)
  // are still shown, after the listed ones.
  const names = new Set<string>([
    ...report.scenarios.map((scenario) => scenario.name),
    ...report.comparisons.map((comparison) => comparison.scenario),
    ...report.trials.map((trial) => trial.scenario),
  ]);
  const scenarios = [...names].map((name) => outlineScenario(report, name));
  return { headline, highlights, gatedCount: gated.length, scenarios };
}

function outlineScenario(report: GateReport, name: string): ScenarioOutline {
  const metricOrder = (comparison: Comparison): number => {
    const gatedIndex = report.gate.metrics.indexOf(comparison.metric);
    if (comparison.gated && gatedIndex >= 0) return gatedIndex;
    return (
      report.gate.metrics.length + HTTP_METRICS.indexOf(comparison.metric) + (comparison.gated ? 0 : 100)
    );
  };
  const comparisons = report.comparisons
    .filter((comparison) => comparison.scenario === name)
    .sort((a, b) => metricOrder(a) - metricOrder(b));
  const trials = report.trials
    .filter((trial) => trial.scenario === name)
    .sort((a, b) => a.pair - b.pair || a.position - b.position);
  // The pairs the comparison step compared (every comparison of a scenario uses the same ones).
  const compared = comparisons[0]?.pairIndices ?? [];
  const baseFirstPairs = compared.filter((pair) =>
    trials.some((t) => t.pair === pair && t.side === 'base' && t.position === 0 && t.discarded === undefined),
  ).length;
  const summary = report.scenarios.find((scenario) => scenario.name === name);
  return { name, summary, comparisons, trials, pairsCompared: compared.length, baseFirstPairs };
}
