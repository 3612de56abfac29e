import type { Comparison, ErrorRuling, TrialReading, Verdict } from '../model/results.js';
import { formatChange, formatInterval } from './format-change.js';
import { formatBytes, formatPercent, formatSignificant, groupThousands } from './format-number.js';
import { formatValue } from './format-value.js';
import { metricLabel, type InlineFormat } from './inline-format.js';

/** One comparison as table cells, before a renderer decorates the gated mark and the verdict. */
export interface ComparisonCells {
  readonly metric: string;
  readonly gated: boolean;
  readonly base: string;
  readonly head: string;
  /** Signed percentage (or `pp`), `~`-prefixed when the comparison is not significant. */
  readonly change: string;
  readonly interval: string;
  readonly verdict: Verdict;
  /** What errors decided, when they did: the renderer words the verdict cell after it. */
  readonly errors: ErrorRuling['effect'] | undefined;
}

/**
 * Formats one comparison's cells: medians with units, change, confidence interval, from the
 * comparison's own fields (its `significant`, `scale`), never re-deciding anything.
 */
export function describeComparison(comparison: Comparison, inline: InlineFormat): ComparisonCells {
  return {
    metric: metricLabel(comparison.metric, inline),
    gated: comparison.gated,
    base: formatValue(comparison.metric, comparison.baseMedian),
    head: formatValue(comparison.metric, comparison.headMedian),
    change: formatChange(comparison.change, {
      significant: comparison.significant,
      scale: comparison.scale,
    }),
    interval: comparison.errors?.effect === 'voids' ? '—' : formatInterval(comparison.ci, comparison.scale),
    verdict: comparison.verdict,
    errors: comparison.errors?.effect,
  };
}

/** Headers of the per-trial table, matching `describeTrial`. */
export const TRIAL_HEADERS = [
  'pair',
  'order',
  'side',
  'req/s',
  'p50 ms',
  'p99 ms',
  'CPU ms/req',
  'RSS',
  'errors',
  'steal',
] as const;

/** Whether each per-trial column holds numbers (right-aligned). */
export const TRIAL_NUMERIC = [true, false, false, true, true, true, true, true, true, true] as const;

/** One trial reading as cells under TRIAL_HEADERS (units in the headers). Pairs are numbered from 1. */
export function describeTrial(trial: TrialReading): readonly string[] {
  return [
    String(trial.pair + 1),
    (trial.position === 0 ? '1st' : '2nd') + (trial.discarded === undefined ? '' : ' (set aside)'),
    trial.side,
    groupThousands(trial.metrics.throughput),
    formatSignificant(trial.metrics.latency_p50),
    formatSignificant(trial.metrics.latency_p99),
    formatSignificant(trial.metrics.cpu_per_request),
    formatBytes(trial.metrics.rss_peak),
    groupThousands(trial.errors),
    formatPercent(trial.stealFraction),
  ];
}

/** A warning and the metrics it was raised for: the same text on several metrics is shown once. */
export interface GroupedWarning {
  readonly text: string;
  readonly metrics: readonly string[];
}

/** Groups the comparisons' warnings by text, in first-seen order. */
export function groupWarnings(
  comparisons: readonly Comparison[],
  inline: InlineFormat,
): readonly GroupedWarning[] {
  const groups = new Map<string, string[]>();
  for (const comparison of comparisons) {
    for (const warning of comparison.warnings) {
      const metrics = groups.get(warning) ?? [];
      metrics.push(metricLabel(comparison.metric, inline));
      groups.set(warning, metrics);
    }
  }
  return [...groups].map(([text, metrics]) => ({ text: inline.text(text), metrics }));
}

/**
 * Every trial's warnings, and why a set-aside trial was measured again, prefixed with where they
 * were seen: `pair 3, head: ...`.
 */
export function listTrialWarnings(trials: readonly TrialReading[], inline: InlineFormat): readonly string[] {
  return trials.flatMap((trial) => {
    const where = `pair ${trial.pair + 1}, ${trial.side}`;
    const setAside =
      trial.discarded === undefined
        ? []
        : [`${where}: set aside and measured again (${inline.text(trial.discarded)})`];
    return [...setAside, ...trial.warnings.map((warning) => `${where}: ${inline.text(warning)}`)];
  });
}
