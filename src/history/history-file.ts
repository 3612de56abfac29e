/**
 * history.json in and out: its schema, the reader that refuses what it cannot trust, the rolling
 * append, the stable writer, and the entry a finished gate adds. Pure: text in, text out.
 */
import { z } from 'zod';
import { HTTP_METRICS, METRICS } from '../model/metrics.js';
import type { GateReport } from '../model/results.js';
import { median } from '../stats/median.js';
import { describeIssues, HistoryFormatError } from './history-format-error.js';
import { HISTORY_SCHEMA_VERSION, type History, type HistoryEntry, type HistoryPoint } from './model.js';
import { quartiles } from './quartiles.js';

/** Largest history.json {@link parseHistory} reads by default: 20 MiB (200 entries need far less). */
export const DEFAULT_HISTORY_MAX_BYTES = 20 * 1024 * 1024;

/** Entries {@link appendEntry} keeps by default. */
export const DEFAULT_HISTORY_LIMIT = 200;

const sha = z.string().regex(/^[0-9a-f]{40}$/, 'expected a 40-hex lowercase commit SHA');
const finite = z.number().refine(Number.isFinite, 'expected a finite number');

const pointSchema = z.object({
  scenario: z.string().min(1),
  metric: z.string().min(1),
  unit: z.string(),
  better: z.enum(['higher', 'lower']),
  median: finite,
  n: z.number().int().nonnegative(),
  range: z
    .tuple([finite, finite])
    .refine(([low, high]) => low <= high, 'expected [low, high] with low ≤ high')
    .optional(),
});

const entrySchema = z.object({
  sha,
  branch: z.string().optional(),
  finishedAt: z.iso.datetime({ offset: true }),
  runId: z.number().int().positive().optional(),
  runUrl: z.string().optional(),
  commit: z
    .object({ message: z.string().optional(), author: z.string().optional(), url: z.string().optional() })
    .optional(),
  runner: z
    .object({ cpuModel: z.string(), cores: z.number().int().nonnegative(), image: z.string().optional() })
    .optional(),
  configHash: z.string().optional(),
  points: z.array(pointSchema),
});

/**
 * The schema of history.json (zod 4). Unknown keys are dropped rather than refused, so a file written
 * by a later perfgate of the same `schemaVersion` (which only adds optional fields) still reads.
 */
export const historySchema: z.ZodType<History> = z.object({
  schemaVersion: z.literal(HISTORY_SCHEMA_VERSION),
  tool: z.literal('perfgate'),
  entries: z.array(entrySchema),
});

/** Options of {@link parseHistory}. */
export interface ParseHistoryOptions {
  /** Largest text accepted, in UTF-8 bytes (default {@link DEFAULT_HISTORY_MAX_BYTES}). */
  readonly maxBytes?: number;
  /** What the text came from, named in every error (default `history.json`). */
  readonly source?: string;
}

/**
 * Reads history.json text. The text is untrusted (it comes from an artifact or a branch), so its
 * size is checked before it is parsed and every field is validated.
 * @throws HistoryFormatError naming `source` when the text is larger than `maxBytes`, is not JSON, is
 *   not a perfgate history (`tool`), has a `schemaVersion` other than {@link HISTORY_SCHEMA_VERSION}
 *   (the message says which it found and which this perfgate reads), or breaks the schema (the
 *   message names each field's path, e.g. `entries[3].points[0].median`).
 */
export function parseHistory(text: string, options: ParseHistoryOptions = {}): History {
  const source = options.source ?? 'history.json';
  const maxBytes = options.maxBytes ?? DEFAULT_HISTORY_MAX_BYTES;
  // Counted before JSON.parse, so an oversized file costs no parse.
  if (utf8Length(text, maxBytes) > maxBytes)
    throw new HistoryFormatError(
      `${source}: larger than the ${maxBytes}-byte limit for a history file (${text.length} characters)`,
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new HistoryFormatError(
      `${source}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new HistoryFormatError(`${source}: not a perfgate history file: expected a JSON object`);
  const tool: unknown = Reflect.get(json, 'tool');
  if (tool !== 'perfgate')
    throw new HistoryFormatError(
      `${source}: not a perfgate history file: "tool" is ${describeJson(tool)}, expected "perfgate"`,
    );
  const version: unknown = Reflect.get(json, 'schemaVersion');
  if (version !== HISTORY_SCHEMA_VERSION)
    throw new HistoryFormatError(
      `${source}: history schemaVersion ${describeJson(version)} found; this perfgate reads schemaVersion ${HISTORY_SCHEMA_VERSION}`,
    );
  const parsed = historySchema.safeParse(json);
  if (!parsed.success)
    throw new HistoryFormatError(describeIssues(source, 'perfgate history', parsed.error.issues));
  return parsed.data;
}

/** A JSON value briefly, for a message: `"junit"`, `2`, `missing`. */
function describeJson(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * UTF-8 length of `text`, exact up to `limit` (each UTF-16 unit is 1 to 3 bytes, so the exact count
 * is needed only between `text.length` and three times that).
 */
function utf8Length(text: string, limit: number): number {
  if (text.length > limit || text.length * 3 <= limit) return text.length;
  return new TextEncoder().encode(text).length;
}

/**
 * Adds `entry` as the newest entry and keeps the last `limit`. An entry of the same commit and run
 * (`sha` and `runId`, both absent counting as equal: a re-run attempt) is replaced, not duplicated.
 * @param history the history so far, or `undefined` for the first run.
 * @throws RangeError when `limit` is not a positive integer.
 */
export function appendEntry(
  history: History | undefined,
  entry: HistoryEntry,
  limit: number = DEFAULT_HISTORY_LIMIT,
): History {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`history limit must be a positive integer, got ${limit}`);
  const kept = (history?.entries ?? []).filter(
    (old) => !(old.sha === entry.sha && old.runId === entry.runId),
  );
  return {
    schemaVersion: HISTORY_SCHEMA_VERSION,
    tool: 'perfgate',
    entries: [...kept, entry].slice(-limit),
  };
}

/**
 * history.json text: validated, keys in schema order whatever order the objects were built in,
 * 2-space indented, with a final newline, so the same history always renders to the same bytes.
 * @throws HistoryFormatError when `history` breaks the schema (perfgate never writes a file it could
 *   not read back).
 */
export function renderHistory(history: History): string {
  const parsed = historySchema.safeParse(history);
  if (!parsed.success)
    throw new HistoryFormatError(describeIssues('history', 'perfgate history', parsed.error.issues));
  return `${JSON.stringify(parsed.data, null, 2)}\n`;
}

/** Facts about the run that the report does not carry. */
export interface RunFacts {
  readonly branch?: string;
  readonly runId?: number;
  readonly runUrl?: string;
  readonly commit?: HistoryEntry['commit'];
}

/**
 * The history entry of a finished gate: per scenario (in the report's order) × metric (in
 * `HTTP_METRICS` order), the median and interquartile range (type 7 quartiles, as R) of head's trials
 * that were not set aside, with the metric's unit and better direction from `METRICS`. Values that are
 * not finite are left out; a metric with none left has no point. `sha` is head's, `finishedAt` the
 * report's; runner and config hash come from the report.
 * @throws Error when the report's status is not `complete`: a failed or interrupted gate measured
 *   only part of its trials, and its medians would read as a change in the trend.
 */
export function historyEntryFromReport(report: GateReport, facts: RunFacts = {}): HistoryEntry {
  if (report.status !== 'complete')
    throw new Error(`only a complete gate is recorded in the history; this one is ${report.status}`);
  const trials = report.trials.filter((trial) => trial.side === 'head' && trial.discarded === undefined);
  const scenarios = [
    ...new Set([
      ...report.scenarios.map((scenario) => scenario.name),
      ...trials.map((trial) => trial.scenario),
    ]),
  ];
  const points: HistoryPoint[] = scenarios.flatMap((scenario) => {
    const readings = trials.filter((trial) => trial.scenario === scenario);
    return HTTP_METRICS.flatMap((metric): HistoryPoint[] => {
      const values = readings.map((trial) => trial.metrics[metric]).filter(Number.isFinite);
      if (values.length === 0) return [];
      const { unit, better } = METRICS[metric];
      return [
        {
          scenario,
          metric,
          unit,
          better,
          median: median(values),
          n: values.length,
          range: quartiles(values),
        },
      ];
    });
  });
  const { cpuModel, cores, image } = report.runner;
  return {
    sha: report.head.sha,
    ...(facts.branch === undefined ? {} : { branch: facts.branch }),
    finishedAt: report.finishedAt,
    ...(facts.runId === undefined ? {} : { runId: facts.runId }),
    ...(facts.runUrl === undefined ? {} : { runUrl: facts.runUrl }),
    ...(facts.commit === undefined ? {} : { commit: facts.commit }),
    runner: { cpuModel, cores, ...(image === undefined ? {} : { image }) },
    configHash: report.configHash,
    points,
  };
}
