// The profile tables of the report, on real py-spy recordings of the stdlib example.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildProfile,
  diffFunctions,
  fromSpeedscope,
  relativizeFrames,
  summarizeFunctions,
} from '../../src/profile/index.js';
import {
  renderFunctionDiff,
  renderHotFunctions,
  renderMarkdown,
  renderTerminal,
} from '../../src/report/index.js';
import { makeReport } from './report-fixture.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/profiles');
const load = (name: string, root: string) =>
  relativizeFrames(fromSpeedscope(JSON.parse(readFileSync(path.join(fixtures, name), 'utf8'))), [root]);
const base = load('stdlib-base.py-spy.speedscope.json', '/work/main/examples/stdlib');
const again = load('stdlib-base-again.py-spy.speedscope.json', '/work/main/examples/stdlib');
const head = load('stdlib-regressed.py-spy.speedscope.json', '/work/main/examples/stdlib/variants/regressed');

describe('renderFunctionDiff', () => {
  it('names the slower function in the first row with both shares and the growth in points', () => {
    const table = renderFunctionDiff(diffFunctions(base, head), { top: 5 });
    const lines = table.split('\n');
    expect(lines[0]).toBe('| function | where | base (self) | head (self) | change |');
    expect(lines).toHaveLength(2 + 5);
    expect(lines[2]).toMatch(
      /^\| <code>score<\/code> \| app\.py:67 \| 3\d\.\d% \| 5\d\.\d% \| \+2\d\.\d pp \|$/,
    );
    // No worktree or installation path leaks into the table.
    expect(table).not.toMatch(/\/work\/|\/root\/|\/tmp\//);
  });

  it('marks every change of an A/A pair as noise', () => {
    const rows = renderFunctionDiff(diffFunctions(base, again)).split('\n').slice(2);
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) expect(row).toMatch(/\| ~ [+−±]\d+\.\d pp \|$/);
  });

  it('escapes names from user code and shortens long ones, keeping file name and line', () => {
    const hostile = {
      name: `render_<script>alert(1)</script>_|_${'x'.repeat(80)}`,
      file: `src/${'deeply/'.repeat(12)}views|admin.py`,
      line: 1234,
    };
    const profile = (weight: number) =>
      buildProfile('none', [
        { frames: [{ name: 'main' }, hostile], weight },
        { frames: [{ name: 'main' }], weight: 100 - weight },
      ]);
    const table = renderFunctionDiff(diffFunctions(profile(10), profile(40)));
    const row = table.split('\n')[2] ?? '';
    expect(row).not.toContain('<script>');
    expect(row).toContain('…');
    expect(row).toContain('views\\|admin.py:1234');
    // The pipe inside the name cannot split the row: five cells exactly.
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(5);
  });

  it('gives nothing for no rows', () => {
    expect(renderFunctionDiff([])).toBe('');
  });
});

describe('renderHotFunctions', () => {
  it('lists one side’s top functions by self share with their total share', () => {
    const table = renderHotFunctions(summarizeFunctions(head), { top: 3 });
    const lines = table.split('\n');
    expect(lines[0]).toBe('| function | where | self | total |');
    expect(lines[2]).toMatch(/^\| <code>score<\/code> \| app\.py:67 \| 5\d\.\d% \| \d+\.\d% \|$/);
    expect(lines).toHaveLength(5);
  });
});

describe('the Profiles section of the reports', () => {
  const profiled = (scenario: string) => ({
    scenario,
    durationMs: 5000,
    samples: { base: base.sampleCount ?? 0, head: head.sampleCount ?? 0 },
    top: { base: summarizeFunctions(base).slice(0, 20), head: summarizeFunctions(head).slice(0, 20) },
    topByTotal: {
      base: summarizeFunctions(base)
        .sort((a, b) => b.total - a.total)
        .slice(0, 20),
      head: summarizeFunctions(head)
        .sort((a, b) => b.total - a.total)
        .slice(0, 20),
    },
    diff: diffFunctions(base, head).slice(0, 20),
    files: [`profiles/${scenario}-base.speedscope.json`, `profiles/${scenario}-head.speedscope.json`],
  });
  const report = makeReport('regression', {
    profiles: {
      tool: 'py-spy 0.4.3',
      reason: 'auto: py-spy is installed',
      notices: ['health: the head server could not be profiled (py-spy exited with 1: Permission denied).'],
      scenarios: [profiled('list-items'), profiled('health')],
    },
  });

  it('opens the table of a regressed scenario and folds the others, in the Markdown', () => {
    const regressed = new Set(
      report.comparisons.filter((c) => c.gated && c.verdict === 'regression').map((c) => c.scenario),
    );
    expect([...regressed]).toEqual(['list-items']);
    const markdown = renderMarkdown(report);
    const section = markdown.slice(markdown.indexOf('#### Profiles'), markdown.indexOf('#### Conditions'));
    expect(section).toContain('#### Profiles · py-spy 0.4.3');
    expect(section).toMatch(
      /\*\*<code>list-items<\/code>: head against base \(\d+ and \d+ samples\)\*\*\n\n\| function \|/,
    );
    expect(section).toMatch(/<details><summary><code>health<\/code>: head against base/);
    expect(section).toContain('could not be profiled');
    expect(section).toContain('<code>profiles/list-items-head.speedscope.json</code>');
    expect(section).toContain('https://www.speedscope.app');
  });

  it('folds each side’s top functions by self and by total share under every scenario', () => {
    const markdown = renderMarkdown(report);
    const folded = markdown.slice(
      markdown.indexOf('<details><summary><code>list-items</code>: top functions of each side'),
    );
    const block = folded.slice(0, folded.indexOf('</details>'));
    expect(block.match(/\*\*(base|head), by (self|total) share\*\*/g)).toEqual([
      '**base, by self share**',
      '**base, by total share**',
      '**head, by self share**',
      '**head, by total share**',
    ]);
    // head by self share starts with score; by total share with the request's outermost frames.
    const headSelf = block.slice(block.indexOf('**head, by self share**'));
    expect(headSelf.split('\n')[4]).toMatch(/^\| <code>score<\/code> \| app\.py:67 \| 5\d\.\d% \|/);
    const headTotal = block.slice(block.indexOf('**head, by total share**'));
    expect(headTotal.split('\n')[4]).toMatch(/\| 9\d\.\d% \|$|\| 100\.0% \|$/);
  });

  it('says why there are no profiles when no profiler could run', () => {
    const none = makeReport('unchanged', {
      profiles: {
        reason: 'auto: py-spy is not installed, so nothing was profiled',
        notices: [],
        scenarios: [],
      },
    });
    expect(renderMarkdown(none)).toContain('#### Profiles\n\n_No profiles: auto: py-spy is not installed');
    expect(renderTerminal(none)).toContain('none: auto: py-spy is not installed');
  });

  it('says what a tracer’s and tracemalloc’s shares are of, with their totals, and how to open their files', () => {
    const traced = makeReport('regression', {
      profiles: {
        tool: 'cProfile',
        reason: 'auto: py-spy is not installed, so cProfile',
        notices: [],
        scenarios: [
          {
            ...profiled('list-items'),
            samples: { base: 0, head: 0 },
            measure: 'traced-cpu' as const,
            totals: { base: 1.916, head: 2.404 },
            files: ['profiles/list-items-base.speedscope.json', 'profiles/list-items-base-4242.pstats'],
          },
        ],
      },
    });
    const markdown = renderMarkdown(traced);
    expect(markdown).toContain('One 5 s profiled load window per side and scenario');
    expect(markdown).toContain(
      '**<code>list-items</code>: head against base (1.92 s and 2.40 s of CPU time traced)**',
    );
    expect(markdown).toContain('Self share: of all CPU time the tracer measured');
    expect(markdown).toContain('open in snakeviz');
    expect(markdown).not.toContain('.cpuprofile');
    const memory = makeReport('regression', {
      profiles: {
        tool: 'tracemalloc',
        reason: 'profile.tool: tracemalloc (growth of live memory over the window)',
        notices: [],
        scenarios: [
          {
            ...profiled('list-items'),
            measure: 'memory-growth' as const,
            totals: { base: 12_288, head: 3_565_158 },
          },
        ],
      },
    });
    expect(renderMarkdown(memory)).toContain('(12.0 KiB and 3.4 MiB allocated and still live)');
    expect(renderMarkdown(memory)).toContain(
      'of the memory allocated in the windows and still live at their end',
    );
    expect(renderTerminal(memory)).toMatch(
      /list-items: functions whose share of memory growth grew most, head against base \(12\.0 KiB and 3\.4 MiB allocated and still live\)/,
    );
  });

  it('says how many windows each side had and how much wider than sampling noise they made the mark', () => {
    const windowed = makeReport('regression', {
      profiles: {
        tool: 'py-spy 0.4.3',
        reason: 'auto: py-spy is installed',
        notices: [],
        scenarios: [{ ...profiled('list-items'), windows: { base: 2, head: 2 }, dispersion: 3.14 }],
      },
    });
    const markdown = renderMarkdown(windowed);
    expect(markdown).toContain('2 profiled load windows of 2.5 s per side and scenario');
    expect(markdown).toMatch(/head against base \(\d+ and \d+ samples; 2 windows per side, noise ×3\.1\)/);
  });

  it('has no Profiles section when the phase did not run', () => {
    expect(renderMarkdown(makeReport('unchanged'))).not.toContain('Profiles');
    expect(renderTerminal(makeReport('unchanged'))).not.toContain('Profiles');
  });

  it('lists the top growing functions and the files in the terminal', () => {
    const text = renderTerminal(report);
    expect(text).toMatch(
      /Profiles \(py-spy 0\.4\.3\)\n  list-items: functions whose share of samples grew most/,
    );
    expect(text).toMatch(/score\s+app\.py:67\s+3\d\.\d%\s+5\d\.\d%\s+\+2\d\.\d pp/);
    expect(text).toContain('profiles/list-items-base.speedscope.json');
  });
});
