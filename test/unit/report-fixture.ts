/**
 * Realistic GateReports for the report renderer tests: two scenarios (a gunicorn-like `list-items`
 * endpoint that the head commit changes, and a `health` endpoint it does not), interleaved trials
 * with seeded noise and steal, and comparisons whose verdicts follow the design's rule (significant
 * after FDR control and at least the threshold). The statistics are plausible, not computed by
 * src/stats: these tests are about rendering.
 */
import { HEADLINE_METRICS, HTTP_METRICS, type MetricName } from '../../src/model/metrics.js';
import {
  REPORT_SCHEMA_VERSION,
  type Comparison,
  type GateReport,
  type ScenarioSummary,
  type TrialReading,
  type Verdict,
} from '../../src/model/results.js';
import { createSeededRandom } from '../../src/stats/seeded-random.js';

/** Which story the report tells. */
export type FixtureKind = 'regression' | 'improvement' | 'unchanged' | 'inconclusive' | 'failed';

const MIB = 1024 * 1024;
const PAIRS = 6;
const THRESHOLD = 0.05;
const ALPHA = 0.05;

const SCENARIOS: readonly ScenarioSummary[] = [
  {
    name: 'list-items',
    method: 'GET',
    path: '/items?page=1',
    connections: 16,
    durationMs: 5000,
    warmupMs: 2000,
  },
  { name: 'health', method: 'GET', path: '/healthz', connections: 8, durationMs: 3000, warmupMs: 1000 },
];

/** Base values per scenario, in each metric's unit. */
const BASE_VALUES: Readonly<Record<string, Readonly<Record<MetricName, number>>>> = {
  'list-items': {
    throughput: 2412,
    latency_p50: 6.61,
    latency_p90: 9.83,
    latency_p99: 17.4,
    cpu_per_request: 0.829,
    rss_peak: 48.2 * MIB,
    error_rate: 0,
  },
  health: {
    throughput: 9480,
    latency_p50: 0.842,
    latency_p90: 1.21,
    latency_p99: 2.95,
    cpu_per_request: 0.1124,
    rss_peak: 47.9 * MIB,
    error_rate: 0,
  },
};

/** How head's `list-items` differs per kind: a factor on the value, and the comparison's q and CI half-width. */
interface Effect {
  readonly factor: number;
  readonly qValue: number;
  readonly halfWidth: number;
}
const UNMOVED: Effect = { factor: 1.004, qValue: 0.81, halfWidth: 0.021 };
const EFFECTS: Readonly<Record<FixtureKind, Partial<Record<MetricName, Effect>>>> = {
  regression: {
    cpu_per_request: { factor: 1.382, qValue: 0.0031, halfWidth: 0.074 },
    latency_p50: { factor: 1.291, qValue: 0.0031, halfWidth: 0.081 },
    latency_p90: { factor: 1.262, qValue: 0.0042, halfWidth: 0.09 },
    latency_p99: { factor: 1.17, qValue: 0.09, halfWidth: 0.21 },
    throughput: { factor: 0.731, qValue: 0.0031, halfWidth: 0.052 },
  },
  improvement: {
    cpu_per_request: { factor: 0.81, qValue: 0.0031, halfWidth: 0.04 },
    latency_p50: { factor: 0.86, qValue: 0.0042, halfWidth: 0.05 },
    throughput: { factor: 1.19, qValue: 0.0031, halfWidth: 0.06 },
  },
  unchanged: { throughput: { factor: 0.988, qValue: 0.43, halfWidth: 0.028 } },
  inconclusive: { cpu_per_request: { factor: 1.043, qValue: 0.21, halfWidth: 0.066 } },
  failed: {},
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

function makeTrials(kind: FixtureKind, pairs: number): TrialReading[] {
  const random = createSeededRandom(20261125);
  const trials: TrialReading[] = [];
  let clockMs = Date.parse('2026-11-25T10:00:41.000Z');
  for (let pair = 0; pair < pairs; pair++) {
    for (const scenario of SCENARIOS) {
      const order: readonly ('base' | 'head')[] = random() < 0.5 ? ['base', 'head'] : ['head', 'base'];
      order.forEach((side, position) => {
        const base = BASE_VALUES[scenario.name];
        if (base === undefined) throw new Error(`no base values for ${scenario.name}`);
        const metrics = Object.fromEntries(
          HTTP_METRICS.map((metric) => {
            const effect = scenario.name === 'list-items' ? (EFFECTS[kind][metric] ?? UNMOVED) : UNMOVED;
            const factor = side === 'head' ? effect.factor : 1;
            return [metric, base[metric] * factor * (1 + (random() - 0.5) * 0.06)];
          }),
        ) as Record<MetricName, number>;
        const responses = Math.round((metrics.throughput * scenario.durationMs) / 1000);
        const idleWorker =
          kind === 'regression' && pair === 3 && side === 'head' && scenario.name === 'list-items';
        trials.push({
          scenario: scenario.name,
          side,
          pair,
          position: position === 0 ? 0 : 1,
          startedAt: new Date(clockMs).toISOString(),
          durationMs: scenario.durationMs,
          metrics,
          responses,
          errors: 0,
          stealFraction: 0.012 + random() * 0.07,
          processes: [
            { pid: 4101, command: 'gunicorn: master [app:app]', cpuMs: 3.1 },
            {
              pid: 4107,
              command: 'gunicorn: worker [app:app]',
              cpuMs: idleWorker ? 0 : (metrics.cpu_per_request * responses) / 2,
            },
            {
              pid: 4108,
              command: 'gunicorn: worker [app:app]',
              cpuMs: (metrics.cpu_per_request * responses) / (idleWorker ? 1 : 2),
            },
          ],
          warnings: idleWorker
            ? ['worker pid 4107 used no CPU during the window: every connection landed on one worker']
            : [],
        });
        clockMs += scenario.durationMs + 250;
      });
    }
  }
  return trials;
}

function decide(metric: MetricName, change: number, qValue: number, ci: readonly [number, number]): Verdict {
  const worse = metric === 'throughput' ? -change : change;
  if (qValue < ALPHA && Math.abs(change) >= THRESHOLD) return worse > 0 ? 'regression' : 'improvement';
  if (qValue >= ALPHA && (ci[0] <= -THRESHOLD || ci[1] >= THRESHOLD)) return 'inconclusive';
  return 'unchanged';
}

function makeComparisons(kind: FixtureKind, trials: readonly TrialReading[], pairs: number): Comparison[] {
  return SCENARIOS.flatMap((scenario) =>
    HTTP_METRICS.map((metric): Comparison => {
      const values = (side: 'base' | 'head'): number[] =>
        trials
          .filter((trial) => trial.scenario === scenario.name && trial.side === side)
          .map((trial) => trial.metrics[metric]);
      const baseMedian = median(values('base'));
      const headMedian = median(values('head'));
      const effect = scenario.name === 'list-items' ? (EFFECTS[kind][metric] ?? UNMOVED) : UNMOVED;
      const allZero = baseMedian === 0 && headMedian === 0;
      const change = allZero ? 0 : headMedian / baseMedian - 1;
      const ci: [number, number] = allZero
        ? [0, 0]
        : [change - effect.halfWidth, change + effect.halfWidth * 1.1];
      const qValue = allZero ? 1 : effect.qValue;
      const warnings: string[] = [];
      if (allZero) warnings.push('every reading on both sides is 0: nothing to compare');
      if (kind === 'inconclusive' && metric === 'cpu_per_request' && scenario.name === 'list-items') {
        warnings.push(`only ${pairs} pairs: about 9 more would decide a 5% change at this noise`);
      }
      return {
        scenario: scenario.name,
        metric,
        // The fixture's config gates CPU, median latency and throughput, as a user may choose to.
        gated: HEADLINE_METRICS.includes(metric),
        pairs,
        baseMedian,
        headMedian,
        change,
        ci,
        pValue: qValue / 2,
        qValue,
        verdict: allZero ? 'unchanged' : decide(metric, change, qValue, ci),
        warnings,
      };
    }),
  );
}

function gateVerdict(comparisons: readonly Comparison[]): Verdict {
  const gated = comparisons.filter((comparison) => comparison.gated).map((comparison) => comparison.verdict);
  for (const verdict of ['regression', 'inconclusive', 'improvement'] as const)
    if (gated.includes(verdict)) return verdict;
  return 'unchanged';
}

/** A complete (or, for `failed`, stopped) report telling the story of `kind`; `overrides` replace top-level fields. */
export function makeReport(kind: FixtureKind, overrides: Partial<GateReport> = {}): GateReport {
  const pairs = kind === 'failed' ? 2 : kind === 'inconclusive' ? 3 : PAIRS;
  const trials = makeTrials(kind, pairs);
  const comparisons = kind === 'failed' ? [] : makeComparisons(kind, trials, pairs);
  const verdict = kind === 'failed' ? 'inconclusive' : gateVerdict(comparisons);
  const failed = kind === 'failed';
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'perfgate', version: '0.1.0' },
    status: failed ? 'failed' : 'complete',
    ...(failed
      ? {
          error:
            'server for head exited before it was ready (exit code 3)\n' +
            'Hint: run the server command in the head checkout by hand and read the log below.\n' +
            '--- log tail ---\n' +
            '[2026-11-25 10:01:12 +0000] [4210] [ERROR] Exception in worker process\n' +
            "ImportError: cannot import name 'paginate' from 'app.db' (/tmp/perfgate-head/app/db.py)",
        }
      : {}),
    configPath: 'perfgate.yml',
    configHash: '9c1d4e7a2b0f5c3d8e6a1b4f7c2d9e0a',
    base: { ref: 'main', sha: '1f3c9a7e52b04d6c8e1a3f5b7d9c2e4a6b8d0f13' },
    head: { ref: 'feature/paginate-items', sha: '5d6e7f80a1b2c3d4e5f60718293a4b5c6d7e8f90' },
    pullRequest: 42,
    startedAt: '2026-11-25T10:00:00.000Z',
    finishedAt: '2026-11-25T10:04:11.300Z',
    runner: {
      os: 'Linux 6.8.0-1017-azure x64',
      cpuModel: 'AMD EPYC 7763 64-Core Processor',
      cores: 4,
      stealMean: trials.reduce((sum, trial) => sum + trial.stealFraction, 0) / Math.max(1, trials.length),
      stealMax: Math.max(0, ...trials.map((trial) => trial.stealFraction)),
    },
    gate: {
      threshold: THRESHOLD,
      alpha: ALPHA,
      metrics: HEADLINE_METRICS,
      trials: PAIRS,
      budgetMs: 180_000,
      seed: 20261125,
    },
    scenarios: SCENARIOS,
    trials,
    comparisons,
    verdict,
    regressions: comparisons.filter((comparison) => comparison.gated && comparison.verdict === 'regression')
      .length,
    warnings:
      kind === 'inconclusive'
        ? ['time budget of 3 min ran out after 3 of 6 planned pairs']
        : kind === 'regression'
          ? ['a worker was idle in 1 trial: use more connections than workers × threads (see docs/noise.md)']
          : [],
    // One kind keeps one process per side, so both wordings of the Servers line are pinned.
    servers:
      kind === 'improvement'
        ? { restart: 'never', starts: 1 }
        : { restart: 'pair', starts: failed ? 1 : PAIRS },
    timings: failed
      ? { build: 35_210, start: 61_000, total: 121_400 }
      : { build: 35_210, start: 4_120, warmup: 12_000, trials: 198_400, total: 251_300 },
    ...overrides,
  };
}
