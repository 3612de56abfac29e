/**
 * The whole evaluation as a function of recorded pools: true effects, and every rule's false-alarm
 * rate, power and CI cost on the same simulated gates. No I/O (replay.ts reads and writes).
 */
import { DEFAULT_GATED_METRICS, HEADLINE_METRICS, type MetricName } from '../../src/model/metrics.js';
import { whyRerun } from '../../src/measure/why-rerun.js';
import { median } from '../../src/stats/index.js';
import { clopperPearson } from './math/clopper-pearson.js';
import { measureTrueEffect, type TrueEffect } from './measure-true-effect.js';
import type { Pool } from './pool-file.js';
import type { DecisionRule } from './rules/decision-rule.js';
import { simulateGates } from './simulate-gates.js';

/** The gated metric sets evaluated. */
export const METRIC_SETS: readonly { readonly name: string; readonly metrics: readonly MetricName[] }[] = [
  {
    name: 'the default gated metric (cpu_per_request)',
    metrics: DEFAULT_GATED_METRICS,
  },
  { name: 'cpu_per_request, latency_p50 and throughput', metrics: HEADLINE_METRICS },
];

/** One rule on one condition. */
export interface ConditionOutcome {
  readonly condition: string;
  readonly gates: number;
  readonly alarms: number;
  /** alarms / gates, and its 95% Clopper–Pearson interval (treating gates as independent). */
  readonly rate: number;
  readonly ci95: readonly [number, number];
  /** Alarms among non-overlapping windows: independent, but fewer. */
  readonly disjointAlarms: number;
  readonly disjointGates: number;
  readonly meanTrialsRun: number;
  /** Mean CI minutes per gate: trials × trial length + server starts × (start + warm-up). */
  readonly ciMinutes: number;
}

export interface RuleOutcome {
  readonly rule: string;
  readonly label: string;
  readonly windowPairs: number;
  readonly conditions: readonly ConditionOutcome[];
}

export interface MetricSetOutcome {
  readonly name: string;
  readonly metrics: readonly MetricName[];
  readonly rules: readonly RuleOutcome[];
}

export interface PoolSummary {
  readonly condition: string;
  readonly nominalSlowdown: number;
  readonly pairs: number;
  readonly trialDurationMs: number;
  /** Discarded warm-up per side after every server start, in ms. */
  readonly warmupMs: number;
  /** Servers started anew every this many pairs (1: per pair, as a gate does; 0: never). */
  readonly restartEveryPairs: number;
  readonly connections: number;
  readonly recordedAt: string;
  readonly distinctWindows: number;
  readonly meanSteal: number;
  /** Mean 1-minute load average at the end of each trial (NaN when the readings lack it). */
  readonly meanLoadAverage: number;
  /** Pairs perfgate would have set aside and measured again (\`whyRerun\`); the replay keeps them. */
  readonly unfairPairs: number;
  readonly trueEffects: readonly TrueEffect[];
}

export interface Evaluation {
  readonly gatesPerCondition: number;
  readonly seed: number;
  /** Per server started: median readiness time + warm-up, in ms. */
  readonly overheadPerSideMs: number;
  readonly windowPairs: number;
  readonly pools: readonly PoolSummary[];
  readonly metricSets: readonly MetricSetOutcome[];
}

/** A condition's own seed, so each condition's windows are drawn independently of the others. */
function conditionSeed(seed: number, condition: string): number {
  let hash = seed >>> 0;
  for (const char of condition) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}

/**
 * Runs every rule on `gates` windows of every pool (the same windows for every rule and metric set).
 * @throws RangeError when a pool is shorter than the longest rule's window.
 */
export function evaluate(
  pools: readonly Pool[],
  rules: readonly DecisionRule[],
  gates: number,
  seed: number,
): Evaluation {
  const starts = pools.flatMap((p) => [p.header.serverStartMs.base, p.header.serverStartMs.head]);
  const warmups = pools.map((p) => p.header.warmupMs);
  const overheadPerSideMs = (starts.length ? median(starts) : 0) + (warmups.length ? median(warmups) : 0);
  const windowPairs = Math.max(...rules.map((r) => r.windowPairs));
  const metricSets = METRIC_SETS.map(({ name, metrics }): MetricSetOutcome => {
    const byRule = new Map<string, ConditionOutcome[]>(rules.map((r) => [r.id, []]));
    for (const pool of pools) {
      const { condition, trialDurationMs } = pool.header;
      const result = simulateGates({
        pairs: pool.pairs,
        rules,
        metrics,
        gates,
        seed: conditionSeed(seed, condition),
      });
      for (const tally of result.tallies) {
        const ciMs = tally.meanTrialsRun * trialDurationMs + tally.meanServerStarts * overheadPerSideMs;
        byRule.get(tally.rule)?.push({
          condition,
          gates: tally.gates,
          alarms: tally.alarms,
          rate: tally.alarms / tally.gates,
          ci95: clopperPearson(tally.alarms, tally.gates),
          disjointAlarms: tally.disjointAlarms,
          disjointGates: tally.disjointGates,
          meanTrialsRun: tally.meanTrialsRun,
          ciMinutes: ciMs / 60_000,
        });
      }
    }
    return {
      name,
      metrics,
      rules: rules.map((r) => ({
        rule: r.id,
        label: r.label,
        windowPairs: r.windowPairs,
        conditions: byRule.get(r.id) ?? [],
      })),
    };
  });
  const pools_ = pools.map((pool): PoolSummary => {
    const readings = pool.pairs.flatMap((p) => [p.base, p.head]);
    return {
      condition: pool.header.condition,
      nominalSlowdown: pool.header.nominalSlowdown,
      warmupMs: pool.header.warmupMs,
      restartEveryPairs: pool.header.restartEveryPairs ?? 0,
      pairs: pool.pairs.length,
      trialDurationMs: pool.header.trialDurationMs,
      connections: pool.header.scenario.connections,
      recordedAt: pool.header.startedAt,
      distinctWindows: Math.max(0, pool.pairs.length - windowPairs + 1),
      meanSteal: readings.reduce((sum, r) => sum + r.stealFraction, 0) / Math.max(1, readings.length),
      meanLoadAverage: readings.reduce((sum, r) => sum + (r.loadAverage ?? Number.NaN), 0) / readings.length,
      unfairPairs: pool.pairs.filter((p) => whyRerun(p.base) !== undefined || whyRerun(p.head) !== undefined)
        .length,
      trueEffects: HEADLINE_METRICS.map((metric) => measureTrueEffect(pool.pairs, metric)),
    };
  });
  return { gatesPerCondition: gates, seed, overheadPerSideMs, windowPairs, pools: pools_, metricSets };
}
