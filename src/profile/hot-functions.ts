/**
 * Hot-function summaries of one profile and the differential table of two (head against base): what
 * the report shows under a regressed scenario. Pure.
 */
import { frameAt, functionKey, totalWeight, type Profile, type ProfileFrame } from './model.js';
import { standardNormalQuantile } from '../stats/standard-normal-quantile.js';
import { studentTQuantile } from '../stats/student-t-quantile.js';
import { fitScaledChiSquarePrior } from '../stats/fit-scaled-chi-square-prior.js';

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
  /**
   * z of the noise mark; default: Bonferroni over the table, Φ⁻¹(1 − familyAlpha / 2m) with m the
   * functions whose share reaches the floor on either side (the rows that could be marked at all), so
   * `familyAlpha` bounds the chance that any row of an A/A table is marked. m = 1 gives 2.576.
   */
  readonly z?: number;
  /**
   * Variance inflation for autocorrelated samples (the design effect); default 2. Batch means (20
   * consecutive samples per batch, per thread) on the py-spy recordings in test/fixtures/profiles gave
   * standard errors 1.15–1.5× the binomial ones, i.e. design effects of 1.3–2.2.
   */
  readonly designEffect?: number;
  /** Family-wise error rate of the marks of one table (default 0.01); see `z`. */
  readonly familyAlpha?: number;
  /**
   * Replaces the design effect with a dispersion measured between windows on separate processes
   * ({@link estimateDispersion}); for a tracing profile it makes the noise mark z·√(φ·p̄(1−p̄)(1/W_base
   * + 1/W_head)), with W the number of windows merged into each side.
   */
  readonly dispersion?: Dispersion;
  /** Windows merged into each side (for a tracing profile's dispersion); default 1 each. */
  readonly windows?: { readonly base: number; readonly head: number };
}

/**
 * How much the self shares of one side's windows (each on its own fresh server process) spread
 * beyond what their sample counts explain: the quasi-binomial dispersion φ (McCullagh and Nelder,
 * *Generalized Linear Models*, 2nd ed., §4.5: Pearson's χ² over its degrees of freedom). It covers
 * both the correlation of consecutive samples and the lasting difference between two processes of
 * the same code, which one window per side cannot see.
 */
export interface Dispersion {
  /** φ: variance of a share relative to binomial (sampled) or per window (traced). */
  readonly phi: number;
  /** Degrees of freedom behind φ (functions × (windows − 1), summed over sides); 0: none measured. */
  readonly df: number;
  /** Observations per window: `samples` (sample counts) or `windows` (a tracing profile: one each). */
  readonly per: 'samples' | 'windows';
  /**
   * Tracing profiles only: each function's own dispersion between windows (its χ² over its degrees of
   * freedom) and the scaled-χ² prior fitted to them (Smyth 2004, see `fitScaledChiSquarePrior`). With
   * them the noise mark of a function uses its variance moderated towards the prior,
   * (d₀φ₀ + dⱼφⱼ)/(d₀ + dⱼ), on Student t with d₀ + dⱼ degrees of freedom: one dispersion pooled over
   * every function marks, in A/A tables, the functions (async handlers) that vary far more than the rest.
   */
  readonly functions?: Readonly<Record<string, { readonly phi: number; readonly df: number }>>;
  readonly prior?: { readonly phi: number; readonly df: number };
}

/** Functions enter φ only with an expected count of at least this many samples in every window. */
const MIN_EXPECTED_SAMPLES = 5;
/** …or, in a tracing profile, with a pooled self share of at least this. */
const MIN_TRACED_SHARE = 0.005;

/**
 * φ from replicate windows: for each side with two or more windows and each function of enough
 * weight, Pearson's χ² of its self share across the windows, Σ_k n_k(p_k − p̄)² / (p̄(1 − p̄)), with
 * n_k the window's sample count (or 1 for a tracing profile); φ = Σχ² / df. Sampled profiles' φ is at
 * least 1 (never narrower than binomial). Groups with fewer than two windows add nothing.
 * @param groups each side's windows, e.g. `[[base1, base2], [head1, head2]]`.
 */
export function estimateDispersion(groups: readonly (readonly Profile[])[]): Dispersion {
  const sampled = groups.every((windows) =>
    windows.every((w) => w.sampleCount !== undefined && w.sampleCount > 0),
  );
  let chi2 = 0;
  let df = 0;
  const perFunction = new Map<string, { chi2: number; df: number }>();
  for (const windows of groups) {
    if (windows.length < 2) continue;
    const shares = windows.map((w) => new Map(summarizeFunctions(w).map((row) => [row.key, row.self])));
    const n = windows.map((w) => (sampled ? (w.sampleCount ?? 0) : 1));
    const total = n.reduce((a, b) => a + b, 0);
    const keys = new Set(shares.flatMap((m) => [...m.keys()]));
    for (const key of keys) {
      const p = shares.map((m) => m.get(key) ?? 0);
      const pooled = p.reduce((sum, pk, k) => sum + pk * (n[k] ?? 0), 0) / total;
      if (pooled <= 0 || pooled >= 1) continue;
      const enough = sampled
        ? n.every((nk) => nk * pooled >= MIN_EXPECTED_SAMPLES)
        : pooled >= MIN_TRACED_SHARE;
      if (!enough) continue;
      const own =
        p.reduce((sum, pk, k) => sum + (n[k] ?? 0) * (pk - pooled) ** 2, 0) / (pooled * (1 - pooled));
      chi2 += own;
      df += windows.length - 1;
      const entry = perFunction.get(key) ?? { chi2: 0, df: 0 };
      entry.chi2 += own;
      entry.df += windows.length - 1;
      perFunction.set(key, entry);
    }
  }
  const per = sampled ? 'samples' : 'windows';
  if (df === 0) return { phi: sampled ? 1 : 0, df: 0, per };
  const phi = chi2 / df;
  if (sampled) return { phi: Math.max(1, phi), df, per };
  const functions = Object.fromEntries(
    [...perFunction].map(([key, e]) => [key, { phi: e.chi2 / e.df, df: e.df }]),
  );
  const entries = Object.values(functions).filter((f) => f.phi > 0);
  if (entries.length < 2) return { phi, df, per };
  const prior = fitScaledChiSquarePrior(
    entries.map((f) => f.phi),
    entries.map((f) => f.df),
  );
  return { phi, df, per, functions, prior: { phi: prior.scale, df: prior.df } };
}

/**
 * Differential hot-function table, sorted by growth of self share (largest increase first; ties by
 * key), one row per function seen on either side.
 *
 * Noise mark: a change is `noise` when |Δ| < max(floorPp, z·√(d·p̄(1−p̄)(1/n_base + 1/n_head))·100),
 * z Bonferroni-corrected over the table's candidate rows (see DiffOptions.z):
 * the pooled two-proportion z-test on sample counts (e.g. Agresti, *Categorical Data Analysis*), with
 * p̄ the function's pooled self share and its variance inflated by the design effect d, because
 * consecutive samples of a profile are correlated (batch means, as in Flegal and Jones, "Batch means
 * and spectral variance estimators in MCMC", Ann. Statist. 2010, measured the inflation). A tracing
 * profile (no `sampleCount`) gets the floor only, unless `dispersion` carries its per-function
 * dispersions and prior (tracing windows): then each function's moderated dispersion on Student t (see
 * Dispersion.functions). One profile per side cannot see run-to-run
 * differences beyond that. A function missing on one side has share 0 there.
 */
export function diffFunctions(base: Profile, head: Profile, options: DiffOptions = {}): FunctionChange[] {
  const floorPp = options.floorPp ?? 1;
  const designEffect = options.designEffect ?? 2;
  const dispersion =
    options.dispersion !== undefined && options.dispersion.df > 0 ? options.dispersion : undefined;
  const baseRows = new Map(summarizeFunctions(base).map((row) => [row.key, row]));
  const headRows = new Map(summarizeFunctions(head).map((row) => [row.key, row]));
  const nBase = base.sampleCount;
  const nHead = head.sampleCount;
  const keys = new Set([...baseRows.keys(), ...headRows.keys()]);
  const candidates = [...keys].filter(
    (key) => Math.max(baseRows.get(key)?.self ?? 0, headRows.get(key)?.self ?? 0) * 100 >= floorPp,
  ).length;
  const tailAlpha = (options.familyAlpha ?? 0.01) / (2 * Math.max(1, candidates));
  const z = options.z ?? standardNormalQuantile(1 - tailAlpha);
  const rows: FunctionChange[] = [];
  for (const key of keys) {
    const b = baseRows.get(key);
    const h = headRows.get(key);
    const frame = (h ?? b)?.frame;
    if (frame === undefined) continue;
    const bs = { self: b?.self ?? 0, total: b?.total ?? 0 };
    const hs = { self: h?.self ?? 0, total: h?.total ?? 0 };
    const selfChangePp = (hs.self - bs.self) * 100;
    let markPp = floorPp;
    if (dispersion?.prior !== undefined && dispersion.per === 'windows') {
      // Tracing: the function's own dispersion moderated towards the prior, on Student t.
      const wb = options.windows?.base ?? 1;
      const wh = options.windows?.head ?? 1;
      const own = dispersion.functions?.[key];
      const d0 = dispersion.prior.df;
      const phi =
        own === undefined || !Number.isFinite(d0)
          ? dispersion.prior.phi
          : (d0 * dispersion.prior.phi + own.df * own.phi) / (d0 + own.df);
      const nu = d0 + (own?.df ?? 0);
      const q =
        options.z ??
        (Number.isFinite(nu) && nu < 1e5
          ? -studentTQuantile(tailAlpha, nu)
          : -standardNormalQuantile(tailAlpha));
      const pooled = (bs.self + hs.self) / 2;
      markPp = Math.max(floorPp, q * Math.sqrt(phi * pooled * (1 - pooled) * (1 / wb + 1 / wh)) * 100);
    } else if (dispersion !== undefined) {
      // Observations per side: samples, or (tracing) the windows merged into it.
      const wb = dispersion.per === 'samples' ? (nBase ?? 0) : (options.windows?.base ?? 1);
      const wh = dispersion.per === 'samples' ? (nHead ?? 0) : (options.windows?.head ?? 1);
      if (wb > 0 && wh > 0) {
        const pooled =
          dispersion.per === 'samples' ? (bs.self * wb + hs.self * wh) / (wb + wh) : (bs.self + hs.self) / 2;
        const variance = dispersion.phi * pooled * (1 - pooled) * (1 / wb + 1 / wh);
        markPp = Math.max(floorPp, z * Math.sqrt(variance) * 100);
      }
    } else if (nBase !== undefined && nHead !== undefined && nBase > 0 && nHead > 0) {
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
