/**
 * The history part of a push run's job summary (stored baselines, docs/stored-baselines.md): change
 * points over the branch's history, then the gated metrics' trend charts.
 */
import type { History } from '../history/model.js';
import { describeChangePoint, type MetricChangePoint } from '../history/change-points.js';
import { escapeMarkdown, markdownCode } from './escape-markdown.js';
import { renderTrends } from './render-trends.js';

/** What {@link renderHistorySection} shows. */
export interface HistorySectionOptions {
  /** The branch the history is of (`main`), for the heading. */
  readonly branch?: string;
  /** Metrics whose trends are charted (the gate's metrics), in this order. */
  readonly metrics: readonly string[];
  /** Change points found over `history` (src/history/change-points.ts), any order. */
  readonly changePoints: readonly MetricChangePoint[];
  /** Runs charted (default 30, renderTrends'). */
  readonly last?: number;
}

/**
 * Markdown: `## perfgate: history of main` with one line per change point of the charted metrics
 * (newest first, regressions marked), "no change point" when none, then the trend charts. Names
 * from the history (scenarios, commits, branch) are escaped.
 * @throws RangeError from renderTrends when `last` is not a positive integer.
 */
export function renderHistorySection(history: History, options: HistorySectionOptions): string {
  const heading = `## perfgate: history${options.branch === undefined ? '' : ` of ${markdownCode(options.branch)}`}`;
  const charted = new Set(options.metrics);
  const points = options.changePoints
    .filter((cp) => charted.has(cp.metric))
    .sort((a, b) => a.pushesAgo - b.pushesAgo);
  const runs = history.entries.length;
  const changes =
    points.length === 0
      ? `No change point in ${runs} run${runs === 1 ? '' : 's'} (E-Divisive means, p ≤ 0.01; a step needs 3 runs after it to show).`
      : [
          `Change points (E-Divisive means, p ≤ 0.01; a step needs 3 runs after it to show):`,
          '',
          ...points.map(
            (cp) =>
              `- ${cp.direction === 'regression' ? '**regression**' : 'improvement'}: ${markdownCode(cp.scenario)} ${escapeMarkdown(describeChangePoint(cp))}`,
          ),
        ].join('\n');
  const trends = renderTrends(history, {
    metrics: options.metrics,
    ...(options.last === undefined ? {} : { last: options.last }),
  });
  return [heading, changes, trends].join('\n\n');
}
