import { describe, expect, it } from 'vitest';
import type { GateReport } from '../../src/model/results.js';
import { renderMarkdown } from '../../src/report/index.js';
import { makeReport, type FixtureKind } from './report-fixture.js';

const MARKER = '<!-- perfgate:perfgate.yml -->';
const KINDS: readonly FixtureKind[] = [
  'regression',
  'improvement',
  'unchanged',
  'inconclusive',
  'failed',
  'interrupted',
];

/** Pipes that split a table cell (not escaped with a backslash). */
function countCellPipes(line: string): number {
  return line.match(/(?<!\\)\|/g)?.length ?? 0;
}

/** The table that follows `heading` (up to the next blank line). */
function tableAfter(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  expect(start, `heading ${heading}`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', start + 2);
  return lines.slice(start + 2, end);
}

describe('renderMarkdown golden files', () => {
  // Regenerate after an intended change: npx vitest run test/unit/report-markdown.test.ts -u
  it.each(KINDS)('%s report matches its .md golden file', async (kind) => {
    await expect(renderMarkdown(makeReport(kind), { marker: MARKER })).toMatchFileSnapshot(
      `../fixtures/report/${kind}.md`,
    );
  });
});

describe('renderMarkdown verdict', () => {
  it.each([
    ['regression', '### ❌ perfgate: performance regression'],
    ['improvement', '### 🚀 perfgate: performance improvement'],
    ['unchanged', '### ✅ perfgate: no regression'],
    ['inconclusive', '### ⚠️ perfgate: inconclusive'],
    ['failed', '### 💥 perfgate: run failed'],
    ['interrupted', '### ⏹️ perfgate: interrupted'],
  ] as const)('leads a %s report with its verdict, right after the marker', (kind, heading) => {
    const lines = renderMarkdown(makeReport(kind), { marker: MARKER }).split('\n');
    expect(lines[0]).toBe(MARKER);
    expect(lines[2]).toBe(heading);
  });

  it('starts with the heading when no marker is given, and names the title', () => {
    const markdown = renderMarkdown(makeReport('unchanged'), { title: 'perfgate (api.yml)' });
    expect(markdown.split('\n')[0]).toBe('### ✅ perfgate (api.yml): no regression');
  });

  it('says which scenario × metric regressed, by how much, with its interval, then the commits', () => {
    const lines = renderMarkdown(makeReport('regression')).split('\n');
    // Numbers from the recorded readings through the real compare step (report-fixture.ts).
    expect(lines[2]).toBe(
      'Regressed: <code>list-items</code> cpu_per_request +12.9% (94.5% CI +9.0% … +19.5%), ' +
        'throughput -10.1% (94.5% CI -14.1% … -6.4%).',
    );
    expect(lines[4]).toBe(
      'Base <code>main</code> @ <code>1f3c9a7</code> → head <code>feature/paginate-items</code> @ <code>5d6e7f8</code> · PR #42.',
    );
  });

  it('marks an unsettled change with ~ in the inconclusive summary and says how big a change it looks for', () => {
    const inconclusive = renderMarkdown(makeReport('inconclusive')).split('\n')[2];
    expect(inconclusive).toMatch(
      /^Not enough evidence to decide for <code>list-items<\/code> latency_p50 ~ -11\.4% \(75% CI /,
    );
    const unchanged = renderMarkdown(makeReport('unchanged')).split('\n')[2];
    expect(unchanged).toBe(
      'Every gated metric was shown to be within ±8% (4 comparisons across 2 scenarios).',
    );
  });

  it('shows only the short SHA when the ref is the SHA itself', () => {
    const report = makeReport('unchanged');
    const markdown = renderMarkdown({ ...report, base: { ref: report.base.sha, sha: report.base.sha } });
    expect(markdown).toContain('Base <code>1f3c9a7</code> → head');
  });
});

describe('renderMarkdown tables', () => {
  it('lists gated metrics first in bold, then the others, with units and verdict cells', () => {
    const rows = tableAfter(
      renderMarkdown(makeReport('regression')),
      '#### <code>list-items</code> · GET <code>/items?page=1</code>',
    );
    // The interval's label is the confidence it really has at the stopping look (8 pairs, p ≤ 0.0382).
    expect(rows[0]).toBe('| metric | base | head | change | 94.5% CI | verdict |');
    const metrics = rows.slice(2).map((row) => row.split(' | ')[0]?.slice(2));
    // error_rate always gates (a correctness guard), after the metrics gate.metrics names.
    expect(metrics).toEqual([
      '**cpu_per_request**',
      '**latency_p50**',
      '**throughput**',
      '**error_rate**',
      'latency_p90',
      'latency_p99',
      'rss_peak',
    ]);
    expect(rows[2]).toMatch(
      /^\| \*\*cpu_per_request\*\* \| 0\.\d{3} CPU ms\/req \| 0\.\d{3} CPU ms\/req \| \+12\.9% \| .* \| regression ❌ \|$/,
    );
    expect(rows[4]).toMatch(/\| 1,\d{3} req\/s \| 1,\d{3} req\/s \| -10\.1% \|/);
    expect(rows[5]).toBe('| **error_rate** | 0% | 0% | ~ 0.0 pp | 0.0 pp … 0.0 pp | unchanged |');
    expect(rows.find((row) => row.includes('rss_peak'))).toMatch(
      /MiB \| \d+\.\d MiB \| ~ -\d\.\d% \| .* \| unchanged \|$/,
    );
    expect(rows.find((row) => row.includes('latency_p50'))).toMatch(/\| inconclusive ⚠️ \|$/);
  });

  it('lists comparison warnings under their table and gate warnings in their own list', () => {
    const markdown = renderMarkdown(makeReport('inconclusive'));
    expect(markdown).toContain(
      '- ⚠️ cpu_per_request, latency_p50, throughput, latency_p90, latency_p99, rss_peak: 3 pair(s) can never reach p ≤ 0.05',
    );
    expect(markdown).toContain('#### Warnings\n\n- ⚠️ the time budget (180 s) allowed 3 of up to 12 pairs');
  });

  it('reports the conditions and folds the per-trial readings', () => {
    const markdown = renderMarkdown(makeReport('regression'));
    for (const label of ['Pairs', 'Load', 'Gate', 'CPU steal', 'Runner', 'Wall time', 'Config']) {
      expect(markdown).toContain(`- **${label}:** `);
    }
    expect(markdown).toContain('- **Pairs:** 8 compared of up to 20 per scenario within a 3 min budget;');
    expect(markdown).toContain('AMD EPYC 7763 64-Core Processor, 4 cores');
    expect(markdown).toContain(
      '4 min 11 s total (build 35.2 s, start 4.12 s, warmup 12 s, trials 3 min 18 s)',
    );
    expect(markdown).toContain('<details><summary>Per-trial readings (32 trials)</summary>');
    expect(markdown).toContain(
      'regression = shown worse by more than 1.5% (half the 3% threshold) by a one-sided signed-rank test at p ≤ 0.0382',
    );
  });
});

describe('renderMarkdown failed runs', () => {
  it('shows the error in a code block and the trials that did run, with no verdict table', () => {
    const markdown = renderMarkdown(makeReport('failed'));
    expect(markdown).toContain(
      'The run stopped before it finished, so nothing was gated (8 trial readings taken).',
    );
    expect(markdown).toContain(
      '```text\nserver for head exited before it was ready (exit code 3)\nHint: run the server command',
    );
    expect(markdown).toContain("ImportError: cannot import name 'paginate' from 'app.db'");
    expect(markdown).toContain('<details><summary>Per-trial readings (8 trials)</summary>');
    expect(markdown).not.toContain('| metric | base | head |');
  });

  it('says so when a failed report carries no error text and no trials', () => {
    const markdown = renderMarkdown(makeReport('failed', { error: undefined, trials: [] }));
    expect(markdown).toContain('```text\nno error recorded\n```');
    expect(markdown).toContain('(0 trial readings taken)');
    expect(markdown).not.toContain('<details>');
  });
});

describe('renderMarkdown interrupted runs', () => {
  it('says which signal stopped the gate after how many pairs, and keeps the trials measured', () => {
    const markdown = renderMarkdown(makeReport('interrupted'));
    expect(markdown).toContain(
      'Interrupted by SIGINT during the trials after 3 pairs, so nothing was gated (12 trial readings kept).',
    );
    expect(markdown).toContain('<details><summary>Per-trial readings (12 trials)</summary>');
    expect(markdown).not.toContain('**Error**');
    expect(markdown).not.toContain('| metric | base | head |');
  });
});

describe('renderMarkdown escaping', () => {
  const hostile = 'a|b<script>alert(1)</script>`x`\n| injected | row |';

  function withHostileName(report: GateReport): GateReport {
    const rename = <T extends { readonly scenario: string }>(item: T): T =>
      item.scenario === 'list-items' ? { ...item, scenario: hostile } : item;
    return {
      ...report,
      scenarios: report.scenarios.map((s) =>
        s.name === 'list-items' ? { ...s, name: hostile, path: '/x?a=1|2' } : s,
      ),
      comparisons: report.comparisons.map(rename),
      trials: report.trials.map(rename),
      head: { ref: 'evil`ref\n# heading', sha: report.head.sha },
      warnings: ['<img src=x onerror=alert(1)> *bold* [link](http://127.0.0.1/)'],
    };
  }

  it('keeps a hostile scenario name inside its table cell and out of the HTML', () => {
    const markdown = renderMarkdown(withHostileName(makeReport('regression')), { marker: MARKER });
    expect(markdown).not.toMatch(/<script|<img/i);
    expect(markdown).toContain(
      '<code>a\\|b&lt;script&gt;alert(1)&lt;/script&gt;\\`x\\` \\| injected \\| row \\|</code>',
    );
    expect(markdown).not.toMatch(/^\| injected/m);
    expect(markdown).not.toMatch(/^# heading/m);
    expect(markdown).toContain('&lt;img src=x onerror=alert(1)&gt; \\*bold\\* \\[link\\](http://127.0.0.1/)');
    // Every row of every table has as many cell-splitting pipes as its header.
    const blocks = markdown.split('\n\n').filter((block) => block.startsWith('| '));
    expect(blocks.length).toBe(4);
    for (const block of blocks) {
      const [header = '', ...rows] = block.split('\n');
      for (const row of rows) expect(countCellPipes(row), row).toBe(countCellPipes(header));
    }
  });

  it('lengthens the code fence around an error that contains backticks', () => {
    const markdown = renderMarkdown(
      makeReport('failed', { error: 'boom\n```\n</details><script>x</script>' }),
    );
    expect(markdown).toContain('````text\nboom\n```\n</details><script>x</script>\n````');
  });
});

describe('renderMarkdown size limit', () => {
  function bigReport(): GateReport {
    const report = makeReport('regression');
    // 150 copies of the trials: the per-trial details alone are far over the comment limit.
    const trials = Array.from({ length: 150 }, (_, copy) =>
      report.trials.map((trial) => ({ ...trial, pair: trial.pair + copy * 6 })),
    ).flat();
    return { ...report, trials };
  }

  it('drops the per-trial readings first and keeps every comparison', () => {
    const report = bigReport();
    expect(renderMarkdown(report, { maxChars: Infinity }).length).toBeGreaterThan(65_000);
    const markdown = renderMarkdown(report, { marker: MARKER });
    expect(markdown.length).toBeLessThanOrEqual(65_000);
    expect(markdown.startsWith(`${MARKER}\n`)).toBe(true);
    expect(markdown).not.toContain('<details>');
    expect(markdown).toContain('_Per-trial readings omitted to fit; see report.json artifact._');
    expect(markdown).toContain('#### <code>health</code>');
    expect(markdown).toContain('#### Conditions');
  });

  it('then cuts whole sections and says where the rest is', () => {
    const maxChars = 1500;
    const markdown = renderMarkdown(makeReport('failed', { error: 'x\n'.repeat(5000) }), {
      marker: MARKER,
      maxChars,
    });
    expect(markdown.length).toBeLessThanOrEqual(maxChars);
    expect(markdown.startsWith(`${MARKER}\n\n### 💥 perfgate: run failed`)).toBe(true);
    expect(markdown.trimEnd().endsWith('_… truncated; see report.json artifact._')).toBe(true);
    const fences = markdown.split('\n').filter((line) => /^`{3,}/.test(line));
    expect(fences.length % 2).toBe(0);
  });

  it('leaves a report that fits untouched', () => {
    const markdown = renderMarkdown(makeReport('regression'));
    expect(markdown).not.toContain('truncated');
    expect(markdown).toContain('<details>');
    expect(markdown.endsWith('</sub>\n')).toBe(true);
  });
});

describe('renderMarkdown of a sequential gate', () => {
  it('renders significance and confidence from each comparison, never re-deciding them', () => {
    const base = makeReport('regression');
    const report = {
      ...base,
      comparisons: base.comparisons.map((c) =>
        c.scenario === 'list-items' && c.metric === 'rss_peak'
          ? { ...c, significant: true }
          : c.scenario === 'list-items' && c.metric === 'cpu_per_request'
            ? { ...c, significant: false }
            : c.scenario === 'health'
              ? { ...c, confidence: 0.9 }
              : c,
      ),
    };
    const markdown = renderMarkdown(report);
    expect(markdown).toMatch(/\| rss_peak \|[^\n]*\| -0\.2% \|/);
    expect(markdown).toMatch(/\| \*\*cpu_per_request\*\* \|[^\n]*\| ~ \+12\.9% \|/);
    expect(markdown).toContain('| metric | base | head | change | 90% CI | verdict |');
    expect(markdown).toContain('(looks at 8, 12 pairs)');
  });
});

describe('renderMarkdown of a duet gate', () => {
  it('says both sides of each pair ran at the same time instead of counting who ran first', () => {
    const base = makeReport('regression');
    const markdown = renderMarkdown({ ...base, gate: { ...base.gate, pairing: 'duet' } });
    expect(markdown).toContain('base and head measured at the same time in each pair (duet)');
    expect(markdown).not.toContain('base ran first');
    // A report from before duets (no pairing) reads as sequential.
    const older = { ...base.gate };
    delete older.pairing;
    expect(renderMarkdown({ ...base, gate: older })).toMatch(/base ran first in \d+ of \d+ pairs/);
  });
});
