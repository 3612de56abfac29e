import { describe, expect, it } from 'vitest';
import { renderTerminal } from '../../src/report/index.js';
import { makeReport, type FixtureKind } from './report-fixture.js';

const KINDS: readonly FixtureKind[] = [
  'regression',
  'improvement',
  'unchanged',
  'inconclusive',
  'failed',
  'interrupted',
];
const ESC = '\u001b';
const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

describe('renderTerminal golden files', () => {
  // Regenerate after an intended change: npx vitest run test/unit/report-terminal.test.ts -u
  it.each(KINDS)('%s report matches its .txt golden file', async (kind) => {
    await expect(renderTerminal(makeReport(kind))).toMatchFileSnapshot(`../fixtures/report/${kind}.txt`);
  });
});

describe('renderTerminal', () => {
  it.each([
    ['regression', '✗ perfgate: performance regression'],
    ['improvement', '▲ perfgate: performance improvement'],
    ['unchanged', '✓ perfgate: no regression'],
    ['inconclusive', '? perfgate: inconclusive'],
    ['failed', '✗ perfgate: run failed'],
    ['interrupted', '■ perfgate: interrupted'],
  ] as const)('puts the %s verdict on the first line', (kind, line) => {
    expect(renderTerminal(makeReport(kind)).split('\n')[0]).toBe(line);
  });

  it('lays tables out in aligned columns without Markdown', () => {
    const text = renderTerminal(makeReport('regression'));
    expect(text).not.toMatch(/\||<code>|\*\*|<details>/);
    const lines = text.split('\n');
    const header = lines.findIndex((line) => line.startsWith('  metric '));
    const verdictColumn = lines[header]?.indexOf('verdict') ?? -1;
    const rows = lines.slice(header + 1, header + 8);
    expect(rows.map((row) => row.slice(verdictColumn))).toEqual([
      'regression',
      'inconclusive',
      'regression',
      'unchanged',
      'regression',
      'regression',
      'unchanged',
    ]);
    expect(rows[0]).toMatch(
      /^ {2}cpu_per_request \* +0\.511 CPU ms\/req +0\.585 CPU ms\/req +\+12\.9% +\+9\.0% … \+19\.5% +regression$/,
    );
    // Right-aligned numbers end in the same column (error_rate in percentage points).
    const changeEnd = (lines[header]?.indexOf('change') ?? 0) + 'change'.length;
    for (const row of rows) expect(row.slice(changeEnd - 2, changeEnd)).toMatch(/^.%$|^pp$/);
  });

  it('shows warnings, conditions and per-trial readings', () => {
    const text = renderTerminal(makeReport('regression'));
    expect(text).toContain('  ! latency_p50: inconclusive: roughly');
    expect(text).toMatch(/\n {2}CPU steal +mean \d+\.\d+%, max \d+\.\d+%\n/);
    expect(text).toContain('\nTrials\n  list-items\n    pair  order  side  req/s');
    const warned = renderTerminal(makeReport('inconclusive'));
    expect(warned).toContain('\nWarnings\n  ! the time budget (180 s) allowed 3 of up to 12 pairs');
  });

  it('prints the whole error of a failed run, indented', () => {
    const text = renderTerminal(makeReport('failed'));
    expect(text).toContain('\nError\n  server for head exited before it was ready (exit code 3)\n  Hint: ');
    expect(text).not.toContain('no comparison');
  });

  it('colors only when asked, and color changes nothing but the escape codes', () => {
    const report = makeReport('regression');
    const plain = renderTerminal(report);
    const colored = renderTerminal(report, { color: true });
    expect(plain).not.toContain(ESC);
    expect(colored.split('\n')[0]).toBe(`${ESC}[1;31m✗ perfgate: performance regression${ESC}[0m`);
    expect(colored).toContain(`${ESC}[31mregression${ESC}[0m`);
    expect(colored).toContain(`${ESC}[33minconclusive${ESC}[0m`);
    expect(stripAnsi(colored)).toBe(plain);
  });

  it('shows control characters in names and errors instead of sending them to the terminal', () => {
    const report = makeReport('failed', { error: `boom${ESC}]0;pwned\u0007\u202eevil` });
    const renamed = {
      ...report,
      trials: report.trials.map((trial) => ({ ...trial, scenario: `${trial.scenario}${ESC}[2J\nnext` })),
    };
    const text = renderTerminal(renamed, { color: false });
    expect(text).not.toContain(ESC);
    expect(text).not.toContain('\u0007');
    expect(text).not.toContain('\u202e');
    expect(text).toContain('  boom\\x1b]0;pwned\\x07\\u202eevil');
    expect(text).toContain('  list-items\\x1b[2J next');
  });
});
