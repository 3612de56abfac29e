/**
 * Change points over perfgate's history: E-Divisive means (./e-divisive.ts) on every scenario ×
 * metric series, each change point named by the commit that started the new level and the range of
 * commits to look in (issue 11, item 6).
 */
import { eDivisive, E_DIVISIVE_DEFAULTS, type EDivisiveOptions } from './e-divisive.js';
import type { History, HistoryEntry, HistoryPoint } from './model.js';

/** A change point of one scenario × metric series of a History. */
export interface MetricChangePoint {
  readonly scenario: string;
  readonly metric: HistoryPoint['metric'];
  /** Unit of `before` and `after`, as printed (`CPU ms/req`). */
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  /** The first entry of the new level: its commit (40-hex) and when its run finished (ISO-8601). */
  readonly sha: string;
  readonly finishedAt: string;
  /** Entries of the history after that entry (0: the latest push), whether they hold the point or not. */
  readonly pushesAgo: number;
  /** Commit of the series' previous point, so the change lies in previousSha..sha; absent when unknown. */
  readonly previousSha?: string;
  /** Permutation p-value of the split (./e-divisive.ts). */
  readonly pValue: number;
  /** Medians of the segments before and after, in `unit`. */
  readonly before: number;
  readonly after: number;
  /** after/before − 1 (0.11 for a rise of 11%). */
  readonly change: number;
  /**
   * By `better`: a rise of a lower-is-better metric is a regression. Equal medians (only the spread
   * changed) count as a regression: the metric got less predictable.
   */
  readonly direction: 'regression' | 'improvement';
}

/**
 * Change points of every scenario × metric series of `history` (series in the order their points
 * first appear; within a series, oldest first).
 *
 * A series takes each entry's point of that scenario and metric in entry order; an entry without it
 * is skipped (but still counts in `pushesAgo`). A series is cut where the entry's `configHash` or the
 * point's unit changes, and each piece is searched on its own: a changed config (connections,
 * duration, metrics) moves the numbers for a reason that is not the code, so the step at the cut is
 * never reported as a change point. An entry without `configHash` (imported) differs from one with.
 * @param options E-Divisive's options (permutations, pValue, minSize, seed), defaults as there.
 * @throws RangeError for out-of-range options (see {@link eDivisive}).
 */
export function findChangePoints(history: History, options: EDivisiveOptions = {}): MetricChangePoint[] {
  const entries = history.entries;
  const found: MetricChangePoint[] = [];
  for (const piece of seriesPieces(entries)) {
    const values = piece.map(({ point }) => point.median);
    for (const cp of eDivisive(values, options)) {
      const here = piece[cp.index];
      const previous = piece[cp.index - 1];
      if (here === undefined) continue;
      const { point, entryIndex } = here;
      const entry = entries[entryIndex];
      if (entry === undefined) continue;
      found.push({
        scenario: point.scenario,
        metric: point.metric,
        unit: point.unit,
        better: point.better,
        sha: entry.sha,
        finishedAt: entry.finishedAt,
        pushesAgo: entries.length - 1 - entryIndex,
        ...(previous === undefined ? {} : { previousSha: previous.sha }),
        pValue: cp.pValue,
        before: cp.before,
        after: cp.after,
        change: cp.change,
        direction: directionOf(cp.before, cp.after, point.better),
      });
    }
  }
  return found;
}

/**
 * The change points at the newest `withinLast` entries (pushesAgo < withinLast), for a push run
 * that fails on a change point its own push brought. A change point needs `minSize` points after
 * it (default 3), so it shows at the earliest minSize − 1 pushes later: `withinLast: 1` finds
 * nothing with minSize ≥ 2; pass `withinLast: minSize` to fail at the first push that can see it.
 * @throws RangeError unless withinLast is a positive integer.
 */
export function newChangePoints(
  changePoints: readonly MetricChangePoint[],
  options: { readonly withinLast: number },
): MetricChangePoint[] {
  const { withinLast } = options;
  if (!Number.isInteger(withinLast) || withinLast < 1)
    throw new RangeError(`newChangePoints: withinLast must be a positive integer, got ${withinLast}`);
  return changePoints.filter((cp) => cp.pushesAgo < withinLast);
}

/**
 * One line for a change point, the form of issue 11:
 * `cpu_per_request rose 11% at abc1234 (3 pushes ago), commits def5678..abc1234`. "fell" for a drop;
 * "(the latest push)" at 0 and "(1 push ago)" at 1; `abc1234^..abc1234` when the previous commit is
 * unknown. A rise from 0 reads "rose from 0 to 1.5 CPU ms/req".
 */
export function describeChangePoint(cp: MetricChangePoint): string {
  const sha = shortSha(cp.sha);
  const verb = cp.after >= cp.before ? 'rose' : 'fell';
  const amount = Number.isFinite(cp.change)
    ? formatPercent(Math.abs(cp.change))
    : `from ${cp.before} to ${cp.after} ${cp.unit}`;
  const ago =
    cp.pushesAgo === 0 ? 'the latest push' : cp.pushesAgo === 1 ? '1 push ago' : `${cp.pushesAgo} pushes ago`;
  const range = cp.previousSha === undefined ? `${sha}^..${sha}` : `${shortSha(cp.previousSha)}..${sha}`;
  return `${cp.metric} ${verb} ${amount} at ${sha} (${ago}), commits ${range}`;
}

interface SeriesPoint {
  readonly point: HistoryPoint;
  readonly entryIndex: number;
  readonly sha: string;
}

/** Every scenario × metric series, cut where the config hash or unit changes. */
function seriesPieces(entries: readonly HistoryEntry[]): SeriesPoint[][] {
  const open = new Map<string, { pieces: SeriesPoint[][]; configHash: string | undefined }>();
  entries.forEach((entry, entryIndex) => {
    for (const point of entry.points) {
      const key = JSON.stringify([point.scenario, point.metric]);
      const series = open.get(key) ?? { pieces: [], configHash: entry.configHash };
      open.set(key, series);
      const last = series.pieces.at(-1);
      const continues =
        last !== undefined &&
        series.configHash === entry.configHash &&
        last.at(-1)?.point.unit === point.unit;
      const here = { point, entryIndex, sha: entry.sha };
      if (continues) last.push(here);
      else series.pieces.push([here]);
      series.configHash = entry.configHash;
    }
  });
  return [...open.values()].flatMap(({ pieces }) => pieces);
}

function directionOf(
  before: number,
  after: number,
  better: 'higher' | 'lower',
): 'regression' | 'improvement' {
  if (after === before) return 'regression';
  return after > before === (better === 'lower') ? 'regression' : 'improvement';
}

/** 11% from 0.11; one decimal below 10% (4.5%), two significant digits below 1% (0.42%). */
function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  const text =
    percent >= 10 ? percent.toFixed(0) : percent >= 1 ? percent.toFixed(1) : percent.toPrecision(2);
  return `${text.replace(/\.0$/, '')}%`;
}

function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/**
 * The change points a push run with `fail-on-change-point` fails on: regressions of a gated metric
 * first visible at this run (`pushesAgo` < `minSize`, the newest a change point can be: see
 * {@link newChangePoints}).
 * @param gated the gate's metrics (`gate.metrics`).
 */
export function changePointsToFailOn(
  changePoints: readonly MetricChangePoint[],
  gated: readonly string[],
  minSize: number = E_DIVISIVE_DEFAULTS.minSize,
): MetricChangePoint[] {
  return newChangePoints(changePoints, { withinLast: minSize }).filter(
    (cp) => cp.direction === 'regression' && gated.includes(cp.metric),
  );
}
