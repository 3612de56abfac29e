/**
 * A perfgate History out as github-action-benchmark's data.js (see `exportGab`). Pure: value in, text out.
 */
import { historySchema } from './history-file.js';
import { describeIssues, HistoryFormatError } from './history-format-error.js';
import { GAB_HIGHER_SUITE_SUFFIX, GAB_SCRIPT_PREFIX } from './gab-format.js';
import type { History, HistoryPoint } from './model.js';

/** Options of {@link exportGab}. */
export interface ExportGabOptions {
  /** Export only this scenario (its one or two suites). */
  readonly suite?: string;
}

/** One suite run as {@link exportGab} writes it: the fields the action's index.html and write.ts read. */
interface GabRunOut {
  readonly commit: {
    readonly author: { readonly username?: string };
    readonly committer: { readonly username: string };
    readonly id: string;
    readonly message: string;
    readonly timestamp: string;
    readonly url: string;
  };
  readonly date: number;
  readonly tool: 'customSmallerIsBetter' | 'customBiggerIsBetter';
  readonly benches: readonly {
    readonly name: string;
    readonly value: number;
    readonly unit: string;
    readonly range?: string;
    readonly extra?: string;
  }[];
}

/**
 * A History as github-action-benchmark's data.js: `window.BENCHMARK_DATA = ` and 2-space JSON, byte
 * for byte as the action writes it (its `storeDataJs`), so its index.html shows it and the action can
 * keep appending to it.
 *
 * A suite of the action has one tool, and the tool decides which way is better, so each scenario
 * becomes up to two suites: `<scenario>` (`customSmallerIsBetter`, its lower-is-better metrics) and
 * `<scenario> (higher is better)` (`customBiggerIsBetter`), which `importGab` (gab.ts) reads back under
 * the scenario's name. Per entry and suite one run: `commit.id` = sha, `message` = the commit's
 * message or '', `timestamp` = `finishedAt` (the commit time is not in a History),
 * `committer.username` = the commit's author or `unknown` (index.html prints it), `url` = the
 * commit's URL or the run's, `date` = `finishedAt` in ms. Each point is a bench: value = median; range
 * = `± h`, the smallest half-width around the median that covers the point's `[low, high]`, to 10
 * significant digits (the action's ranges are symmetric; the rounding drops binary noise such as
 * 0.06000000000000005); extra = the trial count and the exact range. `lastUpdate` is the
 * newest `finishedAt` (no clock is read), `repoUrl` the repository of the first GitHub commit URL, or ''.
 * Entries of one sha with several runs are all written; `importGab` (gab.ts) keeps the latest.
 * @throws HistoryFormatError when `history` breaks the history schema.
 * @throws RangeError when `suite` names no scenario of the history.
 */
export function exportGab(history: History, options: ExportGabOptions = {}): string {
  const parsed = historySchema.safeParse(history);
  if (!parsed.success)
    throw new HistoryFormatError(describeIssues('history', 'perfgate history', parsed.error.issues));
  const scenarios = [
    ...new Set(history.entries.flatMap((entry) => entry.points.map((point) => point.scenario))),
  ];
  if (options.suite !== undefined && !scenarios.includes(options.suite))
    throw new RangeError(
      `the history has no scenario ${JSON.stringify(options.suite)}; it has ${scenarios.map((name) => JSON.stringify(name)).join(', ') || 'none'}`,
    );
  const repoUrl =
    history.entries.map((entry) => repositoryOf(entry.commit?.url)).find((url) => url !== '') ?? '';
  const suites: Record<string, GabRunOut[]> = {};
  let lastUpdate = 0;
  for (const entry of history.entries) {
    const date = Date.parse(entry.finishedAt);
    lastUpdate = Math.max(lastUpdate, date);
    const bySuite = new Map<string, HistoryPoint[]>();
    for (const point of entry.points) {
      if (options.suite !== undefined && point.scenario !== options.suite) continue;
      const suite =
        point.better === 'higher' ? `${point.scenario}${GAB_HIGHER_SUITE_SUFFIX}` : point.scenario;
      bySuite.set(suite, [...(bySuite.get(suite) ?? []), point]);
    }
    for (const [suite, points] of bySuite) {
      const better = points[0]?.better ?? 'lower';
      (suites[suite] ??= []).push({
        commit: {
          author: entry.commit?.author === undefined ? {} : { username: entry.commit.author },
          committer: { username: entry.commit?.author ?? 'unknown' },
          id: entry.sha,
          message: entry.commit?.message ?? '',
          timestamp: entry.finishedAt,
          url: entry.commit?.url ?? entry.runUrl ?? (repoUrl === '' ? '' : `${repoUrl}/commit/${entry.sha}`),
        },
        date,
        tool: better === 'higher' ? 'customBiggerIsBetter' : 'customSmallerIsBetter',
        benches: points.map(toBench),
      });
    }
  }
  return GAB_SCRIPT_PREFIX + JSON.stringify({ lastUpdate, repoUrl, entries: suites }, null, 2);
}

function toBench(point: HistoryPoint): GabRunOut['benches'][number] {
  const { range, n } = point;
  const facts = [
    ...(n > 0 ? [`${n} trial${n === 1 ? '' : 's'}`] : []),
    ...(range === undefined ? [] : [`range ${range[0]} to ${range[1]} ${point.unit}`.trimEnd()]),
  ];
  return {
    name: point.metric,
    value: point.median,
    unit: point.unit,
    ...(range === undefined
      ? {}
      : {
          range: `± ${Number(Math.max(point.median - range[0], range[1] - point.median, 0).toPrecision(10))}`,
        }),
    ...(facts.length === 0 ? {} : { extra: facts.join('\n') }),
  };
}

/** `https://github.com/o/r` of a `https://github.com/o/r/commit/<sha>` URL, or ''. */
function repositoryOf(url: string | undefined): string {
  return /^(https:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+)\/commit\/[0-9a-f]+$/i.exec(url ?? '')?.[1] ?? '';
}
