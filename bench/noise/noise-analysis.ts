/**
 * What `npm run bench:noise` computes from the side-by-side noise pools (bench/noise/record.ts):
 * per app and candidate, how widely the A/A per-pair change spreads, what a pair costs, and what
 * the real sequential rule (src/compare/sequential.ts) makes of that noise at the default budget.
 * Pure and seeded.
 */
import { medianAbsoluteDeviation, sampleStandardDeviation } from 'simple-statistics';
import { DEFAULTS } from '../../src/config/defaults.js';
import type { GateConfig } from '../../src/config/types.js';
import type { MetricName } from '../../src/model/metrics.js';
import type { Side, TrialReading } from '../../src/model/results.js';
import { whyRerun } from '../../src/measure/why-rerun.js';
import { median } from '../../src/stats/median.js';
import { measureOperatingPoint, type PairSource } from '../stats/operating-characteristic.js';
import type { PoolPair } from '../stats/pool-file.js';

/** One recorded A/A pair (a line of bench/pools/noise/<app>.jsonl after the header). */
export interface NoiseRecord {
  readonly candidate: string;
  readonly round: number;
  readonly order: readonly [Side, Side];
  /** From starting both servers to stopping them, ms. */
  readonly pairWallMs: number;
  readonly loadAverage?: number;
  readonly readings: Record<Side, TrialReading>;
  /** CPU of the load generator's process per side, ms (absent for an in-process load). */
  readonly clientCpuMs: Partial<Record<Side, number>>;
  readonly redeals: number;
}

/** Spread of one metric's per-pair log-ratio ln(head / base) over the fair pairs. */
export interface Spread {
  /** Sample standard deviation, as a fraction (0.065 = 6.5%). */
  readonly sd: number;
  /** 1.4826 × median absolute deviation: the sd the bulk of the pairs has, outliers aside. */
  readonly robustSd: number;
  /** Median per-pair change, as a fraction. */
  readonly medianChange: number;
}

/** Share of gates ending on a regression at a true change, and the pairs they ran on average. */
export interface PowerPoint {
  readonly change: number;
  readonly regression: number;
  readonly unchanged: number;
  readonly meanPairs: number;
}

/** How a record's cpu_per_request is taken: as the server's CPU clocks counted it, or less steal. */
export type CpuAccounting = 'raw' | 'steal-adjusted';

/**
 * The records with cpu_per_request recomputed from each reading's evidence (the per-process CPU, ms,
 * over the responses): `raw` as the server's clocks counted it (perfgate before steal came off),
 * `steal-adjusted` less the window's machine-wide steal share (src/measure/to-reading.ts). Pools
 * recorded before and after that change give the same numbers either way.
 */
export function withCpuAccounting(records: readonly NoiseRecord[], accounting: CpuAccounting): NoiseRecord[] {
  const redo = (reading: TrialReading): TrialReading => {
    const cpuMs = reading.processes.reduce((sum, p) => sum + p.cpuMs, 0);
    const steal = Math.min(1, Math.max(0, reading.stealFraction));
    const kept = accounting === 'raw' ? cpuMs : cpuMs * (1 - steal);
    return {
      ...reading,
      metrics: { ...reading.metrics, cpu_per_request: reading.responses > 0 ? kept / reading.responses : 0 },
    };
  };
  return records.map((r) => ({
    ...r,
    readings: { base: redo(r.readings.base), head: redo(r.readings.head) },
  }));
}

/** Everything reported for one candidate on one app. */
export interface CandidateSummary {
  readonly candidate: string;
  readonly pairs: number;
  /** Pairs a gate would set aside and measure again (`whyRerun` on either side). */
  readonly unfair: number;
  readonly spread: Record<'cpu_per_request' | 'latency_p50' | 'throughput', Spread>;
  /** Median wall time of a pair, fresh servers, warm-ups and trials included, ms. */
  readonly pairWallMs: number;
  /** Pairs the default budget fits, re-runs of unfair pairs counted at their rate. */
  readonly pairsPerBudget: number;
  /** Median CPU of the load process per request, ms (undefined for an in-process load). */
  readonly clientCpuPerRequestMs: number | undefined;
  /** Median server CPU per request, ms. */
  readonly serverCpuPerRequestMs: number;
  /** Gates of the sequential rule at the default gate, on pairs drawn from this candidate's fair pairs. */
  readonly power: readonly PowerPoint[];
  /** Smallest true change (of those tried) that fails ≥ 80% of gates, or undefined. */
  readonly smallestCaught80: number | undefined;
}

const SPREAD_METRICS = ['cpu_per_request', 'latency_p50', 'throughput'] as const;

function logRatio(pair: NoiseRecord, metric: MetricName): number {
  return Math.log(pair.readings.head.metrics[metric] / pair.readings.base.metrics[metric]);
}

function spreadOf(values: readonly number[]): Spread {
  return {
    sd: values.length > 1 ? sampleStandardDeviation([...values]) : Number.NaN,
    robustSd: values.length > 0 ? 1.4826 * medianAbsoluteDeviation([...values]) : Number.NaN,
    medianChange: values.length > 0 ? Math.exp(median(values)) - 1 : Number.NaN,
  };
}

/**
 * A gate's pairs drawn with replacement from `pool` (a bootstrap: pool windows of consecutive pairs
 * would be too few), head's cpu_per_request scaled by (1 + change) / (1 + the pool's own median
 * change), so the pool's change is exactly `change`.
 */
function bootstrapPairs(pool: readonly NoiseRecord[], change: number): PairSource {
  const own = Math.exp(median(pool.map((p) => logRatio(p, 'cpu_per_request'))));
  const factor = (1 + change) / own;
  return (random, count): PoolPair[] =>
    Array.from({ length: count }, (_, pair) => {
      const drawn = pool[Math.floor(random() * pool.length)] as NoiseRecord;
      const { base, head } = drawn.readings;
      return {
        pair,
        base: { ...base, pair, position: pair % 2 === 0 ? 0 : 1 },
        head: {
          ...head,
          pair,
          position: pair % 2 === 0 ? 1 : 0,
          metrics: { ...head.metrics, cpu_per_request: head.metrics.cpu_per_request * factor },
        },
      };
    });
}

/** What {@link summarizeCandidate} needs besides the records. */
export interface SummaryOptions {
  readonly gate?: GateConfig;
  /** True changes to evaluate (fractions); default 0, 2.5%, 5%, 7.5%, 10%, 15%, 30%. */
  readonly changes?: readonly number[];
  readonly gates?: number;
  readonly seed?: number;
}

/**
 * Summarizes one candidate's records of one app.
 * @throws RangeError when fewer than 4 of them are fair pairs.
 */
export function summarizeCandidate(
  candidate: string,
  records: readonly NoiseRecord[],
  options: SummaryOptions = {},
): CandidateSummary {
  const gate = options.gate ?? DEFAULTS.gate;
  const fair = records.filter(
    (r) => whyRerun(r.readings.base) === undefined && whyRerun(r.readings.head) === undefined,
  );
  if (fair.length < 4) throw new RangeError(`${candidate}: ${fair.length} fair pairs, at least 4 needed`);
  const spread = Object.fromEntries(
    SPREAD_METRICS.map((metric) => [metric, spreadOf(fair.map((p) => logRatio(p, metric)))]),
  ) as CandidateSummary['spread'];
  const pairWallMs = median(records.map((r) => r.pairWallMs));
  const unfairShare = (records.length - fair.length) / records.length;
  const pairsPerBudget = Math.floor(gate.budgetMs / (pairWallMs * (1 + unfairShare)));
  const clientPerRequest = records.flatMap((r) =>
    (['base', 'head'] as const).flatMap((side) => {
      const cpu = r.clientCpuMs[side];
      return cpu === undefined ? [] : [cpu / Math.max(1, r.readings[side].responses)];
    }),
  );
  const changes = options.changes ?? [0, 0.025, 0.05, 0.075, 0.1, 0.15, 0.3];
  const power = changes.map((change, index) => {
    const point = measureOperatingPoint({
      gate,
      fitPairs: pairsPerBudget,
      source: bootstrapPairs(fair, change),
      gates: options.gates ?? 2000,
      seed: (options.seed ?? 20261203) + index,
    });
    return { change, regression: point.regression, unchanged: point.unchanged, meanPairs: point.meanPairs };
  });
  return {
    candidate,
    pairs: records.length,
    unfair: records.length - fair.length,
    spread,
    pairWallMs,
    pairsPerBudget,
    clientCpuPerRequestMs: clientPerRequest.length > 0 ? median(clientPerRequest) : undefined,
    serverCpuPerRequestMs: median(
      records.flatMap((r) => [
        r.readings.base.metrics.cpu_per_request,
        r.readings.head.metrics.cpu_per_request,
      ]),
    ),
    power,
    smallestCaught80: power.find((p) => p.change > 0 && p.regression >= 0.8)?.change,
  };
}
