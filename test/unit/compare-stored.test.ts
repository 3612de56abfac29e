import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPool, type PoolPair } from '../../bench/stats/pool-file.js';
import { estimateBetweenRunSpread } from '../../src/compare/between-run-spread.js';
import { compareGate } from '../../src/compare/compare-gate.js';
import { compareStored } from '../../src/compare/compare-stored.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import type { History, HistoryEntry } from '../../src/history/model.js';
import { HTTP_METRICS, METRICS, type MetricName } from '../../src/model/metrics.js';
import { median } from '../../src/stats/median.js';
import type { Comparison, TrialReading } from '../../src/model/results.js';

// Real trials (provenance: test/fixtures/pools/README.md): 40 pairs of A/A and of a head slowed by
// PERFGATE_SLOWDOWN 0.10 (+7.7% CPU per request over its whole pool).
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/pools');
const aa = readPool(path.join(fixtures, 'aa.jsonl'));
const slowed = readPool(path.join(fixtures, 'slowdown-10.jsonl'));
const SCENARIO = aa.header.scenario.name;
const GATE = DEFAULTS.gate;

/** The readings of one side of some pairs, as a head-only run (or the stored run) records them. */
function asHeadRun(pairs: readonly PoolPair[], side: 'base' | 'head'): TrialReading[] {
  return pairs.map((p) => ({ ...p[side], side: 'head' }));
}

const spreadOf =
  (sd: number, runs = 20) =>
  (): { sd: number; runs: number } => ({ sd, runs });

function cpu(comparisons: readonly Comparison[]): Comparison {
  const found = comparisons.find((c) => c.metric === ('cpu_per_request' satisfies MetricName));
  if (!found) throw new Error('no cpu_per_request comparison');
  return found;
}

describe('compareStored on recorded trials', () => {
  const halves = [
    [aa.pairs.slice(0, 20), aa.pairs.slice(20, 40)],
    [aa.pairs.slice(20, 40), aa.pairs.slice(0, 20)],
  ] as const;

  // The spread as history would learn it: runs of 5 trials of unchanged code, one after another.
  const learned = poolHistory(aa.pairs, 5);

  it.each([
    ['base', 'head'],
    ['head', 'base'],
    ['head', 'head'],
    ['base', 'base'],
  ] as const)(
    'never calls unchanged code (A/A, %s readings of one half against %s readings of the other) a regression',
    (baseSide, headSide) => {
      for (const [first, second] of halves) {
        for (const spread of [
          (scenario: string, metric: MetricName) => estimateBetweenRunSpread(learned, scenario, metric),
          undefined,
        ]) {
          const outcome = compareStored({
            baseline: asHeadRun(first, baseSide),
            head: asHeadRun(second, headSide),
            scenarios: [SCENARIO],
            gate: { ...GATE, metrics: HTTP_METRICS.filter((m) => m !== 'error_rate') },
            ...(spread === undefined ? {} : { spread }),
          });
          expect(outcome.verdict).not.toBe('regression');
          expect(outcome.comparisons.every((c) => c.verdict !== 'regression')).toBe(true);
        }
      }
    },
  );

  it('calls the drift between two halves of unchanged code a regression when runs are assumed not to differ', () => {
    // Why the spread is modelled: base's CPU per request rose 5.8% from the first 20 pairs to the
    // last 20 (4 minutes apart), which the rank interval alone reads as a change.
    const outcome = compareStored({
      baseline: asHeadRun(aa.pairs.slice(0, 20), 'base'),
      head: asHeadRun(aa.pairs.slice(20, 40), 'base'),
      scenarios: [SCENARIO],
      gate: GATE,
      spread: spreadOf(0),
      spreadFloor: 'none',
    });
    expect(cpu(outcome.comparisons).verdict).toBe('regression');
    expect(estimateBetweenRunSpread(learned, SCENARIO, 'cpu_per_request')?.sd).toBeGreaterThan(0.01);
  });

  const slowBaseline = asHeadRun(slowed.pairs.slice(0, 20), 'base');
  const slowHead = asHeadRun(slowed.pairs.slice(20, 40), 'head');

  it('calls the 10% slowdown a regression in cpu_per_request when runs barely differ', () => {
    const outcome = compareStored({
      baseline: slowBaseline,
      head: slowHead,
      scenarios: [SCENARIO],
      gate: GATE,
      spread: spreadOf(0.005),
      spreadFloor: 'none',
    });
    const c = cpu(outcome.comparisons);
    expect(outcome.verdict).toBe('regression');
    expect(c.verdict).toBe('regression');
    expect(c.change).toBeGreaterThan(0.05);
    expect(c.ci[0]).toBeGreaterThan(GATE.threshold / 2);
    // The outcome reads as compareGate's: pairs = head trials used, their pair indices.
    expect(c.pairs).toBe(20);
    expect(c.pairIndices).toEqual(slowed.pairs.slice(20, 40).map((p) => p.pair));
    expect(c.confidence).toBeCloseTo(1 - 2 * GATE.alpha, 12);
  });

  it('does not call it a regression when runs usually differ by as much (learned spread)', () => {
    const small = cpu(
      compareStored({
        baseline: slowBaseline,
        head: slowHead,
        scenarios: [SCENARIO],
        gate: GATE,
        spread: spreadOf(0.005),
        spreadFloor: 'none',
      }).comparisons,
    );
    const outcome = compareStored({
      baseline: slowBaseline,
      head: slowHead,
      scenarios: [SCENARIO],
      gate: GATE,
      spread: spreadOf(small.change),
      spreadFloor: 'none',
    });
    const c = cpu(outcome.comparisons);
    expect(outcome.verdict).not.toBe('regression');
    expect(c.verdict).toBe('inconclusive');
    // Same estimate, wider interval: the spread adds uncertainty, not a shift.
    expect(c.change).toBeCloseTo(small.change, 12);
    expect(c.ci[1] - c.ci[0]).toBeGreaterThan(small.ci[1] - small.ci[0]);
    expect(c.warnings.join('\n')).toMatch(/run-to-run spread .* however many trials run/);
  });

  it('uses the default spread, with a warning, until history has 5 runs', () => {
    for (const spread of [undefined, spreadOf(0.001, 4), () => undefined]) {
      const outcome = compareStored({
        baseline: slowBaseline,
        head: slowHead,
        scenarios: [SCENARIO],
        gate: GATE,
        ...(spread === undefined ? {} : { spread }),
      });
      const c = cpu(outcome.comparisons);
      expect(c.warnings[0]).toMatch(
        /^between-run spread not learned yet \((4 runs|fewer than 5 runs)\); using the default 7\.0%$/,
      );
      // 7% per run hides a +10% slowdown: the default errs towards not failing.
      expect(c.verdict).toBe('inconclusive');
    }
  });

  it('raises a learned spread below the default to the default, without a warning', () => {
    const floored = cpu(
      compareStored({
        baseline: slowBaseline,
        head: slowHead,
        scenarios: [SCENARIO],
        gate: GATE,
        spread: spreadOf(0.005),
      }).comparisons,
    );
    const byDefault = cpu(
      compareStored({ baseline: slowBaseline, head: slowHead, scenarios: [SCENARIO], gate: GATE })
        .comparisons,
    );
    expect(floored.ci).toEqual(byDefault.ci);
    expect(floored.verdict).toBe('inconclusive');
    expect(floored.warnings.join('\n')).not.toMatch(/not learned yet/);
    const wider = cpu(
      compareStored({
        baseline: slowBaseline,
        head: slowHead,
        scenarios: [SCENARIO],
        gate: GATE,
        spread: spreadOf(0.12),
      }).comparisons,
    );
    expect(wider.ci[1] - wider.ci[0]).toBeGreaterThan(byDefault.ci[1] - byDefault.ci[0]);
  });

  it('fails a head that answers errors, whatever the spread, and voids its speed metrics', () => {
    const failing = slowHead.map((r, i) =>
      i % 2 === 0 ? { ...r, metrics: { ...r.metrics, error_rate: 0.2 }, errors: 100 } : r,
    );
    for (const sd of [0.005, 0.5]) {
      const outcome = compareStored({
        baseline: asHeadRun(aa.pairs.slice(0, 20), 'head'),
        head: failing,
        scenarios: [SCENARIO],
        gate: { ...GATE, metrics: [] },
        spread: spreadOf(sd),
      });
      expect(outcome.verdict).toBe('regression');
      const errors = outcome.comparisons.find((c) => c.metric === 'error_rate');
      expect(errors?.verdict).toBe('regression');
      expect(errors?.errors?.effect).toBe('fails');
      expect(cpu(outcome.comparisons).verdict).toBe('inconclusive');
      expect(cpu(outcome.comparisons).errors?.effect).toBe('voids');
    }
  });

  it('gives one comparison per metric with the shape compareGate gives', () => {
    const stored = compareStored({
      baseline: slowBaseline,
      head: slowHead,
      scenarios: [SCENARIO],
      gate: GATE,
      spread: spreadOf(0.02),
    });
    const paired = compareGate({
      trials: slowed.pairs.flatMap((p) => [p.base, p.head]),
      scenarios: [SCENARIO],
      gate: GATE,
    });
    expect(stored.comparisons.map((c) => c.metric)).toEqual(paired.comparisons.map((c) => c.metric));
    expect(stored.comparisons.map((c) => c.gated)).toEqual(paired.comparisons.map((c) => c.gated));
    for (const c of stored.comparisons)
      expect(Object.keys(c).sort()).toEqual(Object.keys(paired.comparisons[0] ?? {}).sort());
  });

  it('says so when a side has no trial, and ignores base-side and discarded readings', () => {
    const outcome = compareStored({
      baseline: slowed.pairs.slice(0, 20).map((p) => p.base),
      head: slowHead,
      scenarios: [SCENARIO],
      gate: GATE,
    });
    expect(outcome.comparisons).toEqual([]);
    expect(outcome.verdict).toBe('inconclusive');
    expect(outcome.warnings).toEqual([
      `${SCENARIO}: the stored baseline has no head trial of this scenario, so nothing was compared`,
    ]);
    const discarded = slowHead.map((r) => ({ ...r, discarded: 'idle worker' }));
    expect(
      compareStored({ baseline: slowBaseline, head: discarded, scenarios: [SCENARIO], gate: GATE }).warnings,
    ).toEqual([`${SCENARIO}: no head trial was measured of this scenario, so nothing was compared`]);
  });

  it('mirrors the change when baseline and head swap', () => {
    const forward = cpu(
      compareStored({
        baseline: slowBaseline,
        head: slowHead,
        scenarios: [SCENARIO],
        gate: GATE,
        spread: spreadOf(0.01),
        spreadFloor: 'none',
      }).comparisons,
    );
    const backward = cpu(
      compareStored({
        baseline: slowHead,
        head: slowBaseline,
        scenarios: [SCENARIO],
        gate: GATE,
        spread: spreadOf(0.01),
        spreadFloor: 'none',
      }).comparisons,
    );
    expect(Math.log1p(backward.change)).toBeCloseTo(-Math.log1p(forward.change), 12);
    expect(backward.verdict).toBe('improvement');
  });
});

/** One history entry per block of `size` pairs, base side (unchanged code), in time order. */
function poolHistory(pairs: readonly PoolPair[], size: number): History {
  const entries: HistoryEntry[] = [];
  for (let start = 0; start + size <= pairs.length; start += size) {
    const block = pairs.slice(start, start + size);
    entries.push({
      sha: start.toString(16).padStart(40, '0'),
      finishedAt: block[0]?.base.startedAt ?? '',
      points: HTTP_METRICS.map((metric) => ({
        scenario: SCENARIO,
        metric,
        unit: METRICS[metric].unit,
        better: METRICS[metric].better,
        median: median(block.map((p) => p.base.metrics[metric])),
        n: size,
      })),
    });
  }
  return { schemaVersion: 1, tool: 'perfgate', entries };
}

function entry(index: number, median: number, configHash?: string): HistoryEntry {
  return {
    sha: index.toString(16).padStart(40, '0'),
    finishedAt: new Date(Date.UTC(2026, 10, 1 + index)).toISOString(),
    ...(configHash === undefined ? {} : { configHash }),
    points: [
      { scenario: 'search', metric: 'cpu_per_request', unit: 'CPU ms/req', better: 'lower', median, n: 12 },
    ],
  };
}

const history = (medians: readonly number[], hashes?: readonly string[]): History => ({
  schemaVersion: 1,
  tool: 'perfgate',
  entries: medians.map((m, i) => entry(i, m, hashes?.[i])),
});

describe('estimateBetweenRunSpread', () => {
  const alternating = Array.from({ length: 12 }, (_, i) => 0.5 * (i % 2 === 0 ? 1.02 : 0.98));

  it('is undefined below 5 runs and counts the runs it used', () => {
    expect(
      estimateBetweenRunSpread(history(alternating.slice(0, 4)), 'search', 'cpu_per_request'),
    ).toBeUndefined();
    expect(
      estimateBetweenRunSpread(history(alternating.slice(0, 5)), 'search', 'cpu_per_request')?.runs,
    ).toBe(5);
    expect(estimateBetweenRunSpread(history(alternating), 'search', 'latency_p50')).toBeUndefined();
  });

  it('reads 1.4826·MAD of consecutive log differences / √2', () => {
    const medians = [0.5, 0.51, 0.5, 0.53, 0.52, 0.5, 0.505, 0.5];
    const logs = medians.map(Math.log);
    // 7 differences: the median is the 4th smallest, as is the median absolute deviation.
    const diffs = logs.slice(1).map((y, i) => y - (logs[i] ?? 0));
    const centre = [...diffs].sort((a, b) => a - b)[3] ?? NaN;
    const mad = diffs.map((d) => Math.abs(d - centre)).sort((a, b) => a - b)[3] ?? NaN;
    const result = estimateBetweenRunSpread(history(medians), 'search', 'cpu_per_request');
    expect(result).toEqual({ sd: expect.closeTo((1.4826 * mad) / Math.SQRT2, 12) as number, runs: 8 });
    expect(result?.sd).toBeGreaterThan(0.005);
  });

  it('is not moved by a step (a change point) the way the plain sd is', () => {
    const noisy = [1, -1, 0.5, -0.5, 0.8, -0.3, 0.2, -0.9, 0.6, -0.4].map((z) => 0.5 * Math.exp(0.02 * z));
    const stepped = [...noisy, ...noisy.map((m) => m * 1.3)];
    const before = estimateBetweenRunSpread(history(noisy), 'search', 'cpu_per_request')?.sd ?? NaN;
    const after = estimateBetweenRunSpread(history(stepped), 'search', 'cpu_per_request')?.sd ?? NaN;
    const logs = stepped.map(Math.log);
    const mean = logs.reduce((s, y) => s + y, 0) / logs.length;
    const plainSd = Math.sqrt(logs.reduce((s, y) => s + (y - mean) ** 2, 0) / (logs.length - 1));
    expect(after).toBeLessThan(2 * before);
    expect(after).toBeLessThan(0.03);
    expect(plainSd).toBeGreaterThan(0.1);
  });

  it('uses the last 30 runs with the newest run’s config hash', () => {
    const quiet = Array.from({ length: 40 }, (_, i) => 0.5 * Math.exp(0.01 * Math.sin(i * 1.7)));
    const loud = quiet.map((m, i) => m * Math.exp(0.2 * Math.sin(i * 2.3)));
    // The first 10 runs are wild: outside the last 30, so unread.
    const series = [...loud.slice(0, 10), ...quiet.slice(10)];
    const last30 = estimateBetweenRunSpread(history(series), 'search', 'cpu_per_request');
    expect(last30?.runs).toBe(30);
    expect(last30?.sd).toBeCloseTo(
      estimateBetweenRunSpread(history(quiet.slice(10)), 'search', 'cpu_per_request')?.sd ?? NaN,
      12,
    );
    // Loud runs under another config are left out; an explicit hash picks them.
    const mixed = history(
      [...loud.slice(0, 10), ...quiet.slice(0, 10)],
      [...Array(10).fill('old'), ...Array(10).fill('new')],
    );
    expect(estimateBetweenRunSpread(mixed, 'search', 'cpu_per_request')?.runs).toBe(10);
    expect(estimateBetweenRunSpread(mixed, 'search', 'cpu_per_request')?.sd).toBeLessThan(0.03);
    expect(
      estimateBetweenRunSpread(mixed, 'search', 'cpu_per_request', { configHash: 'old' })?.sd,
    ).toBeGreaterThan(0.05);
  });
});
