/**
 * How much two processes of identical code differ, from an A/A pool recorded with restarts every
 * k pairs (`bench:stats:record -- --restart-every k`): each block of k pairs ran on one base and one
 * head process. Pure (bench/stats/process-effect.ts reads and writes).
 *
 * Method: per block, the per-pair log-ratios d = ln(head/base) of a metric; the block's offset is
 * their mean. One-way random-effects ANOVA by the method of moments (Searle, Casella & McCulloch,
 * "Variance Components", 1992, §3.5) splits the variance of d into a between-process part τ² (the
 * offset a one-process gate keeps in every pair) and a within-process part σ² (pair-to-pair noise).
 * Kruskal–Wallis H (ranks of every d, across blocks) tests "no process effect" without assuming
 * normal d; H is compared with χ²(k−1) critical values.
 */
import { chiSquaredDistributionTable } from 'simple-statistics';
import type { MetricName } from '../../src/model/metrics.js';
import { averageRanks } from '../../src/stats/index.js';
import type { PoolPair } from './pool-file.js';
import type { DecisionRule } from './rules/decision-rule.js';

/** One process pair (block) of the pool. */
export interface ProcessBlock {
  /** 0-based block index (time order). */
  readonly block: number;
  readonly pairs: number;
  /** Mean per-pair log-ratio per metric, as a relative change exp(mean) − 1 (0.05 = +5%). */
  readonly offset: Readonly<Partial<Record<MetricName, number>>>;
  /** perfgate's verdict had this block been a whole gate with `server.restart: never`. */
  readonly alarm?: boolean;
}

/** The variance split of one metric. */
export interface ProcessEffect {
  readonly metric: MetricName;
  /** Between-process sd of the block offset, in log units (≈ relative: 0.02 = 2%). */
  readonly tau: number;
  /** Within-process sd of a pair's log-ratio. */
  readonly sigma: number;
  /** Kruskal–Wallis H with its degrees of freedom and χ² critical values at 5% and 1%. */
  readonly kruskalWallis: {
    readonly h: number;
    readonly df: number;
    readonly critical05: number;
    readonly critical01: number;
  };
}

/** The whole analysis. */
export interface ProcessEffectAnalysis {
  readonly blocks: readonly ProcessBlock[];
  readonly effects: readonly ProcessEffect[];
}

/**
 * Splits `pairs` (time order) into blocks of `blockPairs` (the pool's `restartEveryPairs`; a short
 * last block is dropped) and analyses `metrics`. With `rule`, also decides each block as a gate.
 * @throws RangeError when fewer than 2 whole blocks exist, or blocks have fewer than 2 pairs.
 */
export function analyseProcessEffect(
  pairs: readonly PoolPair[],
  blockPairs: number,
  metrics: readonly MetricName[],
  rule?: { readonly rule: DecisionRule; readonly metrics: readonly MetricName[] },
): ProcessEffectAnalysis {
  if (!Number.isInteger(blockPairs) || blockPairs < 2)
    throw new RangeError(`blocks need at least 2 pairs, got ${blockPairs}`);
  const blockCount = Math.floor(pairs.length / blockPairs);
  if (blockCount < 2) throw new RangeError(`${pairs.length} pairs make fewer than 2 blocks of ${blockPairs}`);
  const blocks = Array.from({ length: blockCount }, (_, b) =>
    pairs.slice(b * blockPairs, (b + 1) * blockPairs),
  );
  const logRatios = (block: readonly PoolPair[], metric: MetricName): number[] =>
    block.map((p) => Math.log(p.head.metrics[metric] / p.base.metrics[metric]));

  const effects = metrics.map((metric): ProcessEffect => {
    const groups = blocks.map((block) => logRatios(block, metric));
    return { metric, ...varianceComponents(groups), kruskalWallis: kruskalWallis(groups) };
  });
  return {
    blocks: blocks.map((block, index): ProcessBlock => {
      const offset: Partial<Record<MetricName, number>> = {};
      for (const metric of metrics) offset[metric] = Math.exp(mean(logRatios(block, metric))) - 1;
      const decided =
        rule && block.length >= rule.rule.windowPairs
          ? { alarm: rule.rule.decide({ pairs: block, metrics: rule.metrics }).alarm }
          : {};
      return { block: index, pairs: block.length, offset, ...decided };
    }),
    effects,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Method-of-moments τ and σ for equal-sized groups (one-way random-effects ANOVA). */
function varianceComponents(groups: readonly (readonly number[])[]): { tau: number; sigma: number } {
  const k = groups.length;
  const n = groups[0]?.length ?? 0;
  const means = groups.map(mean);
  const grand = mean(means);
  const msBetween = (n * means.reduce((sum, m) => sum + (m - grand) ** 2, 0)) / (k - 1);
  const msWithin =
    groups.reduce((sum, g, i) => sum + g.reduce((s, d) => s + (d - (means[i] ?? 0)) ** 2, 0), 0) /
    (k * (n - 1));
  return { tau: Math.sqrt(Math.max(0, (msBetween - msWithin) / n)), sigma: Math.sqrt(msWithin) };
}

/** Kruskal–Wallis H with the tie correction (Hollander, Wolfe & Chicken 2014, §6.2). */
function kruskalWallis(groups: readonly (readonly number[])[]): ProcessEffect['kruskalWallis'] {
  const all = groups.flat();
  const { ranks, tieSizes } = averageRanks(all);
  const total = all.length;
  let offset = 0;
  let sum = 0;
  for (const group of groups) {
    let rankSum = 0;
    for (let i = 0; i < group.length; i += 1) rankSum += ranks[offset + i] ?? 0;
    offset += group.length;
    sum += rankSum ** 2 / group.length;
  }
  const ties = tieSizes.reduce((s, t) => s + t ** 3 - t, 0);
  const correction = 1 - ties / (total ** 3 - total);
  const h = ((12 / (total * (total + 1))) * sum - 3 * (total + 1)) / (correction || 1);
  const df = groups.length - 1;
  const table = chiSquaredDistributionTable as unknown as Record<string, Record<string, number> | undefined>;
  const row = table[String(df)];
  if (!row) throw new RangeError(`no χ² table row for ${df} degrees of freedom (at most 100 blocks)`);
  return { h, df, critical05: row['0.05'] ?? Number.NaN, critical01: row['0.01'] ?? Number.NaN };
}
