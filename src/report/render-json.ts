import type { GateReport } from '../model/results.js';

/**
 * Renders a gate report as report.json: pretty-printed with 2-space indentation, keys in the object's
 * own order, and a trailing newline. Pure; throws only what JSON.stringify throws (never for a
 * GateReport, which holds plain data).
 */
export function renderJson(report: GateReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
