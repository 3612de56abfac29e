import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importGab } from '../../src/history/gab.js';
import {
  HISTORY_SCHEMA_VERSION,
  type History,
  type HistoryEntry,
  type HistoryPoint,
} from '../../src/history/model.js';
import { mermaidLabel, mermaidNumber, niceAxisTop, uniqueLabels } from '../../src/report/mermaid-xychart.js';
import { renderTrends } from '../../src/report/render-trends.js';

const cpu = (median: number, range?: [number, number]): HistoryPoint => ({
  scenario: 'list-items',
  metric: 'cpu_per_request',
  unit: 'CPU ms/req',
  better: 'lower',
  median,
  n: 8,
  ...(range === undefined ? {} : { range }),
});
const throughput = (median: number): HistoryPoint => ({
  scenario: 'list-items',
  metric: 'throughput',
  unit: 'req/s',
  better: 'higher',
  median,
  n: 8,
});
const entry = (sha: string, day: number, points: HistoryPoint[]): HistoryEntry => ({
  sha: sha.padEnd(40, '0'),
  finishedAt: `2026-12-${String(day).padStart(2, '0')}T10:30:00.000Z`,
  points,
});
const history = (entries: HistoryEntry[]): History => ({
  schemaVersion: HISTORY_SCHEMA_VERSION,
  tool: 'perfgate',
  entries,
});

/** Three runs, one a re-run of the same commit, one without throughput. */
const SMALL = history([
  entry('abc1234', 1, [cpu(1.25, [1.2, 1.31]), throughput(5120)]),
  entry('abc1234', 2, [cpu(1.21, [1.18, 1.3]), throughput(5210.5)]),
  entry('def5678', 3, [cpu(1.42, [1.4, 1.47])]),
]);

/** The Mermaid blocks of `markdown`, each as its lines. */
function charts(markdown: string): string[][] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((match) => (match[1] ?? '').split('\n'));
}
const line = (chart: readonly string[], key: string): string =>
  chart.find((l) => l.startsWith(`  ${key}`)) ?? '';
/** The quoted labels of an `x-axis [...]` line. */
const xLabels = (chart: readonly string[]): string[] =>
  [...line(chart, 'x-axis').matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '');
const values = (chart: readonly string[]): string[] =>
  /\[(.*)\]/.exec(line(chart, 'line'))?.[1]?.split(', ') ?? [];

describe('renderTrends golden file', () => {
  // Regenerate after an intended change: npx vitest run test/unit/render-trends.test.ts -u
  it('renders a small history as its golden Markdown', async () => {
    await expect(renderTrends(SMALL)).toMatchFileSnapshot('../fixtures/trends/small-history.md');
  });
});

describe('renderTrends charts', () => {
  it('draws one chart per scenario × metric, titled with scenario, metric, unit and direction', () => {
    const [cpuChart, tputChart] = charts(renderTrends(SMALL));
    expect(line(cpuChart ?? [], 'title')).toBe(
      '  title "list-items: cpu_per_request (CPU ms/req, lower is better)"',
    );
    expect(line(tputChart ?? [], 'title')).toBe('  title "list-items: throughput (req/s, higher is better)"');
    expect(line(cpuChart ?? [], 'y-axis')).toBe('  y-axis "CPU ms/req" 0 --> 1.5');
  });

  it('makes a repeated commit a distinct x label', () => {
    const [cpuChart] = charts(renderTrends(SMALL));
    expect(xLabels(cpuChart ?? [])).toEqual(['abc1234', 'abc1234 (2)', 'def5678']);
  });

  it('leaves out runs without the point rather than drawing a gap, and says so', () => {
    const markdown = renderTrends(SMALL);
    const [, tputChart] = charts(markdown);
    expect(xLabels(tputChart ?? [])).toEqual(['abc1234', 'abc1234 (2)']);
    expect(values(tputChart ?? [])).toEqual(['5120', '5210.5']);
    expect(markdown).toContain('_Left out: 1 run without <code>throughput</code>._');
  });

  it('writes numbers without exponent notation', () => {
    const tiny = history([
      entry('a1', 1, [cpu(0.00012)]),
      entry('b2', 2, [cpu(1.2e7)]),
      entry('c3', 3, [cpu(1e-7)]),
    ]);
    const [chart] = charts(renderTrends(tiny));
    expect(values(chart ?? [])).toEqual(['0.00012', '12000000', '0.0000001']);
    expect((chart ?? []).join('\n')).not.toMatch(/\de[+-]?\d/i);
  });

  it('keeps `"` and other syntax out of labels, and escapes names in headings and tables', () => {
    const named = (scenario: string): HistoryPoint => ({
      ...cpu(1),
      scenario,
      metric: 'p|50*',
      unit: 'ms "wall"',
    });
    const markdown = renderTrends(
      history([entry('a1', 1, [named('say "hi" <b>#1;')]), entry('b2', 2, [named('say "hi" <b>#1;')])]),
    );
    const [chart] = charts(markdown);
    expect(line(chart ?? [], 'title')).toBe('  title "say hi b1;: p|50* (ms wall, lower is better)"');
    for (const l of chart ?? []) expect(l.replace(/"[^"]*"/g, '')).not.toContain('"');
    expect(markdown).toContain('#### say &quot;hi&quot; &lt;b&gt;#1; · p\\|50\\*');
    expect(markdown).toContain('| commit | date (UTC) | value (ms &quot;wall&quot;) | range |');
  });

  it('draws no chart for a single run: the table alone, and why', () => {
    const markdown = renderTrends(history([entry('abc1234', 1, [cpu(1.25, [1.2, 1.31])])]));
    expect(charts(markdown)).toHaveLength(0);
    expect(markdown).toContain('_One run so far: a chart needs 2 runs._');
    expect(markdown).toContain('| <code>abc1234</code> | 2026-12-01 10:30 | 1.25 | 1.20 – 1.31 |');
  });

  it('shows the last 30 runs by default, or `last`, and refuses a `last` that is not a positive integer', () => {
    const many = history(
      Array.from({ length: 40 }, (_, i) => entry(`${i}`.padStart(7, 'a'), 1, [cpu(i + 1)])),
    );
    expect(values(charts(renderTrends(many))[0] ?? [])).toHaveLength(30);
    expect(values(charts(renderTrends(many))[0] ?? [])[0]).toBe('11');
    expect(values(charts(renderTrends(many, { last: 2 }))[0] ?? [])).toEqual(['39', '40']);
    expect(() => renderTrends(many, { last: 0 })).toThrow(RangeError);
    expect(() => renderTrends(many, { last: 2.5 })).toThrow(/positive integer, got 2.5/);
  });

  it('charts only the chosen scenario and metrics, in the order asked', () => {
    const markdown = renderTrends(SMALL, {
      metrics: ['throughput', 'cpu_per_request'],
      scenario: 'list-items',
    });
    expect(charts(markdown).map((chart) => line(chart, 'title'))).toEqual([
      '  title "list-items: throughput (req/s, higher is better)"',
      '  title "list-items: cpu_per_request (CPU ms/req, lower is better)"',
    ]);
    expect(renderTrends(SMALL, { scenario: 'checkout' })).toBe(
      '_No points of scenario <code>checkout</code> in the last 3 runs._',
    );
    expect(renderTrends(history([]))).toMatch(/^_No runs in the history yet/);
  });

  it('lets the y axis find its own range when a value is negative', () => {
    const [chart] = charts(renderTrends(history([entry('a1', 1, [cpu(-1)]), entry('b2', 2, [cpu(2)])])));
    expect(line(chart ?? [], 'y-axis')).toBe('  y-axis "CPU ms/req"');
  });
});

describe('renderTrends on the imported tokio data.js', () => {
  const tokio = importGab(
    readFileSync(new URL('../fixtures/gab/tokio-cargo-data.js', import.meta.url), 'utf8'),
  );
  const markdown = renderTrends(tokio);

  it('draws 24 charts of 7 runs each, lower is better, in ns/iter', () => {
    const all = charts(markdown);
    expect(all).toHaveLength(24);
    for (const chart of all) {
      expect(xLabels(chart)).toHaveLength(7);
      expect(values(chart)).toHaveLength(7);
      expect(line(chart, 'title')).toMatch(/ \(ns\/iter, lower is better\)"$/);
    }
    expect(line(all[0] ?? [], 'line')).toBe('  line [15308, 21186, 18334, 18478, 16046, 14841, 17022]');
    expect(markdown).toContain('| <code>97c2c42</code> | 2020-11-14 05:02 | 15,308 | 10,709 – 19,907 |');
  });
});

describe('Mermaid helpers', () => {
  it.each([
    [0.00012, '0.00012'],
    [1.2e7, '12000000'],
    [1e21, '1000000000000000000000'],
    [-3.5e-8, '-0.000000035'],
    [0.1 + 0.2, '0.3'],
    [15308, '15308'],
  ])('mermaidNumber(%d) = %s', (value, text) => {
    expect(mermaidNumber(value)).toBe(text);
    expect(text).toMatch(/^[+-]?(\d+(\.\d+)?|\.\d+)$/);
  });

  it('refuses non-finite numbers', () => {
    expect(() => mermaidNumber(Number.NaN)).toThrow(RangeError);
  });

  it('uniqueLabels numbers repeats, skipping labels already taken', () => {
    expect(uniqueLabels(['a', 'b', 'a', 'a'])).toEqual(['a', 'b', 'a (2)', 'a (3)']);
    expect(uniqueLabels(['a', 'a (2)', 'a'])).toEqual(['a', 'a (2)', 'a (3)']);
  });

  it('mermaidLabel drops quotes, backticks, entity and tag openers, and line breaks', () => {
    expect(mermaidLabel('a "b"\n`c` #d; <e>\u202e')).toBe('a b c d; e');
  });

  it.each([
    [1.23, 1.3],
    [15308, 17000],
    [0, 1],
    [0.00012, 0.00013],
  ])('niceAxisTop(%d) = %d', (max, top) => {
    expect(niceAxisTop(max)).toBe(top);
  });
});
