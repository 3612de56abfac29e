/**
 * Statistics: pure functions, one a file, each citing its method. Rank-based throughout, because
 * trials on shared CI machines have outliers (CPU steal, a worker left idle) that a mean or a t-test
 * would follow. Cross-checked against SciPy (test/fixtures/stats/README.md).
 */
export { median, medianOfSorted } from './median.js';
export { averageRanks, type AverageRanks } from './average-ranks.js';
export { walshAverages } from './walsh-averages.js';
export {
  signedRankInference,
  SIGNED_RANK_EXACT_BELOW_N,
  type SignedRankInference,
  type SignedRankInterval,
} from './signed-rank-inference.js';
export { signedRankNullCounts, SIGNED_RANK_EXACT_MAX_N } from './signed-rank-null-counts.js';
export { benjaminiHochberg } from './benjamini-hochberg.js';
export { mannWhitneyU, type MannWhitneyTest } from './mann-whitney-u.js';
export { mannWhitneyNullCounts, MANN_WHITNEY_EXACT_MAX_SIZE } from './mann-whitney-null-counts.js';
export {
  mannWhitneyTiedNullCounts,
  MANN_WHITNEY_TIES_EXACT_MAX_SIZE,
} from './mann-whitney-tied-null-counts.js';
export { hodgesLehmannTwoSample, type LocationShift } from './hodges-lehmann-two-sample.js';
export { standardNormalCdf } from './standard-normal-cdf.js';
export { standardNormalQuantile } from './standard-normal-quantile.js';
export { complementaryErrorFunction } from './complementary-error-function.js';
export { createSeededRandom } from './seeded-random.js';
export { logGamma } from './log-gamma.js';
export { digamma } from './digamma.js';
export { trigamma, inverseTrigamma } from './trigamma.js';
export { fitScaledChiSquarePrior, type ScaledChiSquarePrior } from './fit-scaled-chi-square-prior.js';
export { regularizedIncompleteBeta } from './regularized-incomplete-beta.js';
export { studentTCdf } from './student-t-cdf.js';
export { studentTQuantile } from './student-t-quantile.js';
