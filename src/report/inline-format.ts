import { isMetricName } from '../model/metrics.js';

/**
 * How a renderer places text from outside perfgate inline: Markdown escapes and wraps it in `<code>`,
 * the terminal strips control characters. Lets one describing function serve both renderers.
 */
export interface InlineFormat {
  /** Untrusted text shown as a name, ref or path. */
  code(text: string): string;
  /** Untrusted text shown as prose (warnings, runner facts). */
  text(text: string): string;
}

/**
 * A metric name as printed: known names verbatim (they are safe and readable), anything else (a
 * report read from an untrusted artifact) escaped.
 */
export function metricLabel(metric: string, inline: InlineFormat): string {
  return isMetricName(metric) ? metric : inline.text(metric);
}
