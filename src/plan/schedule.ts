/**
 * The trial schedule: which side runs first in each base/head pair.
 *
 * Within a pair the two trials run back to back, so slow drift (steal, thermal, cache state) hits
 * both sides alike and the pair's log-ratio cancels it. The order inside a pair is randomized so
 * an order effect (the second trial of a pair running warmer or colder) cannot masquerade as a
 * change; it is balanced in blocks of two pairs (one AB, one BA, in seeded random order) so that
 * over any even number of pairs each side runs first equally often.
 */
import type { Side } from '../model/results.js';
import { createSeededRandom } from '../stats/seeded-random.js';

/** One planned pair: its index and which side runs first. */
export interface PlannedPair {
  /** 0-based pair index. */
  readonly pair: number;
  /** Sides in the order they run. */
  readonly order: readonly [Side, Side];
}

/**
 * Plans `pairs` base/head pairs with randomized, block-balanced order.
 * @param pairs number of pairs (≥ 0, integer).
 * @param seed any integer; the same seed gives the same schedule.
 * @throws RangeError when `pairs` is negative or not an integer.
 */
export function planTrials(pairs: number, seed: number): PlannedPair[] {
  if (!Number.isInteger(pairs) || pairs < 0)
    throw new RangeError(`pairs must be a non-negative integer, got ${pairs}`);
  const random = createSeededRandom(seed);
  const plan: PlannedPair[] = [];
  for (let pair = 0; pair < pairs; pair += 2) {
    const baseFirst = random() < 0.5;
    plan.push({ pair, order: baseFirst ? ['base', 'head'] : ['head', 'base'] });
    if (pair + 1 < pairs)
      plan.push({ pair: pair + 1, order: baseFirst ? ['head', 'base'] : ['base', 'head'] });
  }
  return plan;
}

/**
 * A 32-bit seed derived from two commit SHAs (FNV-1a), so re-running the same comparison replays
 * the same order while different comparisons get different orders.
 */
export function seedFromCommits(baseSha: string, headSha: string): number {
  let hash = 0x811c9dc5;
  for (const char of `${baseSha}..${headSha}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
