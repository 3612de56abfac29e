import { describe, expect, it } from 'vitest';
import type { MetricName } from '../../src/model/metrics.js';
import {
  confidenceLabel,
  formatBytes,
  formatChange,
  formatDurationMs,
  formatInterval,
  formatValue,
  tableConfidence,
} from '../../src/report/index.js';

const MIB = 1024 * 1024;

describe('formatValue', () => {
  const cases: readonly [MetricName, number, string][] = [
    ['throughput', 5432.4, '5,432 req/s'],
    ['throughput', 1_234_567.8, '1,234,568 req/s'],
    ['throughput', 812.5, '813 req/s'],
    ['throughput', 0, '0 req/s'],
    ['latency_p50', 0.41234, '0.412 ms'],
    ['latency_p50', 0.0412, '0.0412 ms'],
    ['latency_p90', 12.345, '12.3 ms'],
    ['latency_p90', 9.996, '10.0 ms'],
    ['latency_p99', 123.45, '123 ms'],
    ['latency_p99', 999.7, '1.00 s'],
    ['latency_p99', 1234, '1.23 s'],
    ['latency_p50', 0, '0 ms'],
    ['cpu_per_request', 1.1462, '1.15 CPU ms/req'],
    ['cpu_per_request', 0.0829, '0.0829 CPU ms/req'],
    ['rss_peak', 512, '512 B'],
    ['rss_peak', 2048, '2.00 KiB'],
    ['rss_peak', 48.2 * MIB, '48.2 MiB'],
    ['rss_peak', 1_048_570, '1.00 MiB'],
    ['rss_peak', 3 * 1024 * MIB, '3.00 GiB'],
    ['error_rate', 0, '0%'],
    ['error_rate', 0.0012, '0.120%'],
    ['error_rate', 0.5, '50.0%'],
    ['throughput', Number.NaN, 'n/a'],
    ['latency_p50', Infinity, '∞'],
  ];
  it.each(cases)('%s %d → %s', (metric, value, expected) => {
    expect(formatValue(metric, value)).toBe(expected);
  });
});

describe('formatChange', () => {
  const cases: readonly [number, boolean | undefined, string][] = [
    [0.382, undefined, '+38.2%'],
    [0.382, true, '+38.2%'],
    [-0.04, undefined, '-4.0%'],
    [0, undefined, '0.0%'],
    [0.00004, undefined, '0.0%'],
    [-0.00004, undefined, '0.0%'],
    [0.012, false, '~ +1.2%'],
    [-0.0349, false, '~ -3.5%'],
    [12.345, undefined, '+1,234.5%'],
    [-1, undefined, '-100.0%'],
    [Number.NaN, undefined, 'n/a'],
  ];
  it.each(cases)('%d (significant: %s) → %s', (change, significant, expected) => {
    expect(formatChange(change, significant === undefined ? {} : { significant })).toBe(expected);
  });

  it('formats a confidence interval from its two ends', () => {
    expect(formatInterval([0.31, 0.459])).toBe('+31.0% … +45.9%');
    expect(formatInterval([-0.047, 0.394])).toBe('-4.7% … +39.4%');
  });

  it('prints a change of a fraction (error_rate) in percentage points', () => {
    expect(formatChange(1, { scale: 'points' })).toBe('+100.0 pp');
    expect(formatChange(-0.004, { scale: 'points', significant: false })).toBe('~ -0.4 pp');
    expect(formatInterval([0, 0.25], 'points')).toBe('0.0 pp … +25.0 pp');
  });

  it('labels an interval with the confidence it has, rounded down so it never claims more', () => {
    expect(confidenceLabel(0.95)).toBe('95% CI');
    expect(confidenceLabel(0.9)).toBe('90% CI');
    expect(confidenceLabel(0.999)).toBe('99.9% CI');
    expect(confidenceLabel(0.94787)).toBe('94.7% CI');
    expect(confidenceLabel(0.75)).toBe('75% CI');
    expect(tableConfidence([{ confidence: 0.98 }, { confidence: 0.945 }])).toBe(0.945);
  });
});

describe('formatDurationMs and formatBytes', () => {
  const durations: readonly [number, string][] = [
    [412, '412 ms'],
    [0.5, '0.5 ms'],
    [999.7, '1 s'],
    [5000, '5 s'],
    [35_210, '35.2 s'],
    [59_999, '1 min'],
    [251_300, '4 min 11 s'],
    [3_723_000, '1 h 02 min'],
  ];
  it.each(durations)('%d ms → %s', (ms, expected) => {
    expect(formatDurationMs(ms)).toBe(expected);
  });

  it('moves to the next binary unit only when the rounded value reaches 1024', () => {
    expect(formatBytes(1023)).toBe('1,023 B');
    expect(formatBytes(1024)).toBe('1.00 KiB');
    expect(formatBytes(1023.4 * 1024)).toBe('1,023 KiB');
    expect(formatBytes(1023.6 * 1024)).toBe('1.00 MiB');
  });
});
