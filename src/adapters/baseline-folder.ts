/**
 * A folder of stored results (`perfgate run --baseline stored --store DIR`): every stored run's
 * result file and the rolling history, so baselines can live outside GitHub.
 *
 * Layout (docs/stored-baselines.md):
 * - `DIR/runs/<finished, 20261203T121500Z>-<short sha>/report.json`: each stored run's report;
 * - `DIR/history.json`: the history (src/history/history-file.ts), one entry per stored run, the
 *   last 200 kept (DEFAULT_HISTORY_LIMIT).
 */
import { readdir, readFile, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { GateReport } from '../model/results.js';
import type { History } from '../history/model.js';
import { readBaseline, type StoredComparison } from '../history/read-baseline.js';
import {
  appendEntry,
  DEFAULT_HISTORY_LIMIT,
  historyEntryFromReport,
  parseHistory,
  renderHistory,
} from '../history/history-file.js';
import { renderJson } from '../report/index.js';
import { describeError } from '../errors.js';
import { createResultStore } from './result-store.js';

/** What {@link BaselineFolder.add} wrote. */
export interface StoredRun {
  /** Absolute path of the run's report.json in the folder. */
  readonly reportPath: string;
  /** Entries in the history after this run was added. */
  readonly historyEntries: number;
  /** Things the user should know (a history file that could not be read was set aside). */
  readonly warnings: readonly string[];
  /** The history as written, this run its newest entry. */
  readonly history: History;
}

/** A store folder's baseline and history, and how a finished run is added. */
export interface BaselineFolder {
  /** Absolute path of the folder. */
  readonly dir: string;
  /**
   * The newest stored run as the baseline for a gate of the config with hash `configHash`, with the
   * history. Never throws for what the folder holds: no folder or no run yet, a result file that
   * is corrupt, oversized, of another schema version or of another config, are each a `notice`
   * (the gate then measures head and stores it as the next baseline). A history that cannot be
   * read is left out with its reason in `notice`.
   * @throws Error only for I/O failures other than a missing folder (permissions).
   */
  read(configHash: string): Promise<StoredComparison>;
  /**
   * Stores a complete run: its report.json under `runs/`, and its entry appended to history.json
   * (a history file that cannot be read is renamed `history.json.unreadable-<time>` and a new one
   * started, with a warning). Takes the folder's lock while it writes.
   * @throws Error when the report is not complete (a partial run is never a baseline), or the
   *   folder cannot be written (ConfigError naming it) or is locked by another run.
   */
  add(report: GateReport): Promise<StoredRun>;
  /**
   * The folder's history, or undefined when it has none yet.
   * @throws HistoryFormatError naming history.json when it cannot be read as a history.
   */
  history(): Promise<History | undefined>;
  /**
   * Replaces history.json with `history` (an import), under the folder's lock.
   * @throws ConfigError when the folder cannot be written or another run holds it.
   */
  replaceHistory(history: History): Promise<string>;
}

/** The store folder at `dir` (resolved against the current directory); nothing is read until used. */
export function createBaselineFolder(dir: string): BaselineFolder {
  const root = resolve(dir);
  const runsDir = join(root, 'runs');
  const historyPath = join(root, 'history.json');

  /** history.json's text, or undefined when there is none. */
  const historyText = (): Promise<string | undefined> =>
    readFile(historyPath, 'utf8').catch((error: unknown) => {
      if (codeOf(error) === 'ENOENT') return undefined;
      throw error;
    });

  return {
    dir: root,
    async read(configHash) {
      const names = await readdir(runsDir).catch((error: unknown) => {
        if (codeOf(error) === 'ENOENT') return [] as string[];
        throw error;
      });
      const history = await historyText();
      const newest = names
        .filter((name) => RUN_NAME.test(name))
        .sort()
        .at(-1);
      if (newest === undefined) {
        let parsed: History | undefined;
        let problem: string | undefined;
        if (history !== undefined) {
          try {
            parsed = parseHistory(history, { source: historyPath });
          } catch (error) {
            problem = describeError(error);
          }
        }
        return {
          ...(parsed === undefined ? {} : { history: parsed }),
          notice:
            `no baseline yet in ${root}: head was measured and is stored as the first baseline; ` +
            `the next run with --baseline stored compares against it` +
            (problem === undefined ? '' : `; the history was not used (${problem})`),
        };
      }
      const source = join(runsDir, newest, 'report.json');
      const report = await readFile(source, 'utf8');
      return readBaseline(
        { report, ...(history === undefined ? {} : { history }) },
        { source, historySource: historyPath },
        configHash,
      );
    },
    async add(report) {
      const entry = historyEntryFromReport(report);
      const store = createResultStore(root);
      await store.open();
      try {
        const warnings: string[] = [];
        const names = new Set(await readdir(runsDir).catch(() => [] as string[]));
        const stamp = report.finishedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
        const base = `${stamp}-${report.head.sha.slice(0, 7)}`;
        let name = base;
        for (let n = 2; names.has(name); n += 1) name = `${base}-${n}`;
        const reportPath = await store.write(`runs/${name}/report.json`, renderJson(report));
        const text = await historyText();
        let history: History | undefined;
        if (text !== undefined) {
          try {
            history = parseHistory(text, { source: historyPath });
          } catch (error) {
            const aside = `${historyPath}.unreadable-${stamp}`;
            await rename(historyPath, aside);
            warnings.push(`${describeError(error)}; it was renamed ${aside} and a new history started`);
          }
        }
        const next = appendEntry(history, entry, DEFAULT_HISTORY_LIMIT);
        await store.write('history.json', renderHistory(next));
        return { reportPath, historyEntries: next.entries.length, warnings, history: next };
      } finally {
        await store.close();
      }
    },
    async history() {
      const text = await historyText();
      return text === undefined ? undefined : parseHistory(text, { source: historyPath });
    },
    async replaceHistory(history) {
      const store = createResultStore(root);
      await store.open();
      try {
        return await store.write('history.json', renderHistory(history));
      } finally {
        await store.close();
      }
    },
  };
}

/** A run folder's name: `<yyyymmddThhmmssZ>-<7 hex>` with an optional `-<n>` for runs in one second. */
const RUN_NAME = /^\d{8}T\d{6}Z-[0-9a-f]{7}(-\d+)?$/;

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
