import { describe, expect, it } from 'vitest';
import {
  appendEntry,
  historyEntryFromReport,
  parseHistory,
  renderHistory,
} from '../../src/history/history-file.js';
import { HISTORY_SCHEMA_VERSION, type History, type HistoryEntry } from '../../src/history/model.js';
import { makeReport } from './report-fixture.js';

const SHA = 'a'.repeat(40);
const entry = (sha: string, runId?: number, median = 1): HistoryEntry => ({
  sha,
  finishedAt: '2026-12-01T10:00:00.000Z',
  ...(runId === undefined ? {} : { runId }),
  points: [
    { scenario: 'list', metric: 'cpu_per_request', unit: 'CPU ms/req', better: 'lower', median, n: 5 },
  ],
});
const history = (entries: HistoryEntry[]): History => ({
  schemaVersion: HISTORY_SCHEMA_VERSION,
  tool: 'perfgate',
  entries,
});

describe('parseHistory', () => {
  it('reads back what renderHistory wrote', () => {
    const h = history([entry(SHA, 7, 1.25)]);
    expect(parseHistory(renderHistory(h))).toEqual(h);
  });

  it('refuses text larger than maxBytes before parsing, naming the source', () => {
    expect(() => parseHistory('{not json at all', { maxBytes: 4, source: 'artifact history.json' })).toThrow(
      /^artifact history\.json: larger than the 4-byte limit/,
    );
    // multi-byte characters count as their UTF-8 bytes
    expect(() => parseHistory('"ééé"', { maxBytes: 6 })).toThrow(/larger than the 6-byte limit/);
  });

  it('refuses invalid JSON, another tool and another schemaVersion', () => {
    expect(() => parseHistory('{', { source: 'h.json' })).toThrow(/^h\.json: not valid JSON/);
    expect(() => parseHistory('{"tool":"bencher","schemaVersion":1,"entries":[]}')).toThrow(
      /"tool" is "bencher", expected "perfgate"/,
    );
    expect(() => parseHistory('{"tool":"perfgate","schemaVersion":2,"entries":[]}')).toThrow(
      /schemaVersion 2 found; this perfgate reads schemaVersion 1/,
    );
  });

  it('names the field path of a schema violation', () => {
    const h = history([entry(SHA), entry(SHA), entry(SHA), entry(SHA)]);
    const json = JSON.parse(renderHistory(h)) as { entries: { points: { median: unknown }[] }[] };
    const point = json.entries[3]?.points[0];
    if (point) point.median = 'fast';
    expect(() => parseHistory(JSON.stringify(json))).toThrow(/entries\[3\]\.points\[0\]\.median: /);
  });
});

describe('appendEntry', () => {
  it('keeps the last `limit` entries, oldest first', () => {
    let h: History | undefined;
    for (let i = 0; i < 5; i += 1) h = appendEntry(h, entry(String(i).repeat(40), i + 1), 3);
    expect(h?.entries.map((e) => e.runId)).toEqual([3, 4, 5]);
  });

  it('replaces an entry of the same sha and run instead of duplicating it', () => {
    const h = appendEntry(
      appendEntry(history([entry(SHA, 1, 1)]), entry('b'.repeat(40), 2)),
      entry(SHA, 1, 9),
    );
    expect(h.entries.map((e) => [e.sha[0], e.points[0]?.median])).toEqual([
      ['b', 1],
      ['a', 9],
    ]);
    expect(appendEntry(h, entry(SHA, 3)).entries).toHaveLength(3);
  });
});

describe('renderHistory', () => {
  it('renders the same bytes whatever order keys were built in', () => {
    const shuffled = { entries: [entry(SHA, 1)], tool: 'perfgate', schemaVersion: 1 } as const;
    expect(renderHistory(shuffled)).toBe(renderHistory(history([entry(SHA, 1)])));
    expect(renderHistory(shuffled)).toMatch(/^\{\n {2}"schemaVersion": 1,\n {2}"tool": "perfgate"/);
  });
});

describe('historyEntryFromReport', () => {
  it("records head's kept trials: median and interquartile range per scenario and metric", () => {
    const report = makeReport('regression');
    const built = historyEntryFromReport(report, { branch: 'main', runId: 42 });
    expect(built.sha).toBe(report.head.sha);
    expect(built.finishedAt).toBe(report.finishedAt);
    expect(built.configHash).toBe(report.configHash);
    const scenario = report.scenarios[0]?.name ?? '';
    const values = report.trials
      .filter((t) => t.side === 'head' && t.discarded === undefined && t.scenario === scenario)
      .map((t) => t.metrics.cpu_per_request)
      .sort((a, b) => a - b);
    const point = built.points.find((p) => p.scenario === scenario && p.metric === 'cpu_per_request');
    expect(point?.n).toBe(values.length);
    expect(point?.unit).toBe('CPU ms/req');
    expect(point?.better).toBe('lower');
    expect(point?.range?.[0]).toBeLessThanOrEqual(point?.median ?? NaN);
    expect(point?.range?.[1]).toBeGreaterThanOrEqual(point?.median ?? NaN);
    expect(parseHistory(renderHistory(appendEntry(undefined, built))).entries[0]).toEqual(built);
  });

  it('refuses a gate that did not complete', () => {
    expect(() => historyEntryFromReport(makeReport('failed'))).toThrow(/only a complete gate/);
  });
});
