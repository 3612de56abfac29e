import type { ErrorRuling, TrialReading, Verdict } from '../model/results.js';
import type { ReadingPair } from './collect-pairs.js';
import { formatPercent } from './format-percent.js';

/**
 * Error rate (a fraction of requests, averaged over a side's compared trials) above which a side's
 * timings are not read as a speed change, and by which head may exceed base before the gate fails:
 * 1 percentage point. A correctness guard, as k6's `http_req_failed` thresholds: it applies whatever
 * `gate.metrics` says, and it is a rule, not a test (no error rate is attached to it).
 */
export const ERROR_RATE_LIMIT = 0.01;

/** What the errors of one scenario's compared pairs decide. */
export interface ErrorJudgement {
  /** Mean error rate of each side over the compared pairs (fractions). */
  readonly baseRate: number;
  readonly headRate: number;
  /** The error_rate comparison's verdict by the rule. */
  readonly verdict: Verdict;
  /** Set when head's rate exceeds base's by more than the limit: the gate fails. */
  readonly fails?: ErrorRuling;
  /** Set when either side exceeds the limit: no other metric of the scenario is a speed change. */
  readonly voids?: ErrorRuling;
}

/** Mean error rates (fractions of requests, 0..1) of base and head over the readings compared. */
export interface ErrorRates {
  readonly baseRate: number;
  readonly headRate: number;
}

/**
 * Judges a scenario's errors from paired trials: the mean error rate of each side over the compared
 * pairs, judged by `judgeErrorRates`.
 */
export function judgeErrors(pairs: readonly ReadingPair[]): ErrorJudgement {
  const rate = (pick: (pair: ReadingPair) => TrialReading): number =>
    pairs.length === 0
      ? 0
      : pairs.reduce((sum, pair) => sum + pick(pair).metrics.error_rate, 0) / pairs.length;
  return judgeErrorRates({ baseRate: rate((p) => p.base), headRate: rate((p) => p.head) });
}

/**
 * Judges a scenario's errors (docs/statistics.md, "Errors") from each side's mean error rate, however
 * the readings behind them were collected (paired trials, or head against a stored baseline's
 * trials): head failing more than ERROR_RATE_LIMIT more of its requests than base is a regression
 * with its own wording; either side failing more than the limit makes every other metric of the
 * scenario `inconclusive`, since cheap error responses would read as a faster server. Otherwise
 * error_rate is `unchanged`, or an `improvement` when base's rate exceeded head's by more than the
 * limit.
 */
export function judgeErrorRates(rates: ErrorRates): ErrorJudgement {
  const { baseRate, headRate } = rates;
  const percent = (x: number): string => formatPercent(x, { signed: false });
  const sides = `head ${percent(headRate)}, base ${percent(baseRate)} of requests`;
  const limitPoints = `${(ERROR_RATE_LIMIT * 100).toFixed(1)} percentage points`;
  const fails: ErrorRuling | undefined =
    headRate - baseRate > ERROR_RATE_LIMIT
      ? {
          effect: 'fails',
          text:
            `head answers errors (non-2xx/3xx, resets or timeouts) on ${percent(headRate)} of requests ` +
            `against base's ${percent(baseRate)}, more than the ${limitPoints} allowed`,
        }
      : undefined;
  const erring = (['head', 'base'] as const).filter(
    (side) => (side === 'head' ? headRate : baseRate) > ERROR_RATE_LIMIT,
  );
  const voids: ErrorRuling | undefined =
    erring.length > 0
      ? {
          effect: 'voids',
          text:
            `not read as a speed change: ${erring.join(' and ')} failed more than ` +
            `${percent(ERROR_RATE_LIMIT)} of requests (${sides}), and error responses are cheap`,
        }
      : undefined;
  const verdict: Verdict =
    fails !== undefined
      ? 'regression'
      : baseRate - headRate > ERROR_RATE_LIMIT
        ? 'improvement'
        : erring.length > 0
          ? 'inconclusive'
          : 'unchanged';
  return {
    baseRate,
    headRate,
    verdict,
    ...(fails === undefined ? {} : { fails }),
    ...(voids === undefined ? {} : { voids }),
  };
}
