import type { GateReport, Verdict } from '../model/results.js';
import { describeConditions } from './describe-conditions.js';
import { describeHeadline } from './describe-headline.js';
import { describeComparison, groupWarnings } from './describe-rows.js';
import { escapeMarkdown, markdownCode, markdownFence } from './escape-markdown.js';
import { confidenceLabel, tableConfidence } from './format-change.js';
import { describeLegend } from './describe-legend.js';
import { fitMarkdown } from './fit-markdown.js';
import { markdownTable } from './markdown-table.js';
import { renderTrialDetails } from './markdown-trials.js';
import { renderProfilesSection } from './render-profiles.js';
import { outlineReport, type Headline, type ReportOutline, type ScenarioOutline } from './outline-report.js';

/** Options of renderMarkdown. */
export interface MarkdownOptions {
  /** Hidden HTML comment placed first (e.g. `<!-- perfgate:perfgate.yml -->`), verbatim: the caller builds it. */
  readonly marker?: string;
  /** Largest result in UTF-16 code units (default 65 000, under GitHub's 65 536-character comment limit; a
   * value that is not positive means the default). */
  readonly maxChars?: number;
  /** Name in the heading (default `perfgate`), e.g. to tell several configs apart. */
  readonly title?: string;
  /** The results artifact (profiles, report.json, logs): linked by name when its `url` is http(s). */
  readonly artifact?: { readonly name: string; readonly url: string };
}

/** Default size limit: below GitHub's 65 536-character limit for comment bodies. */
export const DEFAULT_MAX_CHARS = 65_000;

const HEADLINE_EMOJI: Readonly<Record<Headline, string>> = {
  regression: '❌',
  improvement: '🚀',
  unchanged: '✅',
  inconclusive: '⚠️',
  failed: '💥',
  interrupted: '⏹️',
};

const VERDICT_CELL: Readonly<Record<Verdict, string>> = {
  regression: 'regression ❌',
  improvement: 'improvement 🚀',
  unchanged: 'unchanged',
  inconclusive: 'inconclusive ⚠️',
};

const inline = { code: markdownCode, text: escapeMarkdown };

/**
 * Renders a gate report as GitHub Markdown for the sticky PR comment and the job summary: verdict
 * heading and one-sentence summary, a table per scenario, warnings, conditions, the per-trial readings
 * folded in `<details>`, and a line on how to read it. Every string from outside perfgate is escaped.
 * When the result would exceed `maxChars`, the per-trial readings are dropped first, then whole
 * sections from the end, with a note pointing to report.json. Pure; never throws.
 */
export function renderMarkdown(report: GateReport, options: MarkdownOptions = {}): string {
  // A limit that is not a positive number (0, NaN) would silently empty the comment: use the default.
  const maxChars =
    options.maxChars !== undefined && options.maxChars > 0 ? options.maxChars : DEFAULT_MAX_CHARS;
  const outline = outlineReport(report);
  const headline = describeHeadline(report, outline, inline);
  const title = escapeMarkdown(options.title ?? 'perfgate');
  const blocks = [
    ...(options.marker === undefined ? [] : [options.marker]),
    `### ${HEADLINE_EMOJI[headline.headline]} ${title}: ${headline.title}`,
    headline.summary,
    headline.commits,
    ...(report.status === 'failed' ? [renderError(report.error, maxChars)] : []),
    // A stopped run's scenarios without comparisons have nothing to tabulate: their trials are below.
    ...outline.scenarios
      .filter((scenario) => report.status === 'complete' || scenario.comparisons.length > 0)
      .map((scenario) => renderScenario(scenario)),
    ...renderGateWarnings(report.warnings),
    ...[renderProfilesSection(report)].filter((section) => section !== undefined),
    ...(options.artifact === undefined ? [] : [renderArtifactLink(options.artifact)]),
    renderConditions(report, outline),
  ];
  const legend = `<sub>How to read: **bold** metrics gate the check; ${escapeMarkdown(describeLegend(report))}</sub>`;
  const details = renderTrialDetails(outline.scenarios);
  const full = fitMarkdown([...blocks, ...(details === undefined ? [] : [details]), legend], Infinity);
  if (full.length <= maxChars) return full;
  const omitted = '_Per-trial readings omitted to fit; see report.json artifact._';
  return fitMarkdown([...blocks, ...(details === undefined ? [] : [omitted]), legend], maxChars);
}

/** One line linking the artifact; a URL that is not http(s) is shown as text, never as a link. */
function renderArtifactLink(artifact: { readonly name: string; readonly url: string }): string {
  const name = escapeMarkdown(artifact.name);
  const target = linkTarget(artifact.url);
  const link = target === undefined ? `${name} artifact` : `[${name} artifact](${target})`;
  return `Profiles and raw results: ${link}`;
}

/**
 * `url` as a Markdown link destination: http(s) only, with every character that could end the
 * destination or start markup (`( ) < > [ ] \ space " '` and non-ASCII) percent-encoded.
 */
function linkTarget(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  return parsed.href.replace(/[^A-Za-z0-9\-._~:/?#@!$&*+,;=%]/g, (character) =>
    [...new TextEncoder().encode(character)]
      .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
      .join(''),
  );
}

function renderScenario(scenario: ScenarioOutline): string {
  const where = scenario.summary
    ? ` · ${escapeMarkdown(scenario.summary.method)} ${markdownCode(scenario.summary.path)}`
    : '';
  const heading = `#### ${markdownCode(scenario.name)}${where}`;
  if (scenario.comparisons.length === 0) {
    return `${heading}\n\n_No comparison: base and head were not both measured._`;
  }
  const rows = scenario.comparisons.map((comparison) => {
    const cells = describeComparison(comparison, inline);
    const metric = cells.gated ? `**${cells.metric}**` : cells.metric;
    const verdict =
      cells.errors === 'fails'
        ? 'regression ❌ (errors)'
        : cells.errors === 'voids'
          ? 'not compared (errors) ⚠️'
          : VERDICT_CELL[cells.verdict];
    return [metric, cells.base, cells.head, cells.change, cells.interval, verdict];
  });
  const headers = [
    'metric',
    'base',
    'head',
    'change',
    confidenceLabel(tableConfidence(scenario.comparisons)),
    'verdict',
  ];
  const table = markdownTable(headers, rows, [false, true, true, true, true, false]);
  const warnings = groupWarnings(scenario.comparisons, inline).map(
    (warning) => `- ⚠️ ${warning.metrics.join(', ')}: ${warning.text}`,
  );
  return [heading, table, ...(warnings.length ? [warnings.join('\n')] : [])].join('\n\n');
}

function renderGateWarnings(warnings: readonly string[]): readonly string[] {
  if (warnings.length === 0) return [];
  return [`#### Warnings\n\n${warnings.map((warning) => `- ⚠️ ${escapeMarkdown(warning)}`).join('\n')}`];
}

function renderConditions(report: GateReport, outline: ReportOutline): string {
  const lines = describeConditions(report, outline, inline).map(
    ({ label, value }) => `- **${label}:** ${value}`,
  );
  return `#### Conditions\n\n${lines.join('\n')}`;
}

function renderError(error: string | undefined, maxChars: number): string {
  // A quarter of the limit: the error must not crowd out the tables of the trials that did run.
  return `**Error**\n\n${markdownFence(capText(error ?? 'no error recorded', Math.floor(maxChars / 4)))}`;
}

/** Keeps the start (message, hint) and the end (log tail) of a long text, at most `maxChars` of it. */
function capText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const half = Math.max(1, Math.floor(maxChars / 2));
  const omitted = text.length - 2 * half;
  return `${text.slice(0, half)}\n… (${omitted} characters omitted) …\n${text.slice(-half)}`;
}
