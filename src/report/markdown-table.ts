/**
 * Renders a GitHub-Flavored-Markdown table. Cells must already be escaped (see escapeMarkdown):
 * this function only lays them out. Numeric columns are right-aligned.
 */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly boolean[],
): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const alignment = headers.map((_, index) => (numeric[index] === true ? '--:' : ':--'));
  return [line(headers), line(alignment), ...rows.map(line)].join('\n');
}
