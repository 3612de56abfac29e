/**
 * Lays out a plain-text table with columns padded to their widest cell, separated by two spaces,
 * numeric columns right-aligned. `paint` may wrap a padded cell in ANSI color afterwards, so color
 * codes never count toward the width. Widths count code points: keep double-width characters
 * (emoji) out of the cells.
 */
export function formatTextTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: {
    readonly numeric: readonly boolean[];
    readonly indent?: string;
    readonly paint?: (padded: string, row: number, column: number) => string;
  },
): readonly string[] {
  const width = (text: string): number => [...text].length;
  const widths = headers.map((header, column) =>
    Math.max(width(header), ...rows.map((row) => width(row[column] ?? ''))),
  );
  const layout = (cells: readonly string[], row: number): string => {
    const padded = widths.map((columnWidth, column) => {
      const cell = cells[column] ?? '';
      const fill = ' '.repeat(columnWidth - width(cell));
      const isLast = column === widths.length - 1;
      // The last left-aligned column is not padded: trailing spaces only dirty copied text.
      const aligned = options.numeric[column] === true ? fill + cell : isLast ? cell : cell + fill;
      return row >= 0 && options.paint ? options.paint(aligned, row, column) : aligned;
    });
    return `${options.indent ?? ''}${padded.join('  ')}`;
  };
  return [layout(headers, -1), ...rows.map((cells, row) => layout(cells, row))];
}
