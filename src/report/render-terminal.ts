import type { GateReport, ProfileMeasure, Verdict } from '../model/results.js';
import { describeConditions } from './describe-conditions.js';
import { describeHeadline } from './describe-headline.js';
import {
  TRIAL_HEADERS,
  TRIAL_NUMERIC,
  describeComparison,
  describeTrial,
  groupWarnings,
  listTrialWarnings,
} from './describe-rows.js';
import { escapeTerminal } from './escape-terminal.js';
import { confidenceLabel, tableConfidence } from './format-change.js';
import { describeLegend } from './describe-legend.js';
import { outlineReport, type Headline, type ScenarioOutline } from './outline-report.js';
import { formatTextTable } from './text-table.js';
import { describeTotals, formatPoints, formatShare } from './render-profiles.js';

/** Options of renderTerminal. */
export interface TerminalOptions {
  /** Emit ANSI colors (default false: the caller decides from isTTY / NO_COLOR). */
  readonly color?: boolean;
}

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow';
const ANSI: Readonly<Record<Style, string>> = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33' };

const HEADLINE_LOOK: Readonly<Record<Headline, { readonly symbol: string; readonly style: Style }>> = {
  regression: { symbol: '✗', style: 'red' },
  improvement: { symbol: '▲', style: 'green' },
  unchanged: { symbol: '✓', style: 'green' },
  inconclusive: { symbol: '?', style: 'yellow' },
  failed: { symbol: '✗', style: 'red' },
  interrupted: { symbol: '■', style: 'yellow' },
};

const VERDICT_STYLE: Readonly<Record<Verdict, Style>> = {
  regression: 'red',
  improvement: 'green',
  unchanged: 'dim',
  inconclusive: 'yellow',
};

const inline = { code: escapeTerminal, text: escapeTerminal };

/**
 * Renders a gate report for a terminal: the verdict line first, then per scenario an aligned table
 * (metric, base, head, change, confidence interval, verdict) with its warnings, gate warnings,
 * conditions and the per-trial readings. Gated metrics carry a `*`. ANSI colors only when
 * `options.color` is true; untrusted text has control characters escaped. Pure; never throws.
 */
export function renderTerminal(report: GateReport, options: TerminalOptions = {}): string {
  const paint = (text: string, ...styles: Style[]): string =>
    options.color === true && styles.length > 0
      ? `\u001b[${styles.map((style) => ANSI[style]).join(';')}m${text}\u001b[0m`
      : text;
  const outline = outlineReport(report);
  const headline = describeHeadline(report, outline, inline);
  const look = HEADLINE_LOOK[headline.headline];
  const lines: string[] = [
    paint(`${look.symbol} perfgate: ${headline.title}`, 'bold', look.style),
    headline.summary,
    headline.commits,
  ];
  if (report.status === 'failed') {
    lines.push(
      '',
      paint('Error', 'bold'),
      ...(report.error ?? 'no error recorded').split(/\r?\n/).map((line) => `  ${escapeTerminal(line)}`),
    );
  }
  for (const scenario of outline.scenarios) {
    // A stopped run's scenarios without comparisons have nothing to tabulate: their trials are below.
    if (report.status !== 'complete' && scenario.comparisons.length === 0) continue;
    lines.push('', ...renderScenario(scenario, paint));
  }
  if (report.warnings.length > 0) {
    lines.push(
      '',
      paint('Warnings', 'bold'),
      ...report.warnings.map((warning) => `  ! ${escapeTerminal(warning)}`),
    );
  }
  lines.push(...renderProfiles(report, paint));
  const conditions = describeConditions(report, outline, inline);
  const labelWidth = Math.max(...conditions.map(({ label }) => label.length));
  lines.push(
    '',
    paint('Conditions', 'bold'),
    ...conditions.map(({ label, value }) => `  ${label.padEnd(labelWidth)}  ${value}`),
  );
  const measured = outline.scenarios.filter((scenario) => scenario.trials.length > 0);
  if (measured.length > 0) {
    lines.push('', paint('Trials', 'bold'));
    for (const scenario of measured) {
      lines.push(`  ${escapeTerminal(scenario.name)}`);
      lines.push(
        ...formatTextTable(TRIAL_HEADERS, scenario.trials.map(describeTrial), {
          numeric: TRIAL_NUMERIC,
          indent: '    ',
        }),
      );
      lines.push(...listTrialWarnings(scenario.trials, inline).map((warning) => `    ! ${warning}`));
    }
  }
  lines.push('', paint(`* gated metric; ${escapeTerminal(describeLegend(report))}`, 'dim'));
  return `${lines.join('\n')}\n`;
}

function renderScenario(
  scenario: ScenarioOutline,
  paint: (text: string, ...styles: Style[]) => string,
): readonly string[] {
  const where = scenario.summary
    ? ` · ${escapeTerminal(scenario.summary.method)} ${escapeTerminal(scenario.summary.path)}`
    : '';
  const heading = paint(`${escapeTerminal(scenario.name)}${where}`, 'bold');
  if (scenario.comparisons.length === 0)
    return [heading, '  no comparison: base and head were not both measured'];
  const cells = scenario.comparisons.map((comparison) => describeComparison(comparison, inline));
  const rows = cells.map((cell) => [
    cell.gated ? `${cell.metric} *` : cell.metric,
    cell.base,
    cell.head,
    cell.change,
    cell.interval,
    cell.errors === 'fails'
      ? 'regression (errors)'
      : cell.errors === 'voids'
        ? 'not compared (errors)'
        : cell.verdict,
  ]);
  const table = formatTextTable(
    ['metric', 'base', 'head', 'change', confidenceLabel(tableConfidence(scenario.comparisons)), 'verdict'],
    rows,
    {
      numeric: [false, true, true, true, true, false],
      indent: '  ',
      paint: (padded, row, column) => {
        const verdict = cells[row]?.verdict;
        return column === 5 && verdict !== undefined ? paint(padded, VERDICT_STYLE[verdict]) : padded;
      },
    },
  );
  const warnings = groupWarnings(scenario.comparisons, inline).map(
    (warning) => `  ! ${warning.metrics.join(', ')}: ${warning.text}`,
  );
  return [heading, ...table, ...warnings];
}

const SHARE_OF: Readonly<Record<ProfileMeasure, string>> = {
  samples: 'samples',
  'traced-cpu': 'traced CPU time',
  'memory-growth': 'memory growth',
};

/** The profiling phase in brief: the profiler, each scenario's top growing functions, the files. */
function renderProfiles(report: GateReport, paint: (text: string, ...styles: Style[]) => string): string[] {
  const summary = report.profiles;
  if (summary === undefined) return [];
  if (summary.tool === undefined)
    return ['', paint('Profiles', 'bold'), `  none: ${escapeTerminal(summary.reason)}`];
  const lines = ['', paint(`Profiles (${escapeTerminal(summary.tool)})`, 'bold')];
  for (const scenario of summary.scenarios) {
    lines.push(
      `  ${escapeTerminal(scenario.scenario)}: functions whose share of ${SHARE_OF[scenario.measure ?? 'samples']} grew most, ` +
        `head against base (${describeTotals(scenario)})`,
    );
    const rows = scenario.diff
      .slice(0, 5)
      .map((row) => [
        escapeTerminal(row.frame.name),
        escapeTerminal(
          row.frame.file === undefined
            ? ''
            : `${row.frame.file}${row.frame.line === undefined ? '' : `:${row.frame.line}`}`,
        ),
        formatShare(row.base.self),
        formatShare(row.head.self),
        `${row.noise ? '~ ' : ''}${formatPoints(row.selfChangePp)}`,
      ]);
    if (rows.length > 0) {
      lines.push(
        ...formatTextTable(['function', 'where', 'base', 'head', 'change'], rows, {
          numeric: [false, false, true, true, true],
          indent: '    ',
        }),
      );
    }
    for (const file of scenario.files) lines.push(`    ${escapeTerminal(file)}`);
  }
  lines.push(...summary.notices.map((notice) => `  ! ${escapeTerminal(notice)}`));
  return lines;
}
