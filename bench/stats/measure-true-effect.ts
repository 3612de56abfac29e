/**
 * The true effect of a recorded condition: what head's slowdown really did to each metric over the
 * whole pool (many interleaved pairs), as opposed to the nominal PERFGATE_SLOWDOWN. The knob adds CPU
 * in proportion to the handler's own CPU, while cpu_per_request also counts the server's fixed
 * per-request cost (HTTP parsing, sockets, threads), so the true change is smaller than the nominal.
 */
import { estimatePairedChange } from '../../src/compare/index.js';
import type { MetricName } from '../../src/model/metrics.js';
import { median } from '../../src/stats/index.js';
import type { PoolPair } from './pool-file.js';

/** One metric's change over a whole pool. */
export interface TrueEffect {
  readonly metric: MetricName;
  readonly pairs: number;
  /** Median of the per-pair changes head/base − 1. */
  readonly medianPairedChange: number;
  /** Hodges–Lehmann estimate of head/base − 1 and its 95% signed-rank interval. */
  readonly change: number;
  readonly ci95: readonly [number, number];
}

/**
 * Measures the change of `metric` over every pair of the pool.
 * @throws RangeError when the pool has no pairs.
 */
export function measureTrueEffect(pairs: readonly PoolPair[], metric: MetricName): TrueEffect {
  if (pairs.length === 0) throw new RangeError('an empty pool has no effect to measure');
  const values = pairs.map((p) => ({ base: p.base.metrics[metric], head: p.head.metrics[metric] }));
  const estimate = estimatePairedChange(values);
  const interval = estimate.inference?.interval(0.025);
  return {
    metric,
    pairs: pairs.length,
    medianPairedChange: median(values.filter((v) => v.base !== 0).map((v) => v.head / v.base - 1)),
    change: estimate.change,
    ci95: interval ? [estimate.toChange(interval.low), estimate.toChange(interval.high)] : [0, 0],
  };
}
