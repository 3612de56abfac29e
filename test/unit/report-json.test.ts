import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/index.js';
import { makeReport } from './report-fixture.js';

describe('renderJson', () => {
  it('round-trips the report, pretty-printed with 2 spaces and a trailing newline', () => {
    const report = makeReport('regression');
    const json = renderJson(report);
    expect(JSON.parse(json)).toEqual(report);
    expect(json.endsWith('}\n')).toBe(true);
    expect(json.split('\n')[1]).toBe('  "schemaVersion": 2,');
  });

  it('writes an interrupted report with its signal, phase and pairs, and its trials', () => {
    const parsed: unknown = JSON.parse(renderJson(makeReport('interrupted')));
    expect(parsed).toMatchObject({
      status: 'interrupted',
      interruption: { signal: 'SIGINT', phase: 'trials', pairs: 3 },
      verdict: 'inconclusive',
      comparisons: [],
    });
    expect((parsed as { trials: unknown[] }).trials).toHaveLength(12);
  });

  it('keeps the keys in the order of the object', () => {
    const report = makeReport('failed');
    const parsed: unknown = JSON.parse(renderJson(report));
    expect(Object.keys(parsed as object)).toEqual(Object.keys(report));
    expect(Object.keys(parsed as object).slice(0, 5)).toEqual([
      'schemaVersion',
      'tool',
      'status',
      'error',
      'configPath',
    ]);
  });
});
