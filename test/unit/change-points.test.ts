import { describe, expect, it } from 'vitest';
import {
  describeChangePoint,
  findChangePoints,
  newChangePoints,
  type MetricChangePoint,
} from '../../src/history/change-points.js';
import { bestEnergySplit, eDivisive } from '../../src/history/e-divisive.js';
import { changePointsToFailOn } from '../../src/history/change-points.js';
import { renderHistorySection } from '../../src/report/render-history-section.js';
import { HISTORY_SCHEMA_VERSION, type History, type HistoryEntry } from '../../src/history/model.js';
import { createSeededRandom } from '../../src/stats/seeded-random.js';

/** A level of 100 with relative steps at the given indices and Gaussian noise of sd `sd` (relative). */
function steppedSeries(
  n: number,
  steps: readonly (readonly [number, number])[],
  seed: number,
  sd = 0.02,
): number[] {
  const random = createSeededRandom(seed);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: n }, (_, i) => {
    const level = steps.reduce((value, [at, change]) => (i >= at ? value * (1 + change) : value), 100);
    return level * (1 + sd * gaussian());
  });
}

const sha = (i: number): string => i.toString(16).padStart(7, '0').repeat(6).slice(0, 40);

function historyOf(
  series: Record<string, readonly number[]>,
  configHash: (i: number) => string | undefined = () => 'c0',
): History {
  const length = Math.max(...Object.values(series).map((values) => values.length));
  const entries: HistoryEntry[] = Array.from({ length }, (_, i) => {
    const hash = configHash(i);
    return {
      sha: sha(i + 1),
      finishedAt: new Date(Date.UTC(2026, 10, 1) + i * 3_600_000).toISOString(),
      ...(hash === undefined ? {} : { configHash: hash }),
      points: Object.entries(series).flatMap(([metric, values]) => {
        const median = values[i];
        if (median === undefined || Number.isNaN(median)) return [];
        const better = metric === 'throughput' ? ('higher' as const) : ('lower' as const);
        const unit = metric === 'throughput' ? 'req/s' : 'CPU ms/req';
        return [{ scenario: 'list-items', metric, unit, better, median, n: 10 }];
      }),
    };
  });
  return { schemaVersion: HISTORY_SCHEMA_VERSION, tool: 'perfgate', entries };
}

/** q̂ of Matteson & James (2014) eq. 4, alpha = 1, straight from the definition. */
function qhatByDefinition(x: readonly number[], y: readonly number[]): number {
  const pairs = (a: readonly number[], b: readonly number[]) =>
    a.reduce((sum, ai) => sum + b.reduce((s, bj) => s + Math.abs(ai - bj), 0), 0);
  const [n, m] = [x.length, y.length];
  const energy = (2 * pairs(x, y)) / (n * m) - pairs(x, x) / (n * (n - 1)) - pairs(y, y) / (m * (m - 1));
  return ((n * m) / (n + m)) * energy;
}

describe('bestEnergySplit', () => {
  it('maximizes q̂ over τ and κ as the definition does, both parts at least minSize long', () => {
    const random = createSeededRandom(5);
    for (let trial = 0; trial < 60; trial += 1) {
      const minSize = 2 + (trial % 3);
      const values = Array.from(
        { length: 2 * minSize + (trial % 17) },
        () => 10 * random() + (random() < 0.3 ? 5 : 0),
      );
      let best = { index: -1, qhat: Number.NEGATIVE_INFINITY };
      for (let tau = minSize; tau <= values.length - minSize; tau += 1)
        for (let kappa = tau + minSize; kappa <= values.length; kappa += 1) {
          const qhat = qhatByDefinition(values.slice(0, tau), values.slice(tau, kappa));
          if (qhat > best.qhat) best = { index: tau, qhat };
        }
      const split = bestEnergySplit(values, minSize);
      expect(split?.index).toBe(best.index);
      expect(split?.qhat).toBeCloseTo(best.qhat, 9);
    }
    expect(bestEnergySplit([1, 2, 3, 4, 5], 3)).toBeUndefined();
  });
});

describe('eDivisive', () => {
  it('finds a single +10% step in 2% noise within one position, with medians either side', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const cps = eDivisive(steppedSeries(40, [[20, 0.1]], seed), { seed });
      expect(cps).toHaveLength(1);
      const [cp] = cps;
      expect(Math.abs((cp?.index ?? -99) - 20)).toBeLessThanOrEqual(1);
      expect(cp?.change).toBeGreaterThan(0.07);
      expect(cp?.change).toBeLessThan(0.13);
      expect(cp?.before).toBeCloseTo(100, -1);
      expect(cp?.pValue).toBeLessThanOrEqual(0.01);
    }
  });

  it('finds two steps (up, then down) and a step three points from either end', () => {
    const two = eDivisive(
      steppedSeries(
        60,
        [
          [20, 0.1],
          [40, -0.1],
        ],
        7,
      ),
    );
    expect(two).toHaveLength(2);
    expect(Math.abs((two[0]?.index ?? -99) - 20)).toBeLessThanOrEqual(1);
    expect(Math.abs((two[1]?.index ?? -99) - 40)).toBeLessThanOrEqual(1);
    expect(two[1]?.change).toBeLessThan(0);

    const late = eDivisive(steppedSeries(40, [[37, 0.2]], 8));
    expect(late.map((cp) => cp.index)).toEqual([37]);
    const early = eDivisive(steppedSeries(40, [[3, 0.2]], 9));
    expect(early.map((cp) => cp.index)).toEqual([3]);
  });

  it('finds no step in noise alone, and the same answer for the same seed', () => {
    const noise = steppedSeries(100, [], 11, 0.05);
    expect(eDivisive(noise, { seed: 3 })).toEqual([]);
    const stepped = steppedSeries(50, [[25, 0.05]], 12);
    expect(eDivisive(stepped, { seed: 5 })).toEqual(eDivisive(stepped, { seed: 5 }));
  });

  it('reports the permutation p-value as (b + 1)/(B + 1), never 0', () => {
    // a step no permutation can match: b = 0, so p = 1/(B + 1)
    const cliff = [...Array<number>(10).fill(1), ...Array<number>(10).fill(2)];
    const [cp] = eDivisive(cliff, { permutations: 99 });
    expect(cp?.pValue).toBe(1 / 100);
    expect(cp?.index).toBe(10);
    expect(cp?.change).toBe(1);
    // the same cliff cannot reach pValue 0.005 with 99 permutations
    expect(eDivisive(cliff, { permutations: 99, pValue: 0.005 })).toEqual([]);
  });

  it('drops a weak change point whose re-test between its neighbours fails (the merge step of Otava)', () => {
    const series = steppedSeries(60, [[30, 0.1]], 234);
    // the bisection accepts a second split at p = 0.01; between its neighbours it is not significant
    expect(eDivisive(series, { retest: false }).map((cp) => [cp.index, cp.pValue])).toEqual([
      [30, 0.005],
      [51, 0.01],
    ]);
    expect(eDivisive(series).map((cp) => cp.index)).toEqual([30]);
  });

  it('keeps only splits leaving minSize points either side', () => {
    const cliffAtTwo = [1, 1, ...Array<number>(28).fill(5)];
    expect(eDivisive(cliffAtTwo, { minSize: 3 })).toEqual([]);
    expect(eDivisive(cliffAtTwo, { minSize: 2 }).map((cp) => cp.index)).toEqual([2]);
    expect(eDivisive([1, 2, 3])).toEqual([]);
  });

  it('refuses non-finite values and out-of-range options', () => {
    expect(() => eDivisive([1, Number.NaN, 3])).toThrow(/index 1 is NaN/);
    expect(() => eDivisive([1, 2], { minSize: 1 })).toThrow(/minSize must be an integer of at least 2/);
    expect(() => eDivisive([1, 2], { pValue: 0 })).toThrow(/pValue must be in \(0, 1\)/);
    expect(() => eDivisive([1, 2], { permutations: 0 })).toThrow(/permutations must be a positive integer/);
  });
});

describe('findChangePoints', () => {
  it('names the metric, the commit of the new level, its previous commit and how many pushes ago', () => {
    const cpu = steppedSeries(30, [[20, 0.11]], 21);
    const throughput = steppedSeries(30, [], 22);
    const cps = findChangePoints(historyOf({ cpu_per_request: cpu, throughput }));
    expect(cps).toHaveLength(1);
    expect(cps[0]).toMatchObject({
      scenario: 'list-items',
      metric: 'cpu_per_request',
      unit: 'CPU ms/req',
      better: 'lower',
      sha: sha(21),
      previousSha: sha(20),
      pushesAgo: 9,
      direction: 'regression',
    });
  });

  it('calls a throughput drop a regression and a cpu drop an improvement', () => {
    const history = historyOf({
      throughput: steppedSeries(30, [[15, -0.15]], 31),
      cpu_per_request: steppedSeries(30, [[15, -0.15]], 32),
    });
    const directions = Object.fromEntries(findChangePoints(history).map((cp) => [cp.metric, cp.direction]));
    expect(directions).toEqual({ throughput: 'regression', cpu_per_request: 'improvement' });
  });

  it('skips entries without the point, still counting them as pushes', () => {
    const cpu = steppedSeries(30, [[20, 0.2]], 43);
    cpu[25] = Number.NaN; // entry 25 has no cpu point
    const [cp] = findChangePoints(historyOf({ cpu_per_request: cpu, throughput: steppedSeries(30, [], 42) }));
    expect(cp).toMatchObject({ sha: sha(21), pushesAgo: 9 });
    const gapAtStep = steppedSeries(30, [[20, 0.2]], 43);
    gapAtStep[19] = Number.NaN;
    const [afterGap] = findChangePoints(
      historyOf({ cpu_per_request: gapAtStep, throughput: steppedSeries(30, [], 42) }),
    );
    expect(afterGap).toMatchObject({ sha: sha(21), previousSha: sha(19) });
  });

  it('never reports the step where the config changed', () => {
    const cpu = steppedSeries(40, [[20, 0.3]], 51);
    expect(findChangePoints(historyOf({ cpu_per_request: cpu }))).toHaveLength(1);
    const changedConfig = historyOf({ cpu_per_request: cpu }, (i) => (i < 20 ? 'c0' : 'c1'));
    expect(findChangePoints(changedConfig)).toEqual([]);
  });
});

const cp = (over: Partial<MetricChangePoint>): MetricChangePoint => ({
  scenario: 'list-items',
  metric: 'cpu_per_request',
  unit: 'CPU ms/req',
  better: 'lower',
  sha: 'abc1234'.padEnd(40, '0'),
  finishedAt: '2026-12-01T10:00:00.000Z',
  pushesAgo: 3,
  previousSha: 'def5678'.padEnd(40, '0'),
  pValue: 0.005,
  before: 1,
  after: 1.11,
  change: 0.11,
  direction: 'regression',
  ...over,
});

describe('describeChangePoint', () => {
  it('reads as issue 11 asks', () => {
    expect(describeChangePoint(cp({}))).toBe(
      'cpu_per_request rose 11% at abc1234 (3 pushes ago), commits def5678..abc1234',
    );
    const { previousSha, ...withoutPrevious } = cp({});
    expect(previousSha).toBeDefined();
    expect(describeChangePoint(withoutPrevious)).toBe(
      'cpu_per_request rose 11% at abc1234 (3 pushes ago), commits abc1234^..abc1234',
    );
    expect(
      describeChangePoint(cp({ metric: 'throughput', before: 200, after: 186, change: -0.07, pushesAgo: 1 })),
    ).toBe('throughput fell 7% at abc1234 (1 push ago), commits def5678..abc1234');
    expect(describeChangePoint(cp({ pushesAgo: 0, after: 1.045, change: 0.045 }))).toBe(
      'cpu_per_request rose 4.5% at abc1234 (the latest push), commits def5678..abc1234',
    );
    expect(
      describeChangePoint(
        cp({
          before: 0,
          after: 0.02,
          change: Number.POSITIVE_INFINITY,
          metric: 'error_rate',
          unit: 'fraction',
        }),
      ),
    ).toBe('error_rate rose from 0 to 0.02 fraction at abc1234 (3 pushes ago), commits def5678..abc1234');
  });
});

describe('newChangePoints', () => {
  it('keeps the change points at the newest withinLast entries', () => {
    const all = [cp({ pushesAgo: 0 }), cp({ pushesAgo: 2 }), cp({ pushesAgo: 5 })];
    expect(newChangePoints(all, { withinLast: 1 }).map((c) => c.pushesAgo)).toEqual([0]);
    expect(newChangePoints(all, { withinLast: 3 }).map((c) => c.pushesAgo)).toEqual([0, 2]);
    expect(() => newChangePoints(all, { withinLast: 0 })).toThrow(/withinLast must be a positive integer/);
  });
});

describe('a push run reading its history', () => {
  const fresh = historyOf({
    cpu_per_request: steppedSeries(20, [[17, 0.2]], 11),
    throughput: steppedSeries(20, [], 12),
  });
  const old = historyOf({ cpu_per_request: steppedSeries(20, [[10, 0.2]], 13) });

  it('fails on a regression of a gated metric first visible at this run, and only then', () => {
    const found = findChangePoints(fresh);
    expect(found.map((cp) => [cp.metric, cp.pushesAgo])).toContainEqual(['cpu_per_request', 2]);
    expect(changePointsToFailOn(found, ['cpu_per_request']).map((cp) => cp.sha)).toEqual([sha(18)]);
    expect(changePointsToFailOn(found, ['throughput'])).toEqual([]);
    // Ten pushes ago: reported in the summary, but no reason to fail today's push.
    expect(findChangePoints(old)).toHaveLength(1);
    expect(changePointsToFailOn(findChangePoints(old), ['cpu_per_request'])).toEqual([]);
  });

  it('shows change points of the charted metrics, newest first, then their trends', () => {
    const text = renderHistorySection(fresh, {
      branch: 'main',
      metrics: ['cpu_per_request'],
      changePoints: findChangePoints(fresh),
    });
    expect(text).toMatch(/^## perfgate: history of <code>main<\/code>|^## perfgate: history of `main`/);
    expect(text).toMatch(
      /- \*\*regression\*\*: <code>list-items<\/code> cpu\\_per\\_request rose \d+% at 0000012 \(2 pushes ago\), commits 0000011\.\.0000012/,
    );
    expect(text).toContain('```mermaid');
    expect(text).not.toMatch(/throughput/);
    const quiet = renderHistorySection(historyOf({ cpu_per_request: steppedSeries(20, [], 14) }), {
      metrics: ['cpu_per_request'],
      changePoints: [],
    });
    expect(quiet).toMatch(/No change point in 20 runs/);
  });
});
