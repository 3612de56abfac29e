/**
 * The vocabulary of perfgate's history (history.json): one entry per default-branch run, each with
 * one point per scenario × metric. Trend charts and change-point detection read it; a push run
 * carries it forward. Contract: /work/briefs/history-contract.md (issue 11).
 */
import type { MetricName } from '../model/metrics.js';

/** Current version of history.json. Bump on a breaking change. */
export const HISTORY_SCHEMA_VERSION = 1;

/** One metric of one scenario in one run: what a trend chart and change-point detection read. */
export interface HistoryPoint {
  readonly scenario: string;
  /** A perfgate metric name, or (imported from github-action-benchmark) any benchmark's name. */
  // The union documents the names perfgate writes; `string` admits imported benchmark names.
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
  readonly metric: MetricName | string;
  /** Unit as printed, e.g. `CPU ms/req`, `req/s`, `ms`, `bytes`. */
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  /** Median over the run's (head) trials, in `unit`. */
  readonly median: number;
  /** Trials behind the median (0 or absent when imported without it). */
  readonly n: number;
  /** Optional [low, high] range shown with the value (e.g. interquartile range), in `unit`. */
  readonly range?: readonly [number, number];
}

/** One run on the default branch (or an imported data point), oldest first in History.entries. */
export interface HistoryEntry {
  /** 40-hex SHA of the commit measured. */
  readonly sha: string;
  /** Branch measured (`main`), when known. */
  readonly branch?: string;
  /** ISO-8601 time the run finished (or the commit time when imported). */
  readonly finishedAt: string;
  /** GitHub run id / run URL when the run was on GitHub. */
  readonly runId?: number;
  readonly runUrl?: string;
  /** Commit facts for the report (message's first line, author, URL), when known. */
  readonly commit?: { readonly message?: string; readonly author?: string; readonly url?: string };
  /** Runner facts (cpu model, cores, OS image) so a changed runner can be seen in a trend. */
  readonly runner?: { readonly cpuModel: string; readonly cores: number; readonly image?: string };
  /** Hash of the normalized config (GateReport.configHash): a changed config breaks comparability. */
  readonly configHash?: string;
  readonly points: readonly HistoryPoint[];
}

/** history.json: the rolling history a push run carries forward (default last 200 entries). */
export interface History {
  readonly schemaVersion: typeof HISTORY_SCHEMA_VERSION;
  readonly tool: 'perfgate';
  /** Oldest first. */
  readonly entries: readonly HistoryEntry[];
}
