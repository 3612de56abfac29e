/** The conditions of the statistics evaluation: an A/A pair and four calibrated slowdowns of head. */

/** One recorded condition: head runs examples/stdlib with PERFGATE_SLOWDOWN = `slowdown`. */
export interface Condition {
  /** Pool file name without `.jsonl`. */
  readonly name: string;
  /** Nominal extra CPU per request as a fraction of what the handler used (0 = unchanged code). */
  readonly slowdown: number;
}

/** Every condition, A/A first; every condition with slowdown 0 counts as A/A. */
export const CONDITIONS: readonly Condition[] = [
  // Pools are recorded with fresh server processes before every pair (restartEveryPairs 1), so one
  // A/A pool already spans hundreds of process pairs.
  { name: 'aa', slowdown: 0 },
  { name: 'slowdown-02', slowdown: 0.02 },
  { name: 'slowdown-05', slowdown: 0.05 },
  { name: 'slowdown-10', slowdown: 0.1 },
  { name: 'slowdown-20', slowdown: 0.2 },
];
