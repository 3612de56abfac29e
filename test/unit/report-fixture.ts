/**
 * GateReports for the report renderer tests, built from recorded readings run through the real
 * compare step, so a golden file never holds a number the product could not produce.
 *
 * Readings: test/fixtures/pools (real trials of examples/stdlib, README there). The scenario the
 * head commit changes, `list-items`, takes the readings of the `slowdown-10` pool (head +7.7% CPU
 * per request); `health`, which it does not change, takes those of the `aa` pool. Scenario names,
 * paths and pair numbers are relabelled; every metric value is as recorded. `improvement` swaps the
 * sides of the slowdown pool (head is then the faster commit); `unchanged` gives both scenarios A/A
 * readings. Each story has its own gate settings (a user's choice of threshold and metrics) and is
 * run look by look with `evaluateLook` over looks planned for the 12 pairs its budget fits, as
 * src/measure/run-trials.ts does.
 */
import { readFileSync } from 'node:fs';
import { evaluateLook, planSequentialDesign } from '../../src/compare/index.js';
import type { GateConfig } from '../../src/config/types.js';
import { HEADLINE_METRICS } from '../../src/model/metrics.js';
import {
  REPORT_SCHEMA_VERSION,
  type GateReport,
  type ScenarioSummary,
  type SequentialSummary,
  type TrialReading,
} from '../../src/model/results.js';

/** Which story the report tells. */
export type FixtureKind =
  'regression' | 'improvement' | 'unchanged' | 'inconclusive' | 'failed' | 'interrupted';

const SCENARIOS: readonly ScenarioSummary[] = [
  {
    name: 'list-items',
    method: 'GET',
    path: '/items?page=1',
    connections: 8,
    durationMs: 2000,
    warmupMs: 1000,
  },
  { name: 'health', method: 'GET', path: '/healthz', connections: 8, durationMs: 2000, warmupMs: 1000 },
];

const GATE: GateConfig = {
  threshold: 0.03,
  alpha: 0.05,
  metrics: HEADLINE_METRICS,
  trials: 20,
  minTrials: 8,
  budgetMs: 180_000,
  pairing: 'sequential',
};

/** Pairs the budget fits in every story (the looks are planned for them). */
const FIT_PAIRS = 12;

function readPool(name: string): TrialReading[] {
  const text = readFileSync(new URL(`../fixtures/pools/${name}.jsonl`, import.meta.url), 'utf8');
  const [, ...lines] = text.trim().split('\n');
  return lines.map((line): TrialReading => {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || !('metrics' in parsed)) {
      throw new Error(`not a reading in ${name}.jsonl: ${line.slice(0, 80)}`);
    }
    // Recorded by perfgate's own TrialReading writer (bench/stats/record-pools.ts).
    return parsed as TrialReading;
  });
}

/** `scenario` takes `readings` of pairs [from, from + pairs), renumbered from 0. */
function relabel(
  readings: readonly TrialReading[],
  scenario: string,
  from: number,
  pairs: number,
  swapSides = false,
): TrialReading[] {
  return readings
    .filter((r) => r.pair >= from && r.pair < from + pairs)
    .map((r) => ({
      ...r,
      scenario,
      pair: r.pair - from,
      side: swapSides ? (r.side === 'base' ? 'head' : 'base') : r.side,
    }));
}

/**
 * Per kind: which pool `list-items` reads (`slowdown` or `aa`) from which pair, where `health`'s A/A
 * readings start, how many pairs there are before the budget ends, and the gate's settings.
 */
interface Story {
  readonly changed: { readonly pool: 'slowdown-10' | 'aa'; readonly from: number };
  readonly unchanged: number;
  readonly pairs: number;
  readonly gate: Partial<GateConfig>;
}
const STORY: Readonly<Record<FixtureKind, Story>> = {
  regression: { changed: { pool: 'slowdown-10', from: 8 }, unchanged: 0, pairs: 12, gate: {} },
  improvement: {
    changed: { pool: 'slowdown-10', from: 8 },
    unchanged: 10,
    pairs: 12,
    gate: { threshold: 0.05, metrics: ['cpu_per_request'] },
  },
  unchanged: {
    changed: { pool: 'aa', from: 0 },
    unchanged: 20,
    pairs: 12,
    gate: { threshold: 0.08, metrics: ['cpu_per_request'] },
  },
  inconclusive: { changed: { pool: 'slowdown-10', from: 20 }, unchanged: 20, pairs: 3, gate: {} },
  failed: { changed: { pool: 'slowdown-10', from: 0 }, unchanged: 0, pairs: 2, gate: {} },
  interrupted: { changed: { pool: 'slowdown-10', from: 0 }, unchanged: 0, pairs: 3, gate: {} },
};

function gateOf(kind: FixtureKind): GateConfig {
  return { ...GATE, ...STORY[kind].gate };
}

interface Gated {
  readonly trials: TrialReading[];
  readonly outcome: ReturnType<typeof evaluateLook>['outcome'] | undefined;
  readonly sequential: SequentialSummary | undefined;
}

/** Runs the story's readings through the planned looks until the gate stops, as a gate would. */
function gate(kind: FixtureKind): Gated {
  const story = STORY[kind];
  const gateConfig = gateOf(kind);
  const changed = relabel(
    readPool(story.changed.pool),
    'list-items',
    story.changed.from,
    story.pairs,
    kind === 'improvement',
  );
  const all = [...changed, ...relabel(readPool('aa'), 'health', story.unchanged, story.pairs)].sort(
    (a, b) => a.pair - b.pair || Date.parse(a.startedAt) - Date.parse(b.startedAt),
  );
  const scenarios = SCENARIOS.map((s) => s.name);
  if (kind === 'failed' || kind === 'interrupted')
    return { trials: all, outcome: undefined, sequential: undefined };
  const design = planSequentialDesign(gateConfig, FIT_PAIRS);
  for (let look = 0; look < design.looks.length; look += 1) {
    const lookPairs = design.looks[look] ?? 0;
    const budgetEnds = story.pairs < lookPairs;
    const pairs = Math.min(lookPairs, story.pairs);
    const trials = all.filter((t) => t.pair < pairs);
    const result = evaluateLook({
      trials,
      scenarios,
      gate: gateConfig,
      design,
      look,
      ...(budgetEnds ? { plannedPairs: pairs, spendRest: true } : {}),
    });
    if (result.stop || budgetEnds) {
      return {
        trials,
        outcome: result.outcome,
        sequential: {
          looks: design.looks,
          alphas: design.alphas,
          stoppedAfterPairs: pairs,
          reason: budgetEnds ? `time budget reached; ${result.reason}` : result.reason,
          level: result.significanceLevel,
        },
      };
    }
  }
  throw new Error(`the ${kind} story never stopped`);
}

/** A complete (or, for `failed`, stopped) report telling the story of `kind`; `overrides` replace top-level fields. */
export function makeReport(kind: FixtureKind, overrides: Partial<GateReport> = {}): GateReport {
  const { trials, outcome, sequential } = gate(kind);
  const comparisons = outcome?.comparisons ?? [];
  const failed = kind === 'failed';
  const pairs = sequential?.stoppedAfterPairs ?? STORY[kind].pairs;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'perfgate', version: '0.1.0' },
    status: failed ? 'failed' : kind === 'interrupted' ? 'interrupted' : 'complete',
    ...(kind === 'interrupted'
      ? { interruption: { signal: 'SIGINT', phase: 'trials', pairs: STORY[kind].pairs } }
      : {}),
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
    gate: { ...gateOf(kind), seed: 20261125 },
    scenarios: SCENARIOS,
    trials,
    comparisons,
    verdict: outcome?.verdict ?? 'inconclusive',
    regressions: outcome?.regressions ?? 0,
    ...(sequential === undefined ? {} : { sequential }),
    warnings: [
      ...(kind === 'inconclusive'
        ? [
            'the time budget (180 s) allowed 3 of up to 12 pairs: raise `gate.budget` or shorten `duration` for more',
          ]
        : []),
      ...(outcome?.warnings ?? []),
    ],
    // One kind keeps one process per side, so both wordings of the Servers line are pinned.
    servers: kind === 'improvement' ? { restart: 'never', starts: 1 } : { restart: 'pair', starts: pairs },
    timings: failed
      ? { build: 35_210, start: 61_000, total: 121_400 }
      : kind === 'interrupted'
        ? { build: 35_210, start: 4_120, warmup: 3_000, trials: 49_600, total: 93_100 }
        : { build: 35_210, start: 4_120, warmup: 12_000, trials: 198_400, total: 251_300 },
    ...overrides,
  };
}
