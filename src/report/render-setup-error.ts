import { escapeMarkdown, markdownFence } from './escape-markdown.js';

/**
 * Markdown for the job summary when a gate could not even start (an invalid input, config or event
 * file, a busy results folder): there is no report to render, so this says what failed and what to
 * do, in the same heading style as a report. Pure; never throws.
 * @param description the error's text as describeError builds it (message, `Hint:` line, log tail).
 * @param title the name in the heading (default `perfgate`).
 */
export function renderSetupError(description: string, title = 'perfgate'): string {
  return [
    `### 💥 ${escapeMarkdown(title)}: could not start`,
    'Nothing was measured: the gate stopped before building either commit. Fix the cause below and re-run.',
    markdownFence(description),
  ].join('\n\n');
}
