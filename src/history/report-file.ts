/**
 * report.json read back as a stored baseline: the reader that refuses what it cannot trust, the
 * trials a baseline contributes, and the facts a report says about it (commit, age, runner). Pure:
 * text in, values out.
 */
import type { z } from 'zod';
import {
  REPORT_SCHEMA_VERSION,
  type GateReport,
  type RunnerFacts,
  type TrialReading,
} from '../model/results.js';
import { formatKeyPath } from './history-format-error.js';
import { locateJsonError } from './locate-json-error.js';
import { reportSchema } from './report-schema.js';

/** Largest report.json {@link parseReportFile} reads by default: 64 MiB (a 200-trial report with profiles is under 1 MiB). */
export const DEFAULT_REPORT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Why a result file was refused: `oversized`, `not-json`, `not-perfgate` (another tool's JSON),
 * `older-schema` / `newer-schema` (a `schemaVersion` this perfgate does not read), `invalid` (breaks
 * the schema), `unusable` (a valid report of a run that did not complete: no baseline).
 */
export type ReportFileProblem =
  'oversized' | 'not-json' | 'not-perfgate' | 'older-schema' | 'newer-schema' | 'invalid' | 'unusable';

/**
 * Thrown when a result file cannot be read as a baseline; `message` names the file and says what to
 * do, `problem` says which refusal it is (a caller may, say, treat `older-schema` as "no baseline yet").
 */
export class ReportFileError extends Error {
  override readonly name = 'ReportFileError';

  constructor(
    readonly problem: ReportFileProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Options of {@link parseReportFile}. */
export interface ParseReportFileOptions {
  /** What the text came from (a path, `artifact perfgate-results of run 123`), named in every error. */
  readonly source: string;
  /** Largest text accepted, in UTF-8 bytes (default {@link DEFAULT_REPORT_MAX_BYTES}). */
  readonly maxBytes?: number;
}

/** At most this many schema problems are listed in one message; the rest are counted. */
const MAX_LISTED_ISSUES = 5;

const FRESH_BASELINE = 'run a fresh baseline on the base branch';

/**
 * Reads report.json text (untrusted: it comes from an artifact or a folder) as a `GateReport`. The
 * size is checked before anything is parsed, then JSON, then that perfgate wrote it (`tool.name`)
 * in the schema this perfgate reads, then every field (src/history/report-schema.ts; unknown keys
 * are dropped). It does not check `status`: a failed run's report reads too; a baseline must also
 * pass {@link assertBaselineUsable} (or read it with {@link parseBaselineFile}).
 * @throws ReportFileError naming `options.source` when the text is larger than `maxBytes` UTF-8 bytes
 *   (`oversized`), is not JSON (`not-json`: line, column and character of the first error), is not a
 *   perfgate report (`not-perfgate`), has an older or newer `schemaVersion` than
 *   {@link REPORT_SCHEMA_VERSION} (`older-schema`: run a fresh baseline; `newer-schema`: upgrade
 *   perfgate), or breaks the schema (`invalid`: up to 5 field paths such as
 *   `trials[3].metrics.throughput` with what was expected).
 */
export function parseReportFile(text: string, options: ParseReportFileOptions): GateReport {
  const { source } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_REPORT_MAX_BYTES;
  // Counted before JSON.parse, so an oversized file costs no parse (and no memory for its objects).
  if (text.length * 3 > maxBytes) {
    const bytes = utf8Length(text);
    if (bytes > maxBytes)
      throw new ReportFileError(
        'oversized',
        `${source} is ${formatBytes(bytes)}; perfgate reads result files up to ${formatBytes(maxBytes)}: ` +
          'check that it is the report.json of a perfgate results folder',
      );
  }
  const json = parseJson(text, source);
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw notPerfgate(source, `it holds ${describeJsonType(json)}, not an object`);
  const tool: unknown = Reflect.get(json, 'tool');
  const isObject = typeof tool === 'object' && tool !== null;
  const toolName: unknown = isObject ? Reflect.get(tool, 'name') : undefined;
  if (toolName !== 'perfgate')
    throw notPerfgate(source, `tool.name is ${describeJson(toolName)}, expected "perfgate"`);
  const writer: unknown = isObject ? Reflect.get(tool, 'version') : undefined;
  checkSchemaVersion(Reflect.get(json, 'schemaVersion'), writer, source);
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) throw invalid(source, parsed.error.issues);
  return parsed.data;
}

/**
 * Refuses a report whose run did not complete: its trials are the pairs measured before it stopped,
 * on servers that may have been failing, so they cannot stand for a commit's performance.
 * @throws ReportFileError (`unusable`) naming `source`, the status and why (the error's first line,
 *   or the signal and phase of an interruption).
 */
export function assertBaselineUsable(report: GateReport, source: string): void {
  if (report.status === 'complete') return;
  const why =
    report.status === 'failed'
      ? `the run failed${report.error === undefined ? '' : `: ${firstLine(report.error)}`}`
      : `the run was interrupted${
          report.interruption === undefined
            ? ''
            : ` (${report.interruption.signal} in ${report.interruption.phase}, after ${report.interruption.pairs} pairs)`
        }`;
  throw new ReportFileError(
    'unusable',
    `${source}: ${why}; a failed/interrupted run cannot be a baseline: ${FRESH_BASELINE}`,
  );
}

/**
 * {@link parseReportFile} then {@link assertBaselineUsable}: a report that can serve as a baseline.
 * @throws ReportFileError as those two do.
 */
export function parseBaselineFile(text: string, options: ParseReportFileOptions): GateReport {
  const report = parseReportFile(text, options);
  assertBaselineUsable(report, options.source);
  return report;
}

/** The baseline's samples: its head trials that were not set aside, in the order they ran. */
export function baselineTrials(report: GateReport): TrialReading[] {
  return report.trials.filter((trial) => trial.side === 'head' && trial.discarded === undefined);
}

/** What a report says about the baseline it was compared with (see {@link describeBaseline}). */
export interface BaselineDescription {
  /** 40-hex SHA the stored run measured (its head). */
  readonly sha: string;
  /** Its first 7 characters, as git shows it. */
  readonly shortSha: string;
  /** ISO-8601 time the stored run finished. */
  readonly finishedAt: string;
  /** How long before `now` it finished: `just now`, `12 min ago`, `3 h ago`, `2 days ago`. */
  readonly ageText: string;
  readonly runner: {
    readonly cpuModel: string;
    readonly cores: number;
    readonly image?: string;
    readonly os: string;
  };
  /** Hash of the stored run's normalized config. */
  readonly configHash: string;
}

/**
 * The commit, age, runner and config hash of a stored run, for the report's baseline line.
 * Ages are rounded down: under a minute `just now`, under an hour minutes, under 48 hours hours,
 * then days. A `finishedAt` more than a minute after `now` (clocks that disagree) reads
 * `in the future (clocks disagree)`.
 */
export function describeBaseline(report: GateReport, now: Date): BaselineDescription {
  const { cpuModel, cores, image, os } = report.runner;
  return {
    sha: report.head.sha,
    shortSha: report.head.sha.slice(0, 7),
    finishedAt: report.finishedAt,
    ageText: describeAge(now.getTime() - Date.parse(report.finishedAt)),
    runner: { cpuModel, cores, ...(image === undefined ? {} : { image }), os },
    configHash: report.configHash,
  };
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

function describeAge(ageMs: number): string {
  if (ageMs < -MINUTE_MS) return 'in the future (clocks disagree)';
  if (ageMs < MINUTE_MS) return 'just now';
  if (ageMs < HOUR_MS) return `${Math.floor(ageMs / MINUTE_MS)} min ago`;
  if (ageMs < 2 * DAY_MS) return `${Math.floor(ageMs / HOUR_MS)} h ago`;
  return `${Math.floor(ageMs / DAY_MS)} days ago`;
}

/** The runner facts whose change can move the numbers, with the name a reader knows them by. */
const COMPARED_FACTS: readonly (readonly [keyof RunnerFacts, string])[] = [
  ['cpuModel', 'CPU model'],
  ['cores', 'cores'],
  ['image', 'image'],
  ['arch', 'arch'],
  ['python', 'python'],
  ['node', 'node'],
];

/**
 * How runner `b` (this run) differs from runner `a` (the baseline's) in what can move the numbers:
 * CPU model, cores, runner image, architecture, Python and Node versions; one phrase each, in that
 * order, e.g. `CPU model: "AMD EPYC 7763" → "Intel Xeon 8370C"`, `cores: 4 → 2`,
 * `image: "ubuntu24 20241201.1.0" → unknown`. A fact absent on both sides is no difference. The OS
 * and kernel are not compared (a runner image's kernel moves with its weekly updates), nor steal.
 */
export function compareRunners(a: RunnerFacts, b: RunnerFacts): string[] {
  return COMPARED_FACTS.flatMap(([key, label]) => {
    const before = a[key];
    const after = b[key];
    return before === after ? [] : [`${label}: ${describeFact(before)} → ${describeFact(after)}`];
  });
}

function describeFact(value: string | number | undefined): string {
  if (value === undefined) return 'unknown';
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = locateJsonError(text);
    const where =
      position === undefined
        ? error instanceof Error
          ? error.message
          : String(error)
        : `${position.reason} at line ${position.line}, column ${position.column} (character ${position.offset})`;
    throw new ReportFileError(
      'not-json',
      `${source} is not JSON: ${where}; the file is truncated or corrupt: ${FRESH_BASELINE}`,
    );
  }
}

function notPerfgate(source: string, why: string): ReportFileError {
  return new ReportFileError(
    'not-perfgate',
    `${source} is not a perfgate report: ${why}; point perfgate at the report.json of its results folder`,
  );
}

function checkSchemaVersion(version: unknown, writer: unknown, source: string): void {
  if (version === REPORT_SCHEMA_VERSION) return;
  if (typeof version !== 'number' || !Number.isInteger(version))
    throw notPerfgate(source, `schemaVersion is ${describeJson(version)}, expected an integer`);
  const by = typeof writer === 'string' ? ` ${writer}` : '';
  const older = version < REPORT_SCHEMA_VERSION;
  throw new ReportFileError(
    older ? 'older-schema' : 'newer-schema',
    `${source} was written by ${older ? 'an older' : 'a newer'} perfgate${by} (schema ${version}); ` +
      `this perfgate reads schema ${REPORT_SCHEMA_VERSION}: ${older ? FRESH_BASELINE : 'upgrade perfgate'}`,
  );
}

function invalid(source: string, issues: readonly z.core.$ZodIssue[]): ReportFileError {
  const listed = issues
    .slice(0, MAX_LISTED_ISSUES)
    // zod 4 words type errors `Invalid input: expected number, received string`: the path says where.
    .map((issue) => `${formatKeyPath(issue.path)}: ${issue.message.replace(/^Invalid input: /, '')}`);
  const more = issues.length - listed.length;
  const tail = more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : '';
  return new ReportFileError(
    'invalid',
    `${source} is not a valid perfgate report: ${listed.join('; ')}${tail}. ` +
      `It was edited or damaged after perfgate wrote it: ${FRESH_BASELINE}`,
  );
}

/** A JSON value briefly, for a message: `"junit"`, `2`, `missing`. */
function describeJson(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/**
 * `bytes` for a message: `512 bytes`, `3.5 KiB`, `70.1 MiB`, `64 MiB` (one decimal, dropped when 0).
 */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KiB'] : [bytes / (1024 * 1024), 'MiB'];
  return `${value.toFixed(1).replace(/\.0$/, '')} ${unit}`;
}

/**
 * UTF-8 length of `text` without encoding it: 1 byte per code unit below U+0080, 2 below U+0800,
 * 4 per surrogate pair, and 3 otherwise (a lone surrogate is written as U+FFFD, 3 bytes, as
 * TextEncoder does).
 */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
