import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GAB_SCRIPT_PREFIX, parseGabRange } from '../../src/history/gab-format.js';
import { DEFAULT_GAB_MAX_BYTES, exportGab, importGab } from '../../src/history/gab.js';
import { parseHistory, renderHistory } from '../../src/history/history-file.js';
import { HISTORY_SCHEMA_VERSION, type History, type HistoryPoint } from '../../src/history/model.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/gab/${name}`, import.meta.url), 'utf8');
const TOKIO = fixture('tokio-cargo-data.js');
const RUNEIO = fixture('runeio-go-data.js');

const point = (history: History, index: number, scenario: string, metric: string): HistoryPoint | undefined =>
  history.entries[index]?.points.find((p) => p.scenario === scenario && p.metric === metric);

/** A one-suite data file with the given runs (commit id, date, tool, benches). */
function dataFile(
  runs: { id: string; date: number; tool?: string; benches: unknown[] }[],
  suite = 'Benchmark',
): string {
  return `${GAB_SCRIPT_PREFIX}${JSON.stringify({
    lastUpdate: 1,
    repoUrl: 'https://github.com/o/r',
    entries: {
      [suite]: runs.map(({ id, date, tool = 'go', benches }) => ({
        commit: { id, message: 'm', url: `https://github.com/o/r/commit/${id}`, author: {}, committer: {} },
        date,
        tool,
        benches,
      })),
    },
  })}`;
}
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('importGab on real data.js files', () => {
  const tokio = importGab(TOKIO, { source: 'tokio data.js' });

  it('merges the four suites that ran on each tokio commit into one entry per commit, oldest first', () => {
    expect(tokio.schemaVersion).toBe(HISTORY_SCHEMA_VERSION);
    expect(tokio.entries.map((entry) => entry.sha.slice(0, 7))).toEqual([
      '97c2c42',
      '0ea2307',
      '7d11aa8',
      '479c545',
      'f927f01',
      'ae67851',
      '874fc33',
    ]);
    // 5 + 4 + 5 + 10 benchmarks
    expect(tokio.entries.map((entry) => entry.points.length)).toEqual([24, 24, 24, 24, 24, 24, 24]);
    expect(new Set(tokio.entries[0]?.points.map((p) => p.scenario))).toEqual(
      new Set(['sync_semaphore', 'rt_multi_threaded', 'sync_rwlock', 'sync_mpsc']),
    );
    // the latest of the commit's four runs (sync_mpsc, at 1605330134859 ms)
    expect(tokio.entries[0]?.finishedAt).toBe('2020-11-14T05:02:14.859Z');
  });

  it('keeps a known value, its unit, its ± range, and better = lower for cargo', () => {
    expect(point(tokio, 0, 'sync_semaphore', 'contended_concurrent_multi')).toEqual({
      scenario: 'sync_semaphore',
      metric: 'contended_concurrent_multi',
      unit: 'ns/iter',
      better: 'lower',
      median: 15308,
      n: 0,
      range: [15308 - 4599, 15308 + 4599],
    });
    expect(tokio.entries.every((entry) => entry.points.every((p) => p.better === 'lower'))).toBe(true);
    expect(tokio.entries[0]?.commit).toEqual({
      message: 'chore: automate running benchmarks (#3140)',
      author: 'carllerche',
      url: 'https://github.com/timbrehifi/tokio/commit/97c2c4203cd7c42960cac895987c43a17dff052e',
    });
  });

  it('yields a History that history.json reads back', () => {
    expect(parseHistory(renderHistory(tokio))).toEqual(tokio);
  });

  it('reads runeio (go): 10 commits, a benchmark added from the 4th, no ranges, better = lower', () => {
    const runeio = importGab(RUNEIO);
    expect(runeio.entries).toHaveLength(10);
    expect(runeio.entries.map((entry) => entry.points.length)).toEqual([6, 6, 6, 7, 9, 10, 11, 11, 11, 10]);
    expect(point(runeio, 2, 'Benchmark', 'BenchmarkReadRune')).toBeUndefined();
    expect(point(runeio, 3, 'Benchmark', 'BenchmarkReadRune')).toMatchObject({
      median: 18.63,
      unit: 'ns/op',
      better: 'lower',
    });
    expect(runeio.entries.flatMap((entry) => entry.points).some((p) => p.range !== undefined)).toBe(false);
    expect(runeio.entries[0]?.commit?.message).toBe('ci: Fix benchmark push on main workflow');
  });

  it('reads the JSON without the window.BENCHMARK_DATA prefix the same, and one suite alone', () => {
    expect(importGab(TOKIO.slice(GAB_SCRIPT_PREFIX.length))).toEqual(tokio);
    const mpsc = importGab(TOKIO, { suite: 'sync_mpsc' });
    expect(mpsc.entries).toHaveLength(7);
    expect(mpsc.entries[0]?.points.map((p) => p.scenario)).toEqual(Array(10).fill('sync_mpsc'));
    expect(() => importGab(TOKIO, { suite: 'sync_mutex', source: 'gh-pages data.js' })).toThrow(
      /^gh-pages data\.js: no suite "sync_mutex"; it holds "sync_semaphore", "rt_multi_threaded", "sync_rwlock", "sync_mpsc"$/,
    );
  });
});

describe('importGab: better directions', () => {
  const bench = { name: 'x', value: 5, unit: 'ops/sec' };
  it.each([
    ['benchmarkjs', 'higher'],
    ['pytest', 'higher'],
    ['customBiggerIsBetter', 'higher'],
    ['cargo', 'lower'],
    ['go', 'lower'],
    ['benchmarkluau', 'lower'],
    ['googlecpp', 'lower'],
    ['catch2', 'lower'],
    ['julia', 'lower'],
    ['jmh', 'lower'],
    ['benchmarkdotnet', 'lower'],
    ['customSmallerIsBetter', 'lower'],
  ])('%s → %s, whatever `better` says', (tool, better) => {
    const other = better === 'higher' ? 'lower' : 'higher';
    const history = importGab(dataFile([{ id: A, date: 1, tool, benches: [bench] }]), { better: other });
    expect(history.entries[0]?.points[0]?.better).toBe(better);
  });

  it('refuses a tool it does not know unless `better` is given', () => {
    const text = dataFile([{ id: A, date: 1, tool: 'hyperfine', benches: [bench] }]);
    expect(() => importGab(text, { source: 'old.js' })).toThrow(
      /^old\.js: suite "Benchmark" was written by tool "hyperfine", which github-action-benchmark does not list .*pass better: 'higher' or 'lower'/,
    );
    expect(importGab(text, { better: 'higher' }).entries[0]?.points[0]?.better).toBe('higher');
    // a prototype key is not a tool
    expect(() => importGab(dataFile([{ id: A, date: 1, tool: 'toString', benches: [bench] }]))).toThrow(
      /tool "toString"/,
    );
  });
});

describe('importGab: merging and order', () => {
  it('keeps the latest run when one suite ran a commit twice, and sorts by date', () => {
    const history = importGab(
      dataFile([
        { id: B, date: 3000, benches: [{ name: 'x', value: 2, unit: 'ns' }] },
        { id: A, date: 1000, benches: [{ name: 'x', value: 1, unit: 'ns' }] },
        { id: A.toUpperCase(), date: 2000, benches: [{ name: 'x', value: 1.5, unit: 'ns' }] },
      ]),
    );
    expect(history.entries.map((entry) => [entry.sha, entry.finishedAt, entry.points[0]?.median])).toEqual([
      [A, '1970-01-01T00:00:02.000Z', 1.5],
      [B, '1970-01-01T00:00:03.000Z', 2],
    ]);
  });

  it('leaves out a benchmark whose value is null (the action wrote NaN)', () => {
    const history = importGab(
      dataFile([
        {
          id: A,
          date: 1,
          benches: [
            { name: 'x', value: null, unit: 'ns' },
            { name: 'y', value: 3, unit: 'ns' },
          ],
        },
      ]),
    );
    expect(history.entries[0]?.points.map((p) => p.metric)).toEqual(['y']);
  });
});

describe('importGab refuses what it cannot trust', () => {
  it('refuses oversized input before parsing, naming the source', () => {
    expect(() => importGab('x'.repeat(DEFAULT_GAB_MAX_BYTES + 1), { source: 'big.js' })).toThrow(
      /^big\.js: larger than the 20971520-byte limit/,
    );
    expect(() => importGab(TOKIO, { maxBytes: 1000 })).toThrow(/^data\.js: larger than the 1000-byte limit/);
  });

  it('refuses text that is not JSON after the prefix', () => {
    expect(() => importGab('window.BENCHMARK_DATA = {', { source: 'a.js' })).toThrow(
      /^a\.js: not a github-action-benchmark data file: expected JSON/,
    );
  });

  it('names the field path of a shape violation', () => {
    const text = TOKIO.replace('"date": 1605733328591', '"date": "yesterday"');
    expect(text).not.toBe(TOKIO);
    expect(() => importGab(text, { source: 't.js' })).toThrow(
      /^t\.js: not a valid github-action-benchmark data file: entries\.sync_mpsc\[3\]\.date: /,
    );
    expect(() => importGab('{"entries": []}')).toThrow(/entries: /);
    expect(() => importGab(dataFile([{ id: 'abc', date: 1, benches: [] }]))).toThrow(
      /entries\.Benchmark\[0\]\.commit\.id: expected a 40-hex commit SHA/,
    );
  });
});

describe('parseGabRange', () => {
  it.each([
    ['± 4599', 15308, [10709, 19907]],
    ['± 1,234', 5000, [3766, 6234]],
    ['±1.5%', 200, [197, 203]],
    ['+- 3', 10, [7, 13]],
    ['stddev: 0.5', 2, [1.5, 2.5]],
    ['± 2e-3', 1, [0.998, 1.002]],
  ])('%s around %d', (range, value, expected) => {
    const parsed = parseGabRange(value, range);
    expect(parsed?.[0]).toBeCloseTo(expected[0] ?? Number.NaN, 9);
    expect(parsed?.[1]).toBeCloseTo(expected[1] ?? Number.NaN, 9);
  });

  it.each([undefined, '', 'about 5', '± fast', '3 - 5'])('%s is no range', (range) => {
    expect(parseGabRange(10, range)).toBeUndefined();
  });
});

describe('exportGab', () => {
  const history: History = {
    schemaVersion: HISTORY_SCHEMA_VERSION,
    tool: 'perfgate',
    entries: [1, 2, 3].map((run) => ({
      sha: String(run).repeat(40),
      finishedAt: `2026-12-0${run}T10:00:00.000Z`,
      commit: {
        message: `change ${run}`,
        author: 'octo',
        url: `https://github.com/o/r/commit/${String(run).repeat(40)}`,
      },
      points: [
        {
          scenario: 'list',
          metric: 'cpu_per_request',
          unit: 'CPU ms/req',
          better: 'lower',
          median: run,
          n: 8,
          range: [run - 0.25, run + 0.5],
        },
        { scenario: 'list', metric: 'throughput', unit: 'req/s', better: 'higher', median: 1000 * run, n: 8 },
      ],
    })),
  };

  it('writes a data.js the action reads back with its own loader (prefix sliced, JSON.parse)', () => {
    const text = exportGab(history);
    expect(text.startsWith(GAB_SCRIPT_PREFIX)).toBe(true);
    const data = JSON.parse(text.slice(GAB_SCRIPT_PREFIX.length)) as {
      lastUpdate: number;
      repoUrl: string;
      entries: Record<
        string,
        {
          commit: { id: string; committer: { username: string } };
          date: number;
          tool: string;
          benches: { name: string; value: number; range?: string; extra?: string }[];
        }[]
      >;
    };
    expect(Object.keys(data.entries)).toEqual(['list', 'list (higher is better)']);
    expect(data.lastUpdate).toBe(Date.parse('2026-12-03T10:00:00.000Z'));
    expect(data.repoUrl).toBe('https://github.com/o/r');
    const lower = data.entries.list?.[0];
    expect(lower?.tool).toBe('customSmallerIsBetter');
    expect(data.entries['list (higher is better)']?.[2]?.tool).toBe('customBiggerIsBetter');
    // index.html reads commit.committer.username in every tooltip, and date in ms
    expect(lower?.commit.committer.username).toBe('octo');
    expect(lower?.date).toBe(Date.parse('2026-12-01T10:00:00.000Z'));
    expect(lower?.benches).toEqual([
      {
        name: 'cpu_per_request',
        value: 1,
        unit: 'CPU ms/req',
        range: '± 0.5',
        extra: '8 trials\nrange 0.75 to 1.5 CPU ms/req',
      },
    ]);
  });

  it('writes a ± range without binary noise, as the tooltip shows it', () => {
    const noisy: History = {
      ...history,
      entries: [
        {
          ...history.entries[0]!,
          points: [{ ...history.entries[0]!.points[0]!, median: 1.25, range: [1.2, 1.31] }],
        },
      ],
    };
    expect(exportGab(noisy)).toContain('"range": "± 0.06"');
  });

  it('round-trips: importGab(exportGab(h)) keeps every value, unit, direction and scenario', () => {
    const back = importGab(exportGab(history));
    expect(back.entries.map((entry) => entry.sha)).toEqual(history.entries.map((entry) => entry.sha));
    history.entries.forEach((entry, index) => {
      expect(back.entries[index]?.finishedAt).toBe(entry.finishedAt);
      for (const p of entry.points) {
        const q = point(back, index, p.scenario, p.metric);
        expect(q).toMatchObject({ unit: p.unit, better: p.better, median: p.median });
        // the symmetric ± range covers the original one
        if (p.range) {
          expect(q?.range?.[0]).toBeLessThanOrEqual(p.range[0] + 1e-9);
          expect(q?.range?.[1]).toBeGreaterThanOrEqual(p.range[1] - 1e-9);
        } else expect(q?.range).toBeUndefined();
      }
    });
  });

  it('round-trips the imported tokio history exactly (its ranges are symmetric)', () => {
    const tokio = importGab(TOKIO);
    expect(importGab(exportGab(tokio))).toEqual(tokio);
  });

  it('exports one scenario with `suite`, and names the scenarios when it has no such one', () => {
    const other: History = {
      ...history,
      entries: history.entries.map((entry) => ({
        ...entry,
        points: [
          ...entry.points,
          { scenario: 'detail', metric: 'latency_p50', unit: 'ms', better: 'lower', median: 2, n: 8 },
        ],
      })),
    };
    const data = JSON.parse(exportGab(other, { suite: 'detail' }).slice(GAB_SCRIPT_PREFIX.length)) as {
      entries: Record<string, unknown[]>;
    };
    expect(Object.keys(data.entries)).toEqual(['detail']);
    expect(() => exportGab(other, { suite: 'nope' })).toThrow(/no scenario "nope"; it has "list", "detail"/);
  });

  it('writes committer "unknown" and an empty message when the commit is not known', () => {
    const bare: History = {
      ...history,
      entries: [{ sha: A, finishedAt: '2026-12-01T10:00:00Z', points: [] }],
    };
    expect(JSON.parse(exportGab(bare).slice(GAB_SCRIPT_PREFIX.length))).toEqual({
      lastUpdate: Date.parse('2026-12-01T10:00:00Z'),
      repoUrl: '',
      entries: {},
    });
    const one: History = {
      ...bare,
      entries: [{ ...bare.entries[0]!, points: [history.entries[0]!.points[1]!] }],
    };
    const run = (
      JSON.parse(exportGab(one).slice(GAB_SCRIPT_PREFIX.length)) as {
        entries: Record<string, { commit: object }[]>;
      }
    ).entries['list (higher is better)']?.[0];
    expect(run?.commit).toEqual({
      author: {},
      committer: { username: 'unknown' },
      id: A,
      message: '',
      timestamp: '2026-12-01T10:00:00Z',
      url: '',
    });
  });
});
