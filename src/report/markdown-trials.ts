import { TRIAL_HEADERS, TRIAL_NUMERIC, describeTrial, listTrialWarnings } from './describe-rows.js';
import { markdownCode, escapeMarkdown } from './escape-markdown.js';
import { markdownTable } from './markdown-table.js';
import type { ScenarioOutline } from './outline-report.js';

const inline = { code: markdownCode, text: escapeMarkdown };

/**
 * Renders every trial reading, one table per scenario, folded in `<details>` so the comment stays
 * short. Returns `undefined` when no trial was measured.
 */
export function renderTrialDetails(scenarios: readonly ScenarioOutline[]): string | undefined {
  const measured = scenarios.filter((scenario) => scenario.trials.length > 0);
  if (measured.length === 0) return undefined;
  const count = measured.reduce((sum, scenario) => sum + scenario.trials.length, 0);
  const tables = measured.map((scenario) => {
    const table = markdownTable(TRIAL_HEADERS, scenario.trials.map(describeTrial), TRIAL_NUMERIC);
    const warnings = listTrialWarnings(scenario.trials, inline).map((warning) => `- ${warning}`);
    return [
      `##### ${markdownCode(scenario.name)}`,
      table,
      ...(warnings.length ? [warnings.join('\n')] : []),
    ].join('\n\n');
  });
  // Blank lines around the body: without them GitHub does not render Markdown inside <details>.
  return [
    `<details><summary>Per-trial readings (${count} trial${count === 1 ? '' : 's'})</summary>`,
    ...tables,
    '</details>',
  ].join('\n\n');
}
