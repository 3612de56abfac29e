/**
 * What a gate against a stored baseline is given, and how a stored run's files become one. Pure:
 * the adapters read the files (a store folder, a downloaded artifact) and hand over their text.
 */
import type { GateReport } from '../model/results.js';
import type { History } from './model.js';
import { parseHistory } from './history-file.js';
import { parseBaselineFile } from './report-file.js';

/** What a gate against a stored baseline is given (src/run.ts `GateRequest.stored`). */
export interface StoredComparison {
  /**
   * The stored run's result file, validated. Absent when there is none yet or it was refused: head
   * is then measured up to the first look, nothing is compared, and `notice` says why in the
   * report's warnings.
   */
  readonly baseline?: {
    readonly report: GateReport;
    /** Where it was read from, for the report (a path, an artifact of a run). */
    readonly source: string;
    readonly branch?: string;
    readonly runId?: number;
    readonly runUrl?: string;
  };
  /** Why there is no baseline (set when `baseline` is absent), or what was left out of it. */
  readonly notice?: string;
  /** The history the between-run spread is learned from (absent or short: a default spread). */
  readonly history?: History;
  /**
   * The commit the baseline should ideally be (a pull request's base commit, a push's previous
   * commit), 40-hex: the report says how far the stored run's commit is from it.
   */
  readonly expectedSha?: string;
}

/** A stored run's two files as text (absent when the run has none). */
export interface BaselineFiles {
  readonly report?: string;
  readonly history?: string;
}

/**
 * A stored run's files as a baseline for a gate of the config with hash `configHash`, or a notice
 * saying why there is none: no report.json, one that `parseBaselineFile` refuses (corrupt, oversized,
 * another tool or schema version, not complete), or one of another config. A history that cannot
 * be read is left out, its reason in `notice`. Never throws.
 * @param run where the files came from (`source`, named in every notice; `historySource` for the
 *   history, default `history.json of <source>`) and, on GitHub, the run.
 */
export function readBaseline(
  files: BaselineFiles,
  run: { source: string; historySource?: string; runId?: number; runUrl?: string; branch?: string },
  configHash: string,
): StoredComparison {
  let history: History | undefined;
  let historyProblem = '';
  if (files.history !== undefined) {
    try {
      history = parseHistory(files.history, { source: run.historySource ?? `history.json of ${run.source}` });
    } catch (error) {
      historyProblem = `; its history was not used (${messageOf(error)})`;
    }
  }
  const withHistory = history === undefined ? {} : { history };
  if (files.report === undefined)
    return {
      ...withHistory,
      notice: `the stored baseline was refused: ${run.source} holds no report.json. Head was measured and is stored as the new baseline${historyProblem}`,
    };
  let report: GateReport;
  try {
    report = parseBaselineFile(files.report, { source: run.source });
  } catch (error) {
    return {
      ...withHistory,
      notice: `the stored baseline was refused: ${messageOf(error)}. Head was measured and is stored as the new baseline${historyProblem}`,
    };
  }
  if (report.configHash !== configHash)
    return {
      ...withHistory,
      notice:
        `the stored baseline of ${run.source} was measured with another config (hash ${report.configHash.slice(0, 12)}, ` +
        `this one ${configHash.slice(0, 12)}), so its numbers are not comparable. Head was measured and is stored as the new baseline${historyProblem}`,
    };
  return {
    ...withHistory,
    baseline: {
      report,
      source: run.source,
      ...(run.branch === undefined ? {} : { branch: run.branch }),
      ...(run.runId === undefined ? {} : { runId: run.runId }),
      ...(run.runUrl === undefined ? {} : { runUrl: run.runUrl }),
    },
    ...(historyProblem === '' ? {} : { notice: historyProblem.replace(/^; /, '') }),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
