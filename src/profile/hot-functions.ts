/**
 * Hot-function summaries of one profile and the differential table of two (head against base): what
 * the report shows under a regressed scenario. Pure.
 */
import { frameAt, functionKey, totalWeight, type Profile, type ProfileFrame } from './model.js';

/** One function's share of a profile. */
export interface FunctionShare {
  /**
   * `name (file)`: the key base and head rows are matched on. Lines are left out: an edit above a
   * function moves its first line, and it must still meet itself in the diff.
   */
  readonly key: string;
  /** The function as shown: its frame with the lowest line (several frames of one key merge). */
  readonly frame: ProfileFrame;
  /** Fraction (0..1) of the profile's weight spent in the function itself (it was the leaf). */
  readonly self: number;
  /** Fraction (0..1) of the profile's weight in stacks that contain the function (callees included;
   * recursion counted once per stack). */
  readonly total: number;
}

/**
 * Every function's self and total share, sorted by self share (largest first, then by key).
 * Functions are frames as the profiler reports them: profilers must give function-level frames
 * (py-spy `--function`, cProfile/yappi by nature), or lines of one function count apart.
 * An empty profile gives [].
 */
export function summarizeFunctions(profile: Profile): FunctionShare[] {
  const sum = totalWeight(profile);
  if (sum <= 0) return [];
  const self = new Map<number, number>();
  for (const stack of profile.stacks) {
    const leaf = stack.frames[stack.frames.length - 1];
    if (leaf !== undefined) self.set(leaf, (self.get(leaf) ?? 0) + stack.weight);
  }
  // Frames of one name in one file are one function (lines move between base and head). Its total
  // counts each stack once, however many of its frames the stack holds.
  const byKey = new Map<string, { frame: ProfileFrame; self: number; total: number }>();
  for (const [index, weight] of self) {
    const frame = frameAt(profile, index);
    const key = functionKey(frame);
    const entry = byKey.get(key) ?? { frame, self: 0, total: 0 };
    entry.self += weight;
    byKey.set(key, entry);
  }
  for (const stack of profile.stacks) {
    const keys = new Map<string, ProfileFrame>();
    for (const index of stack.frames) {
      const frame = frameAt(profile, index);
      const key = functionKey(frame);
      const seen = keys.get(key);
      if (seen === undefined || (frame.line ?? Infinity) < (seen.line ?? Infinity)) keys.set(key, frame);
    }
    for (const [key, frame] of keys) {
      const entry = byKey.get(key) ?? { frame, self: 0, total: 0 };
      if ((frame.line ?? Infinity) < (entry.frame.line ?? Infinity)) entry.frame = frame;
      entry.total += stack.weight;
      byKey.set(key, entry);
    }
  }
  return [...byKey]
    .map(([key, e]) => ({ key, frame: e.frame, self: e.self / sum, total: Math.min(1, e.total / sum) }))
    .sort((a, b) => b.self - a.self || a.key.localeCompare(b.key));
}

/** The same function in base and head. Shares are fractions (0..1); changes in percentage points. */
export interface FunctionChange {
  readonly key: string;
  readonly frame: ProfileFrame;
  readonly base: { readonly self: number; readonly total: number };
  readonly head: { readonly self: number; readonly total: number };
  /** head self share − base self share, in percentage points (+12.5 = 12.5 points more of the time). */
  readonly selfChangePp: number;
  /** head total share − base total share, in percentage points. */
  readonly totalChangePp: number;
  /** True when `selfChangePp` is within the noise mark (shown as `~`). */
  readonly noise: boolean;
}

/** Options of diffFunctions. */
export interface DiffOptions {
  /** Smallest change (percentage points) ever shown as real; default 1 pp. */
  readonly floorPp?: number;
  /** z of the noise mark; default 2.576 (two-sided 1%). */
  readonly z?: number;
  /**
   * Variance inflation for autocorrelated samples (the design effect); default 2. Batch means (20
   * consecutive samples per batch, per thread) on the py-spy recordings in test/fixtures/profiles gave
   * standard errors 1.15–1.5× the binomial ones, i.e. design effects of 1.3–2.2.
   */
  readonly designEffect?: number;
}

/**
 * Differential hot-function table, sorted by growth of self share (largest increase first; ties by
 * key), one row per function seen on either side.
 *
 * Noise mark: a change is `noise` when |Δ| < max(floorPp, z·√(d·p̄(1−p̄)(1/n_base + 1/n_head))·100):
 * the pooled two-proportion z-test on sample counts (e.g. Agresti, *Categorical Data Analysis*), with
 * p̄ the function's pooled self share and its variance inflated by the design effect d, because
 * consecutive samples of a profile are correlated (batch means, as in Flegal and Jones, "Batch means
 * and spectral variance estimators in MCMC", Ann. Statist. 2010, measured the inflation). A tracing
 * profile (no `sampleCount`) gets the floor only. One profile per side cannot see run-to-run
 * differences beyond that. A function missing on one side has share 0 there.
 */
export function diffFunctions(base: Profile, head: Profile, options: DiffOptions = {}): FunctionChange[] {
  const floorPp = options.floorPp ?? 1;
  const z = options.z ?? 2.576;
  const designEffect = options.designEffect ?? 2;
  const baseRows = new Map(summarizeFunctions(base).map((row) => [row.key, row]));
  const headRows = new Map(summarizeFunctions(head).map((row) => [row.key, row]));
  const nBase = base.sampleCount;
  const nHead = head.sampleCount;
  const rows: FunctionChange[] = [];
  for (const key of new Set([...baseRows.keys(), ...headRows.keys()])) {
    const b = baseRows.get(key);
    const h = headRows.get(key);
    const frame = (h ?? b)?.frame;
    if (frame === undefined) continue;
    const bs = { self: b?.self ?? 0, total: b?.total ?? 0 };
    const hs = { self: h?.self ?? 0, total: h?.total ?? 0 };
    const selfChangePp = (hs.self - bs.self) * 100;
    let markPp = floorPp;
    if (nBase !== undefined && nHead !== undefined && nBase > 0 && nHead > 0) {
      const pooled = (bs.self * nBase + hs.self * nHead) / (nBase + nHead);
      const variance = designEffect * pooled * (1 - pooled) * (1 / nBase + 1 / nHead);
      markPp = Math.max(floorPp, z * Math.sqrt(variance) * 100);
    }
    rows.push({
      key,
      frame,
      base: bs,
      head: hs,
      selfChangePp,
      totalChangePp: (hs.total - bs.total) * 100,
      noise: Math.abs(selfChangePp) < markPp,
    });
  }
  return rows.sort((a, b) => b.selfChangePp - a.selfChangePp || a.key.localeCompare(b.key));
}
