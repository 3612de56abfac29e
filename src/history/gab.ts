/**
 * Migration to and from github-action-benchmark: its data.js (or JSON) in as a perfgate History, and
 * a History out as a data.js its dashboard (index.html) shows and the action can keep appending to.
 * Pure: text in, text out.
 */
import type { Better } from '../model/metrics.js';
import { describeIssues, HistoryFormatError } from './history-format-error.js';
import {
  betterOfGabTool,
  GAB_HIGHER_SUITE_SUFFIX,
  GAB_SCRIPT_PREFIX,
  GAB_TOOL_BETTER,
  gabDataSchema,
  parseGabRange,
  type GabData,
  type GabRun,
} from './gab-format.js';
import { HISTORY_SCHEMA_VERSION, type History, type HistoryEntry, type HistoryPoint } from './model.js';

export { exportGab, type ExportGabOptions } from './gab-export.js';
export { GAB_HIGHER_SUITE_SUFFIX, GAB_SCRIPT_PREFIX, GAB_TOOL_BETTER, parseGabRange } from './gab-format.js';

/** Largest data file {@link importGab} reads by default: 20 MiB. */
export const DEFAULT_GAB_MAX_BYTES = 20 * 1024 * 1024;

/** Options of {@link importGab}. */
export interface ImportGabOptions {
  /** Better direction for a tool github-action-benchmark does not list; a listed tool's own wins. */
  readonly better?: Better;
  /** Import only this suite (the action's `name` input, default `Benchmark`). */
  readonly suite?: string;
  /** What the text came from, named in every error (default `data.js`). */
  readonly source?: string;
  /** Largest text accepted, in UTF-8 bytes (default {@link DEFAULT_GAB_MAX_BYTES}). */
  readonly maxBytes?: number;
}

/**
 * Reads github-action-benchmark's `data.js` (`window.BENCHMARK_DATA = {...}`) or the same JSON alone
 * into a History. Each suite is a scenario (named as the suite), each benchmark a point: metric = the
 * benchmark's name, unit as written, median = its value, `n` = 0 (the action keeps no trial count),
 * and a range when its range string is `± h`, `± p%` or `stddev: s` (see `parseGabRange`). Better
 * follows the run's tool (`GAB_TOOL_BETTER`).
 *
 * Entries: one per commit. The action writes one run per suite, so the suites that ran on one commit
 * are merged into one entry; when a suite ran a commit more than once, its latest run (by `date`)
 * wins, as `appendEntry` replaces a re-run. `finishedAt` is the latest run's `date`, and entries are
 * sorted by it, oldest first; an entry's points follow the file's suite order. A benchmark whose value is null (the action's NaN) is left out.
 * @throws HistoryFormatError naming `source` when the text is larger than `maxBytes`, is not JSON
 *   after the `window.BENCHMARK_DATA =` prefix, breaks the data file's shape (the message names each
 *   field's path, e.g. `entries.sync_mpsc[3].date`), names a `suite` the file does not hold (the
 *   message lists those it does), or holds a tool the action does not list while `better` is not given
 *   (the message names the tool and says to pass `better`).
 */
export function importGab(text: string, options: ImportGabOptions = {}): History {
  const source = options.source ?? 'data.js';
  const data = readGabData(text, source, options.maxBytes ?? DEFAULT_GAB_MAX_BYTES);
  const suites = Object.keys(data.entries);
  if (options.suite !== undefined && !suites.includes(options.suite))
    throw new HistoryFormatError(
      `${source}: no suite ${JSON.stringify(options.suite)}; it holds ${suites.map((name) => JSON.stringify(name)).join(', ') || 'none'}`,
    );
  const runs = suites
    .filter((suite) => options.suite === undefined || suite === options.suite)
    .flatMap((suite, order) => (data.entries[suite] ?? []).map((run) => ({ suite, order, run })))
    // A stable sort: runs of the same ms keep the file's order.
    .sort((a, b) => a.run.date - b.run.date);
  const commits = new Map<string, { latest: GabRun; points: Map<string, Ordered> }>();
  for (const { suite, order, run } of runs) {
    const better = betterOfGabTool(run.tool) ?? options.better;
    if (better === undefined)
      throw new HistoryFormatError(
        `${source}: suite ${JSON.stringify(suite)} was written by tool ${JSON.stringify(run.tool)}, which github-action-benchmark does not list (${Object.keys(GAB_TOOL_BETTER).join(', ')}); pass better: 'higher' or 'lower' to say which way is better`,
      );
    const scenario =
      run.tool === 'customBiggerIsBetter' &&
      suite.endsWith(GAB_HIGHER_SUITE_SUFFIX) &&
      suite !== GAB_HIGHER_SUITE_SUFFIX
        ? suite.slice(0, -GAB_HIGHER_SUITE_SUFFIX.length)
        : suite;
    const sha = run.commit.id.toLowerCase();
    const commit = commits.get(sha) ?? { latest: run, points: new Map<string, Ordered>() };
    commit.latest = run;
    for (const bench of run.benches) {
      if (bench.value === null) continue;
      const range = parseGabRange(bench.value, bench.range);
      // A later run of the same suite, or a repeated name, replaces the point in place.
      commit.points.set(JSON.stringify([scenario, bench.name]), {
        order,
        point: {
          scenario,
          metric: bench.name,
          unit: bench.unit,
          better,
          median: bench.value,
          n: 0,
          ...(range === undefined ? {} : { range }),
        },
      });
    }
    // Re-inserted so the map's order is the order of each commit's latest run.
    commits.delete(sha);
    commits.set(sha, commit);
  }
  const entries = [...commits].map(([sha, { latest, points }]) =>
    // Points in the file's suite order (stable: benchmarks keep their run's order), whatever order
    // the suites happened to run in.
    toEntry(
      sha,
      latest,
      [...points.values()].sort((a, b) => a.order - b.order).map(({ point }) => point),
    ),
  );
  return { schemaVersion: HISTORY_SCHEMA_VERSION, tool: 'perfgate', entries };
}

/** A point and the index of its suite in the file. */
interface Ordered {
  readonly order: number;
  readonly point: HistoryPoint;
}

function toEntry(sha: string, run: GabRun, points: HistoryPoint[]): HistoryEntry {
  const message = run.commit.message?.split('\n', 1)[0];
  const author = run.commit.author?.username ?? run.commit.author?.name;
  const { url } = run.commit;
  const commit = {
    ...(message === undefined || message === '' ? {} : { message }),
    ...(author === undefined || author === '' ? {} : { author }),
    ...(url === undefined || url === '' ? {} : { url }),
  };
  return {
    sha,
    finishedAt: new Date(run.date).toISOString(),
    ...(Object.keys(commit).length === 0 ? {} : { commit }),
    points,
  };
}

function readGabData(text: string, source: string, maxBytes: number): GabData {
  if (utf8Length(text, maxBytes) > maxBytes)
    throw new HistoryFormatError(
      `${source}: larger than the ${maxBytes}-byte limit for a github-action-benchmark data file (${text.length} characters)`,
    );
  let json: unknown;
  try {
    json = JSON.parse(stripScript(text));
  } catch (error) {
    throw new HistoryFormatError(
      `${source}: not a github-action-benchmark data file: expected JSON, optionally after "${GAB_SCRIPT_PREFIX.trim()}" (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const parsed = gabDataSchema.safeParse(json);
  if (!parsed.success)
    throw new HistoryFormatError(
      describeIssues(source, 'github-action-benchmark data file', parsed.error.issues),
    );
  return parsed.data;
}

/** The JSON of a data.js: the action's prefix (spacing aside) and a trailing semicolon removed. */
function stripScript(text: string): string {
  const body = text.replace(/^\uFEFF/, '').trim();
  const prefix = /^window\.BENCHMARK_DATA\s*=\s*/.exec(body);
  return prefix === null ? body : body.slice(prefix[0].length).replace(/;$/, '');
}

/** UTF-8 length of `text`, exact up to `limit` (a UTF-16 unit is 1 to 3 bytes). */
function utf8Length(text: string, limit: number): number {
  if (text.length > limit || text.length * 3 <= limit) return text.length;
  return new TextEncoder().encode(text).length;
}
