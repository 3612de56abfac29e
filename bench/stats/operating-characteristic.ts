/**
 * The operating characteristic of perfgate's verdict rule: P(regression), P(unchanged) and
 * P(inconclusive) of a whole sequential gate at a given true change, through the real planned looks
 * (`planSequentialDesign`, `evaluateLook`). Two sources of pairs:
 * - `simulatedPairs`: per-pair log-ratios ln(1 + c) + sd·z, z standard normal (a paired design's
 *   pair-to-pair noise, nothing else);
 * - `replayedPairs`: a recorded A/A pool's consecutive pairs with head multiplied by (1 + c), so the
 *   noise is the real one (steal, drift, bimodal trials) and the true change is known exactly.
 * Pure and seeded: the same input gives the same tally.
 */
import type { GateConfig } from '../../src/config/types.js';
import { evaluateLook, planSequentialDesign } from '../../src/compare/index.js';
import { HTTP_METRICS, type MetricName } from '../../src/model/metrics.js';
import type { TrialReading, Verdict } from '../../src/model/results.js';
import { createSeededRandom } from '../../src/stats/seeded-random.js';
import type { PoolPair } from './pool-file.js';

/** How often each verdict ended a gate, as fractions of `gates`, and the mean pairs run. */
export interface OperatingPoint {
  readonly gates: number;
  readonly regression: number;
  readonly unchanged: number;
  readonly improvement: number;
  readonly inconclusive: number;
  /** Mean pairs run per gate (where the gate stopped). */
  readonly meanPairs: number;
}

/** Draws the pairs of one gate: `count` readings-pairs in time order. */
export type PairSource = (random: () => number, count: number) => readonly PoolPair[];

/** What to evaluate. */
export interface OperatingInput {
  readonly gate: GateConfig;
  /** Pairs the budget fits (the looks are planned for them, as a real gate plans them). */
  readonly fitPairs?: number;
  readonly source: PairSource;
  readonly gates: number;
  readonly seed: number;
}

/**
 * Runs `gates` sequential gates on pairs from `source`, looking at the planned looks and stopping
 * where `evaluateLook` says, and tallies the verdict each gate ended on.
 * @throws RangeError when `gates` < 1.
 */
export function measureOperatingPoint(input: OperatingInput): OperatingPoint {
  const { gate, gates, seed } = input;
  if (!(gates >= 1)) throw new RangeError(`gates must be at least 1, got ${gates}`);
  const design = planSequentialDesign(gate, input.fitPairs);
  const random = createSeededRandom(seed);
  const counts: Record<Verdict, number> = { regression: 0, unchanged: 0, improvement: 0, inconclusive: 0 };
  let pairsRun = 0;
  for (let g = 0; g < gates; g += 1) {
    const pairs = input.source(random, design.maxPairs);
    const readings = toReadings(pairs);
    for (const [look, lookPairs] of design.looks.entries()) {
      const result = evaluateLook({
        trials: readings.filter((r) => r.pair < lookPairs),
        scenarios: [SCENARIO],
        gate,
        design,
        look,
      });
      if (result.stop) {
        counts[result.outcome.verdict] += 1;
        pairsRun += lookPairs;
        break;
      }
    }
  }
  return {
    gates,
    regression: counts.regression / gates,
    unchanged: counts.unchanged / gates,
    improvement: counts.improvement / gates,
    inconclusive: counts.inconclusive / gates,
    meanPairs: pairsRun / gates,
  };
}

const SCENARIO = 'simulated';

/**
 * Pairs whose `metric` log-ratio is ln(1 + trueChange) + sdPerPair·z (Box–Muller normal z); every
 * other metric equal on both sides.
 */
export function simulatedPairs(metric: MetricName, trueChange: number, sdPerPair: number): PairSource {
  return (random, count) =>
    Array.from({ length: count }, (_, pair) => {
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      const base = syntheticReading('base', pair, pair % 2 === 0 ? 0 : 1, 1);
      const head = syntheticReading(
        'head',
        pair,
        pair % 2 === 0 ? 1 : 0,
        (1 + trueChange) * Math.exp(sdPerPair * z),
        metric,
      );
      return { pair, base, head };
    });
}

/**
 * A random window of `count` consecutive pairs of a recorded pool, with head's `metric` multiplied by
 * (1 + trueChange) / (1 + poolChange): the pool's own noise with a known true change. An A/A pool
 * has a small change of its own (−0.7% for cpu_per_request on bench/pools/aa.jsonl); pass it as
 * `poolChange` (its Hodges–Lehmann estimate over the whole pool) so that the whole pool's change is
 * exactly `trueChange`. What remains is the windows' own departures from it (drift, process effects).
 * @throws RangeError when the pool has fewer pairs than a window.
 */
export function replayedPairs(
  pool: readonly PoolPair[],
  metric: MetricName,
  trueChange: number,
  poolChange = 0,
): PairSource {
  const factor = (1 + trueChange) / (1 + poolChange);
  return (random, count) => {
    if (pool.length < count) throw new RangeError(`the pool has ${pool.length} pairs, a gate needs ${count}`);
    const start = Math.floor(random() * (pool.length - count + 1));
    return pool.slice(start, start + count).map((p, pair) => ({
      pair,
      base: { ...p.base, pair },
      head: {
        ...p.head,
        pair,
        metrics: { ...p.head.metrics, [metric]: p.head.metrics[metric] * factor },
      },
    }));
  };
}

function toReadings(pairs: readonly PoolPair[]): TrialReading[] {
  return pairs.flatMap((p) =>
    p.base.position === 0
      ? [
          { ...p.base, scenario: SCENARIO },
          { ...p.head, scenario: SCENARIO },
        ]
      : [
          { ...p.head, scenario: SCENARIO },
          { ...p.base, scenario: SCENARIO },
        ],
  );
}

function syntheticReading(
  side: 'base' | 'head',
  pair: number,
  position: 0 | 1,
  factor: number,
  metric?: MetricName,
): TrialReading {
  const metrics = Object.fromEntries(
    HTTP_METRICS.map((m) => [m, m === 'error_rate' ? 0 : m === metric ? factor : 1]),
  ) as Record<MetricName, number>;
  return {
    scenario: SCENARIO,
    side,
    pair,
    position,
    startedAt: new Date(Date.UTC(2026, 11, 1) + (2 * pair + position) * 1000).toISOString(),
    durationMs: 1000,
    metrics,
    responses: 1000,
    errors: 0,
    stealFraction: 0,
    processes: [],
    warnings: [],
  };
}
