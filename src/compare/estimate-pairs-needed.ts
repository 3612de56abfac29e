import { MINIMUM_EFFECT_SHARE } from './decide-verdict.js';
import { formatPercent } from './format-percent.js';

/** What an inconclusive comparison looked like. */
export interface PairsNeededInput {
  /** Pairs compared. */
  readonly pairs: number;
  /** Point estimate and interval of the change (fractions of base). */
  readonly change: number;
  readonly ci: readonly [number, number];
  /** Threshold, a fraction of base (0.05 = 5%). */
  readonly threshold: number;
  /** Fewest pairs whose exact test can reach the level (see `describeReach`). */
  readonly minimumPairs: number;
}

/** Beyond this many additional pairs, more trials are not a practical answer. */
const PRACTICAL_LIMIT = 1000;

/**
 * Rough number of additional pairs that might settle an inconclusive comparison, as a warning.
 * Assumes the interval's half-width h shrinks as 1/√n around the current estimate c. Which verdict
 * is nearer decides the goal: to show "unchanged" the interval must fit inside ±t (h ≤ t − |c|); to
 * show a regression or improvement it must exclude ±t/2 (h ≤ |c| − t/2); the midpoint 3t/4 splits
 * them. So n' ≈ n·(h / margin)², and never fewer than `minimumPairs`. It ignores that the estimate
 * itself will move and that later looks test at a stricter level; the text says it is rough.
 */
export function estimatePairsNeeded(input: PairsNeededInput): string {
  const { pairs, change, ci, threshold, minimumPairs } = input;
  const halfWidth = (ci[1] - ci[0]) / 2;
  const distance = Math.abs(change);
  const bar = MINIMUM_EFFECT_SHARE * threshold;
  const towardsUnchanged = distance < (threshold + bar) / 2;
  const margin = towardsUnchanged ? threshold - distance : distance - bar;
  const needed = margin > 0 ? Math.ceil(pairs * (halfWidth / margin) ** 2) : Number.POSITIVE_INFINITY;
  const more = Math.max(needed - pairs, minimumPairs - pairs, 1);
  const goal = towardsUnchanged
    ? `fit inside ±${formatPercent(threshold, { signed: false })}`
    : `exclude ±${formatPercent(bar, { signed: false })} (half the threshold)`;
  const why =
    `the interval (±${formatPercent(halfWidth, { signed: false })} around ${formatPercent(change)}) must ${goal}; ` +
    'a rough estimate assuming it narrows as 1/√n';
  if (!Number.isFinite(more) || more > PRACTICAL_LIMIT) {
    return `inconclusive: more than ${PRACTICAL_LIMIT} more pairs would be needed (${why}); reduce the noise or raise the threshold instead`;
  }
  return `inconclusive: roughly ${more} more pair(s) (${pairs + more} in all) might settle it (${why})`;
}
