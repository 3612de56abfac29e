import { formatPercent } from './format-percent.js';

/** What an inconclusive comparison looked like. */
export interface PairsNeededInput {
  /** Pairs compared. */
  readonly pairs: number;
  /** Point estimate and interval of head/base − 1. */
  readonly change: number;
  readonly ci: readonly [number, number];
  readonly threshold: number;
  /** Fewest pairs whose exact test can reach alpha (see `minimumAchievablePValue`). */
  readonly minimumPairs: number;
}

/** Beyond this many additional pairs, more trials are not a practical answer. */
const PRACTICAL_LIMIT = 1000;

/**
 * Rough number of additional pairs that might settle an inconclusive comparison, as a warning.
 * Assumes the interval's half-width h shrinks as 1/√n around the current estimate c: to show
 * "unchanged" it must fit inside ±t (h ≤ t − |c|); when |c| ≥ t, it must exclude 0 (h ≤ |c|).
 * So n' ≈ n·(h / margin)², and never fewer than `minimumPairs`. It ignores that the estimate itself
 * will move; the text says it is rough.
 */
export function estimatePairsNeeded(input: PairsNeededInput): string {
  const { pairs, change, ci, threshold, minimumPairs } = input;
  const halfWidth = (ci[1] - ci[0]) / 2;
  const distance = Math.abs(change);
  const margin = distance < threshold ? threshold - distance : distance;
  const needed = margin > 0 ? Math.ceil(pairs * (halfWidth / margin) ** 2) : Number.POSITIVE_INFINITY;
  const more = Math.max(needed - pairs, minimumPairs - pairs, 1);
  const goal =
    distance < threshold ? `fit inside ±${formatPercent(threshold, { signed: false })}` : 'exclude 0';
  const why =
    `the interval (±${formatPercent(halfWidth, { signed: false })} around ${formatPercent(change)}) must ${goal}; ` +
    'a rough estimate assuming it narrows as 1/√n';
  if (!Number.isFinite(more) || more > PRACTICAL_LIMIT) {
    return `inconclusive: more than ${PRACTICAL_LIMIT} more pairs would be needed (${why}); reduce the noise or raise the threshold instead`;
  }
  return `inconclusive: roughly ${more} more pair(s) (${pairs + more} in all) might settle it (${why})`;
}
