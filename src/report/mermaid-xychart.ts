/**
 * Mermaid `xychart-beta` line charts as GitHub renders them in Markdown. The rules below are what
 * Mermaid's xychart grammar (mermaid 11, `xychart.jison`) and its text handling accept: numbers
 * without exponent, quoted labels without `"`, distinct x labels (the band axis merges repeated ones).
 */

/** One line chart: one value per x label, in order. */
export interface XyChart {
  readonly title: string;
  readonly xLabels: readonly string[];
  readonly yTitle: string;
  /** Same length as `xLabels`; finite numbers. */
  readonly values: readonly number[];
  /** y-axis `[min, max]`; Mermaid fits the axis to the data when absent. */
  readonly yRange?: readonly [number, number];
}

/**
 * A fenced ```mermaid block drawing `chart` as a line chart. Labels pass through
 * {@link mermaidLabel}, numbers through {@link mermaidNumber}.
 * @throws RangeError when `values` and `xLabels` differ in length, or a value is not finite.
 */
export function renderXyChart(chart: XyChart): string {
  if (chart.values.length !== chart.xLabels.length)
    throw new RangeError(`${chart.values.length} values for ${chart.xLabels.length} x labels`);
  const quote = (text: string): string => `"${mermaidLabel(text)}"`;
  const range = chart.yRange === undefined ? '' : ` ${chart.yRange.map(mermaidNumber).join(' --> ')}`;
  return [
    '```mermaid',
    'xychart-beta',
    `  title ${quote(chart.title)}`,
    `  x-axis [${chart.xLabels.map(quote).join(', ')}]`,
    `  y-axis ${quote(chart.yTitle)}${range}`,
    `  line [${chart.values.map(mermaidNumber).join(', ')}]`,
    '```',
  ].join('\n');
}

/**
 * `text` safe inside a quoted Mermaid label: `"` (ends the string) and backticks (open a Markdown
 * string) are dropped, as are `#` (Mermaid reads `#name;` as an entity), `<` and `>` (read as HTML
 * tags), control and bidirectional-override characters; line breaks and runs of spaces become one
 * space.
 */
export function mermaidLabel(text: string): string {
  return text
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(/["`#<>\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * `value` as Mermaid's grammar reads a number (`[+-]?(\d+(\.\d+)?|\.\d+)`): plain decimal, never
 * exponent notation, rounded to 10 significant digits to drop binary noise: 0.00012 → `0.00012`,
 * 1.2e7 → `12000000`, 0.1 + 0.2 → `0.3`.
 * @throws RangeError for NaN and infinities (a chart has no place for them).
 */
export function mermaidNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`a chart value must be finite, got ${value}`);
  const text = String(Number(value.toPrecision(10)));
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (match === null) return text;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * `labels` made distinct, in order: the second `abc1234` becomes `abc1234 (2)`, the third
 * `abc1234 (3)`, skipping any suffix that is itself a label.
 */
export function uniqueLabels(labels: readonly string[]): string[] {
  const taken = new Set<string>();
  const all = new Set(labels);
  return labels.map((label) => {
    let unique = label;
    for (let count = 2; taken.has(unique) || (unique !== label && all.has(unique)); count += 1)
      unique = `${label} (${count})`;
    taken.add(unique);
    return unique;
  });
}

/**
 * The top of a y axis that starts at 0: `max` raised 5% and rounded up to 2 significant digits
 * (1.23 → 1.3, 15308 → 17000), so the highest point sits below the frame; 1 when `max` ≤ 0.
 */
export function niceAxisTop(max: number): number {
  if (!(max > 0)) return 1;
  const target = max * 1.05;
  const step = 10 ** (Math.floor(Math.log10(target)) - 1);
  return Number((Math.ceil(target / step) * step).toPrecision(10));
}
