/**
 * Simulated gates on a recorded pool: each gate is a random contiguous window of pairs (so time
 * order and pairing are kept, and slow drift hits a window as it would hit a real gate), and every
 * rule decides on the same windows. Deterministic for a given seed.
 */
import type { MetricName } from '../../src/model/metrics.js';
import { createSeededRandom } from '../../src/stats/seeded-random.js';
import type { PoolPair } from './pool-file.js';
import type { DecisionRule, RuleDecision } from './rules/decision-rule.js';

/** What to simulate. */
export interface SimulationInput {
  /** The pool's complete pairs in time order. */
  readonly pairs: readonly PoolPair[];
  readonly rules: readonly DecisionRule[];
  readonly metrics: readonly MetricName[];
  /** Number of simulated gates (windows). */
  readonly gates: number;
  readonly seed: number;
}

/** One rule's tally over the simulated gates. */
export interface RuleTally {
  readonly rule: string;
  readonly gates: number;
  readonly alarms: number;
  /** Mean trials the rule ran in CI per gate. */
  readonly meanTrialsRun: number;
  /** Mean server starts per gate (see `RuleDecision.serverStarts`). */
  readonly meanServerStarts: number;
  /** Alarms among the non-overlapping windows (0, W, 2W, …): independent gates, fewer of them. */
  readonly disjointAlarms: number;
  readonly disjointGates: number;
}

/** The tallies, and how the windows were drawn. */
export interface SimulationResult {
  /** Pairs per window: the longest any rule reads. */
  readonly windowPairs: number;
  /** Distinct window starts the pool allows. */
  readonly distinctWindows: number;
  readonly tallies: readonly RuleTally[];
}

/**
 * Draws `gates` window starts uniformly from the pool (seeded) and runs every rule on each.
 * @throws RangeError when the pool is shorter than the longest rule's window, or `gates` < 1.
 */
export function simulateGates(input: SimulationInput): SimulationResult {
  const { pairs, rules, metrics, gates, seed } = input;
  const windowPairs = Math.max(...rules.map((r) => r.windowPairs));
  const distinctWindows = pairs.length - windowPairs + 1;
  if (distinctWindows < 1)
    throw new RangeError(`the pool has ${pairs.length} pairs; the rules need windows of ${windowPairs}`);
  if (!Number.isInteger(gates) || gates < 1)
    throw new RangeError(`gates must be a positive integer, got ${gates}`);
  const random = createSeededRandom(seed);
  const starts = Array.from({ length: gates }, () => Math.floor(random() * distinctWindows));
  const disjointStarts = Array.from(
    { length: Math.floor(pairs.length / windowPairs) },
    (_, i) => i * windowPairs,
  );
  const tallies = rules.map((rule): RuleTally => {
    let alarms = 0;
    let trials = 0;
    let serverStarts = 0;
    // Windows repeat (a pool allows ~100 starts for 500 gates) and rules are deterministic.
    const decided = new Map<number, RuleDecision>();
    const decideAt = (start: number): RuleDecision => {
      const known = decided.get(start);
      if (known) return known;
      const decision = rule.decide({ pairs: pairs.slice(start, start + windowPairs), metrics });
      decided.set(start, decision);
      return decision;
    };
    for (const start of starts) {
      const decision = decideAt(start);
      if (decision.alarm) alarms += 1;
      trials += decision.trialsRun;
      serverStarts += decision.serverStarts;
    }
    const disjointAlarms = disjointStarts.filter((start) => decideAt(start).alarm).length;
    return {
      rule: rule.id,
      gates,
      alarms,
      meanTrialsRun: trials / gates,
      meanServerStarts: serverStarts / gates,
      disjointAlarms,
      disjointGates: disjointStarts.length,
    };
  });
  return { windowPairs, distinctWindows, tallies };
}
