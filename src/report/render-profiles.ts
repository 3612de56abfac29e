/**
 * Markdown tables of profiles: the differential hot-function table (head against base) and the top
 * functions of one side. Every name and path comes from user code and is escaped. Pure.
 */
import type { GateReport, ProfileMeasure, ScenarioProfiles } from '../model/results.js';
import type { FunctionChange, FunctionShare, ProfileFrame } from '../profile/index.js';
import { escapeMarkdown, markdownCode } from './escape-markdown.js';
import { markdownTable } from './markdown-table.js';

/** Options of the profile tables. */
export interface ProfileTableOptions {
  /** Rows shown at most; default 10. */
  readonly top?: number;
  /** Longest function name shown (characters; longer ones keep their end, after `…`); default 48. */
  readonly maxName?: number;
  /** Longest `file:line` shown (longer ones keep the file name and line); default 48. */
  readonly maxLocation?: number;
}

/**
 * The differential table: function, `file:line`, self share in base and head, and the change in
 * percentage points, largest growth first (as diffFunctions sorts them); changes within the noise
 * mark read `~ +0.4 pp`. Functions that grew by noise only are still listed when among the top rows,
 * so an A/A pair shows a table of `~`.
 * @returns '' when there are no rows.
 */
export function renderFunctionDiff(
  rows: readonly FunctionChange[],
  options: ProfileTableOptions = {},
): string {
  const shown = rows.slice(0, options.top ?? 10);
  if (shown.length === 0) return '';
  return markdownTable(
    ['function', 'where', 'base (self)', 'head (self)', 'change'],
    shown.map((row) => [
      functionName(row.frame, options),
      location(row.frame, options),
      formatShare(row.base.self),
      formatShare(row.head.self),
      `${row.noise ? '~ ' : ''}${formatPoints(row.selfChangePp)}`,
    ]),
    [false, false, true, true, true],
  );
}

/**
 * One side's top functions by self share, with their total share (callees included).
 * @returns '' when there are no rows.
 */
export function renderHotFunctions(
  rows: readonly FunctionShare[],
  options: ProfileTableOptions = {},
): string {
  const shown = rows.slice(0, options.top ?? 10);
  if (shown.length === 0) return '';
  return markdownTable(
    ['function', 'where', 'self', 'total'],
    shown.map((row) => [
      functionName(row.frame, options),
      location(row.frame, options),
      formatShare(row.self),
      formatShare(row.total),
    ]),
    [false, false, true, true],
  );
}

function functionName(frame: ProfileFrame, options: ProfileTableOptions): string {
  return markdownCode(shortenStart(frame.name, options.maxName ?? 48));
}

function location(frame: ProfileFrame, options: ProfileTableOptions): string {
  if (frame.file === undefined) return '';
  const line = frame.line === undefined ? '' : `:${frame.line}`;
  const max = Math.max(8, (options.maxLocation ?? 48) - line.length);
  let file = frame.file;
  if (file.length > max) {
    // Keep the file name whole and as much of its folder as fits, from the right.
    const base = file.slice(file.lastIndexOf('/') + 1);
    file = base.length + 2 >= max ? `…/${base}` : `…${file.slice(file.length - (max - 1))}`;
  }
  return escapeMarkdown(`${file}${line}`);
}

/** `text` cut to `max` characters, keeping its end (the most specific part of a qualified name). */
function shortenStart(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `…${chars.slice(chars.length - (max - 1)).join('')}`;
}

/** A share (fraction 0..1) with one decimal: `0.314` → `31.4%` (aligned columns, unlike formatPercent). */
export function formatShare(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** A change in percentage points, signed, one decimal: `+26.4 pp`, `−3.0 pp`, `±0.0 pp`. */
export function formatPoints(pp: number): string {
  const rounded = Math.abs(pp) < 0.05 ? 0 : pp;
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${Math.abs(rounded).toFixed(1)} pp`;
}

/**
 * The report's "Profiles" section: for each scenario with a gated regression, the differential table
 * in the open; for every other profiled scenario, the same table folded in `<details>`; the profiler
 * and why it was chosen, its notices, and the files to open. `undefined` when the phase did not run.
 */
export function renderProfilesSection(report: GateReport): string | undefined {
  const summary = report.profiles;
  if (summary === undefined) return undefined;
  const heading = `#### Profiles${summary.tool === undefined ? '' : ` · ${escapeMarkdown(summary.tool)}`}`;
  if (summary.tool === undefined) {
    return `${heading}\n\n_No profiles: ${escapeMarkdown(summary.reason)}._`;
  }
  const regressed = new Set(
    report.comparisons.filter((c) => c.gated && c.verdict === 'regression').map((c) => c.scenario),
  );
  const parts: string[] = [heading];
  const first = summary.scenarios[0];
  const windows = Math.max(first?.windows?.base ?? 1, first?.windows?.head ?? 1);
  parts.push(
    `${escapeMarkdown(capitalize(summary.reason))}.` +
      (first === undefined
        ? ''
        : windows === 1
          ? ` One ${seconds(first.durationMs)} profiled load window per side and scenario, after the trials, on fresh servers.`
          : ` ${windows} profiled load windows of ${seconds(first.durationMs / windows)} per side and scenario, after the trials, each on fresh servers.`) +
      ` ${SHARE_LEGEND[summary.scenarios[0]?.measure ?? 'samples']}`,
  );
  for (const scenario of summary.scenarios) {
    const table = renderFunctionDiff(scenario.diff);
    const title = `${markdownCode(scenario.scenario)}: head against base (${describeTotals(scenario)}${describeWindows(scenario)})`;
    if (table === '') {
      parts.push(`${title}: _not compared, a side has no profile._`);
    } else if (regressed.has(scenario.scenario)) {
      parts.push(`**${title}**\n\n${table}`);
    } else {
      parts.push(`<details><summary>${title}</summary>\n\n${table}\n\n</details>`);
    }
    const sides = renderSideTables(scenario);
    if (sides !== '') {
      parts.push(
        `<details><summary>${markdownCode(scenario.scenario)}: top functions of each side</summary>\n\n${sides}\n\n</details>`,
      );
    }
  }
  if (summary.notices.length > 0) {
    parts.push(summary.notices.map((notice) => `- ⚠️ ${escapeMarkdown(notice)}`).join('\n'));
  }
  const all = summary.scenarios.flatMap((s) => s.files);
  const files = all.filter((f) => f.endsWith('.speedscope.json'));
  if (files.length > 0) {
    parts.push(
      `Open ${files.map((file) => markdownCode(file)).join(', ')} (in the results) at https://www.speedscope.app; ` +
        'the `.folded` files beside them feed flamegraph.pl or inferno.' +
        NATIVE_FILES.filter(({ extension }) => all.some((f) => f.endsWith(extension)))
          .map(({ text }) => ` ${text}`)
          .join(''),
    );
  }
  return parts.join('\n\n');
}

/** How to open each profiler's own files, when the results hold any. */
const NATIVE_FILES: readonly { readonly extension: string; readonly text: string }[] = [
  {
    extension: '.pstats',
    text: 'The `.pstats` files (one per server process) open in snakeviz (`snakeviz FILE`) or `python -m pstats FILE`.',
  },
  {
    extension: '.tracemalloc',
    text: 'The `.tracemalloc` snapshots load with `tracemalloc.Snapshot.load(FILE)`.',
  },
  {
    extension: '.cpuprofile',
    text: 'The `.cpuprofile` files open in Chrome DevTools (Performance panel) and speedscope.',
  },
];

/** What the tables' shares are, and what `~` means, per kind of profile. */
const SHARE_LEGEND: Readonly<Record<ProfileMeasure, string>> = {
  samples:
    'Self share: of all samples, those where the function itself was running; `~` marks a change within noise: ' +
    'sampling noise, its variance multiplied by how much more the windows of one side (each on fresh servers) differed (`noise ×`, at least 2).',
  'traced-cpu':
    'Self share: of all CPU time the tracer measured, the time in the function itself (callees excluded); ' +
    '`~` marks a change under 1 pp or within how much the windows of one side (each on fresh servers) differed ' +
    '(a tracer slows short functions most, so read small changes with care).',
  'memory-growth':
    'Self share: of the memory allocated in the windows and still live at their end, what was allocated on that line (the `function` ' +
    'column shows the line); `~` marks a change within noise.',
};

/** `812 and 796 samples`, `1.92 s and 2.40 s of CPU time traced`, `12.0 KiB and 3.4 MiB allocated and still live`. */
export function describeTotals(scenario: ScenarioProfiles): string {
  const { base, head } = scenario.totals ?? { base: 0, head: 0 };
  switch (scenario.measure ?? 'samples') {
    case 'traced-cpu':
      return `${base.toFixed(2)} s and ${head.toFixed(2)} s of CPU time traced`;
    case 'memory-growth':
      return `${formatBytes(base)} and ${formatBytes(head)} allocated and still live`;
    case 'samples':
      return `${scenario.samples.base} and ${scenario.samples.head} samples`;
  }
}

/** `; 2 windows per side, noise ×3.1` when the mark was measured between windows, else ''. */
export function describeWindows(scenario: ScenarioProfiles): string {
  const { base, head } = scenario.windows ?? { base: 1, head: 1 };
  if (base <= 1 && head <= 1) return '';
  const count = base === head ? `${base} windows per side` : `${base} and ${head} windows`;
  if (scenario.dispersion === undefined || (scenario.measure ?? 'samples') !== 'samples') return `; ${count}`;
  return `; ${count}, noise ×${scenario.dispersion.toFixed(1)}`;
}

/** Bytes in binary units with one decimal: `512 B`, `12.0 KiB`, `3.4 MiB`, `1.2 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Each side's top 10 functions by self share and by total share (callees included). */
function renderSideTables(scenario: ScenarioProfiles): string {
  const tables: string[] = [];
  for (const side of ['base', 'head'] as const) {
    const bySelf = renderHotFunctions(scenario.top[side]);
    const byTotal = renderHotFunctions(scenario.topByTotal?.[side] ?? []);
    if (bySelf !== '') tables.push(`**${side}, by self share**\n\n${bySelf}`);
    if (byTotal !== '') tables.push(`**${side}, by total share** (callees included)\n\n${byTotal}`);
  }
  return tables.join('\n\n');
}
