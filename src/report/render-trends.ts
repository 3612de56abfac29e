/**
 * Trend charts from a History: per scenario × metric a Mermaid line chart (GitHub draws it in a
 * comment or job summary) and a table of the same numbers, which also reads where Mermaid does not.
 */
import type { History, HistoryEntry, HistoryPoint } from '../history/model.js';
import type { MetricName } from '../model/metrics.js';
import { escapeMarkdown, markdownCode } from './escape-markdown.js';
import { formatSignificant } from './format-number.js';
import { markdownTable } from './markdown-table.js';
import { niceAxisTop, renderXyChart, uniqueLabels } from './mermaid-xychart.js';

/** Runs {@link renderTrends} shows by default. */
export const DEFAULT_TREND_RUNS = 30;

/** Options of {@link renderTrends}. */
export interface TrendOptions {
  /** Metrics to chart, in this order (default: every metric, in order of first appearance). */
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- names perfgate writes, or imported ones
  readonly metrics?: readonly (MetricName | string)[];
  /** How many of the newest runs to show (default {@link DEFAULT_TREND_RUNS}). */
  readonly last?: number;
  /** Chart only this scenario (default: every scenario, in order of first appearance). */
  readonly scenario?: string;
}

/** One run's value in a series, with its x label. */
interface TrendRow {
  readonly label: string;
  readonly entry: HistoryEntry;
  readonly point: HistoryPoint;
}

/**
 * Markdown trend charts of the last `last` runs of `history` (oldest first): per scenario × metric a
 * `####` heading, a Mermaid `xychart-beta` line chart and a table (commit, date in UTC, value,
 * range). The chart's title names scenario, metric, unit and which way is better; its y axis starts
 * at 0 when no value is negative, so a step reads at its true size. x labels are short SHAs, a
 * repeated commit (a re-run) labelled `abc1234 (2)`. Runs without the point, or whose point is in
 * another unit than the newest one, are left out (a chart has no gaps) and the note under the table
 * counts them. A series with one run gets the table only. Scenario and metric names are escaped.
 * @throws RangeError when `last` is not a positive integer.
 */
export function renderTrends(history: History, options: TrendOptions = {}): string {
  const last = options.last ?? DEFAULT_TREND_RUNS;
  if (!Number.isInteger(last) || last < 1)
    throw new RangeError(`trends: last must be a positive integer, got ${last}`);
  const entries = history.entries.slice(-last);
  if (entries.length === 0)
    return '_No runs in the history yet: a trend starts with the first recorded run._';
  const points = entries.flatMap((entry) => entry.points);
  const scenarios = [...new Set(points.map((point) => point.scenario))].filter(
    (scenario) => options.scenario === undefined || scenario === options.scenario,
  );
  const sections = scenarios.flatMap((scenario) => {
    const present = [...new Set(points.filter((p) => p.scenario === scenario).map((p) => p.metric))];
    const metrics =
      options.metrics === undefined ? present : options.metrics.filter((m) => present.includes(m));
    return metrics.map((metric) => renderSeries(entries, scenario, metric)).filter((text) => text !== '');
  });
  const runs = `${entries.length} run${entries.length === 1 ? '' : 's'}`;
  if (sections.length === 0)
    return `_No points${options.scenario === undefined ? '' : ` of scenario ${markdownCode(options.scenario)}`}${options.metrics === undefined ? '' : ` for ${options.metrics.map(markdownCode).join(', ')}`} in the last ${runs}._`;
  return [
    `_The last ${runs}, oldest first; each table holds the numbers its chart draws._`,
    ...sections,
  ].join('\n\n');
}

function renderSeries(entries: readonly HistoryEntry[], scenario: string, metric: string): string {
  const found = entries.flatMap((entry) =>
    entry.points
      .filter((point) => point.scenario === scenario && point.metric === metric)
      .slice(-1)
      .map((point) => ({ entry, point })),
  );
  const newest = found.at(-1)?.point;
  if (newest === undefined) return '';
  const kept = found.filter(({ point }) => point.unit === newest.unit);
  const labels = uniqueLabels(kept.map(({ entry }) => entry.sha.slice(0, 7)));
  const rows: TrendRow[] = kept.map((row, index) => ({ ...row, label: labels[index] ?? row.entry.sha }));
  const { unit, better } = newest;
  const heading = `#### ${escapeMarkdown(scenario)} · ${escapeMarkdown(metric)}`;
  const values = rows.map(({ point }) => point.median);
  const chart =
    rows.length < 2
      ? '_One run so far: a chart needs 2 runs._'
      : renderXyChart({
          title: `${scenario}: ${metric} (${unit === '' ? '' : `${unit}, `}${better} is better)`,
          xLabels: rows.map(({ label }) => label),
          yTitle: unit,
          values,
          ...(values.every((value) => value >= 0) ? { yRange: [0, niceAxisTop(Math.max(...values))] } : {}),
        });
  const valueHeader = unit === '' ? 'value' : `value (${escapeMarkdown(unit)})`;
  const table = markdownTable(
    ['commit', 'date (UTC)', valueHeader, 'range'],
    rows.map(({ label, entry, point }) => [
      markdownCode(label),
      formatDate(entry.finishedAt),
      formatSignificant(point.median),
      point.range === undefined
        ? '—'
        : `${formatSignificant(point.range[0])} – ${formatSignificant(point.range[1])}`,
    ]),
    [false, false, true, true],
  );
  const note = describeLeftOut(entries.length - found.length, found.length - kept.length, metric, unit);
  return [heading, chart, table, ...(note === '' ? [] : [note])].join('\n\n');
}

/** The note on runs a series leaves out, or '' when none is. */
function describeLeftOut(missing: number, otherUnit: number, metric: string, unit: string): string {
  const runs = (count: number): string => `${count} run${count === 1 ? '' : 's'}`;
  const parts = [
    ...(missing > 0 ? [`${runs(missing)} without ${markdownCode(metric)}`] : []),
    ...(otherUnit > 0 ? [`${runs(otherUnit)} in another unit than ${markdownCode(unit)}`] : []),
  ];
  return parts.length === 0 ? '' : `_Left out: ${parts.join('; ')}._`;
}

/** `2026-12-01 10:00` (UTC) of an ISO-8601 time; the text itself when it does not parse. */
function formatDate(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? escapeMarkdown(iso) : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
