/**
 * Report stage (pure): turns a GateReport into strings and writes nothing. Markdown for the sticky PR
 * comment and the job summary, plain text for a terminal, JSON for report.json, and the value and
 * change formatters that progress lines reuse. Every string that came from outside perfgate (scenario
 * names, refs, paths, warnings, error text) is escaped for the medium it lands in.
 */
export { renderMarkdown, DEFAULT_MAX_CHARS, type MarkdownOptions } from './render-markdown.js';
export { renderTerminal, type TerminalOptions } from './render-terminal.js';
export { renderJson } from './render-json.js';
export { formatValue } from './format-value.js';
export { formatChange, formatInterval, confidenceLabel, tableConfidence } from './format-change.js';
export { describeLegend } from './describe-legend.js';
export {
  formatBytes,
  formatDurationMs,
  formatPercent,
  formatSignificant,
  groupThousands,
} from './format-number.js';
export { escapeMarkdown, markdownCode } from './escape-markdown.js';
export { renderSetupError } from './render-setup-error.js';
export {
  renderFunctionDiff,
  renderHotFunctions,
  renderProfilesSection,
  type ProfileTableOptions,
} from './render-profiles.js';
export { renderTrends, DEFAULT_TREND_RUNS, type TrendOptions } from './render-trends.js';
