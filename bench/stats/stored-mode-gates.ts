/**
 * Stored-baseline gates next to same-runner gates on the same recorded pools (issue 11, item 4).
 * Pools recorded one after another stand in for runs at different times: a block of N consecutive
 * pairs is one run. Pure: pools in, tallies out.
 */
import { compareGate, type GateOutcome } from '../../src/compare/compare-gate.js';
import { estimateBetweenRunSpread, type BetweenRunSpread } from '../../src/compare/between-run-spread.js';
import { compareStored } from '../../src/compare/compare-stored.js';
import type { GateConfig } from '../../src/config/types.js';
import type { History, HistoryEntry } from '../../src/history/model.js';
import { HTTP_METRICS, METRICS, type MetricName } from '../../src/model/metrics.js';
import type { GateVerdict, TrialReading } from '../../src/model/results.js';
import { median } from '../../src/stats/median.js';
import type { Pool, PoolPair } from './pool-file.js';

/** How the between-run spread is set for the stored-mode gates. */
export type SpreadPolicy = 'shipped' | 'learned' | 'learned-mssd' | 'default' | 'none';

/**
 * The plain (not robust) successive-difference estimate, √(mean d²/2) over the same runs as
 * `estimateBetweenRunSpread` (von Neumann's MSSD): a comparator that counts steps as spread.
 */
function estimateMssdSpread(
  history: History,
  scenario: string,
  metric: MetricName,
): BetweenRunSpread | undefined {
  const robust = estimateBetweenRunSpread(history, scenario, metric);
  if (robust === undefined) return undefined;
  const logs = history.entries
    .slice(-robust.runs)
    .flatMap((e) => e.points.filter((p) => p.scenario === scenario && p.metric === metric))
    .map((p) => Math.log(p.median));
  const squares = logs.slice(1).map((y, i) => (y - (logs[i] ?? y)) ** 2);
  return { sd: Math.sqrt(squares.reduce((a, b) => a + b, 0) / squares.length / 2), runs: robust.runs };
}

/** One run of unchanged code: a block of a pool's base-side readings. */
interface Run {
  readonly condition: string;
  readonly start: number;
  readonly readings: readonly TrialReading[];
}

/** Verdict counts of one mode × condition. */
export interface Tally {
  readonly mode: 'same-runner' | `stored-${SpreadPolicy}`;
  readonly condition: string;
  /** Trials per side and gate (pairs for same-runner; head trials and baseline trials for stored). */
  readonly trials: number;
  readonly gates: number;
  readonly verdicts: Readonly<Record<GateVerdict, number>>;
  /** Stored gates only: how many compared runs from two different recordings. */
  readonly acrossRecordings?: number;
}

export interface StoredModeInput {
  /** Pools in recording order; the one named `aa` gives the same-runner false alarms. */
  readonly pools: readonly Pool[];
  readonly gate: GateConfig;
  /** Trials per side of every gate (a block of this many pairs is one run). */
  readonly trials: number;
  /** Stored gates compare a run with the 1st … `maxGap`-th run after it (default 3). */
  readonly maxGap?: number;
  /** Start offsets of same-runner windows advance by this many pairs (default 2). */
  readonly pairedStep?: number;
}

export interface StoredModeResult {
  readonly tallies: readonly Tally[];
  /** The learned cpu_per_request spread over the stored gates that had one: [min, median, max]. */
  readonly learnedCpuSpread: readonly [number, number, number] | undefined;
  /** Stored gates that fell back to the default spread (history shorter than 5 runs). */
  readonly defaultSpreadGates: number;
  /** cpu_per_request change estimated in each stored A/A false alarm with the learned spread. */
  readonly learnedFalseAlarmCpuChanges: readonly number[];
}

const asHead = (r: TrialReading): TrialReading => ({ ...r, side: 'head' });

function emptyVerdicts(): Record<GateVerdict, number> {
  return { regression: 0, improvement: 0, unchanged: 0, inconclusive: 0 };
}

/** One history entry per run: each metric's median over the run's readings. */
function historyEntry(run: Run, index: number): HistoryEntry {
  const scenario = run.readings[0]?.scenario ?? '';
  return {
    sha: index.toString(16).padStart(40, '0'),
    finishedAt: run.readings.at(-1)?.startedAt ?? '',
    points: HTTP_METRICS.map((metric) => ({
      scenario,
      metric,
      unit: METRICS[metric].unit,
      better: METRICS[metric].better,
      median: median(run.readings.map((r) => r.metrics[metric])),
      n: run.readings.length,
    })),
  };
}

function blocks(pairs: readonly PoolPair[], size: number): PoolPair[][] {
  const out: PoolPair[][] = [];
  for (let start = 0; start + size <= pairs.length; start += size) out.push(pairs.slice(start, start + size));
  return out;
}

/**
 * Simulates both modes at `trials` trials per side:
 * - stored, A/A: the base-side readings (unchanged code) of every pool, cut into runs of `trials`
 *   pairs and put in recording order; each run is a baseline for the next `maxGap` runs' readings;
 * - stored, slowed: head-side readings of each run of a slowdown pool against the unchanged runs
 *   1 … `maxGap` runs before it (the pool's own base side an earlier block, or the previous pool):
 *   never the base readings interleaved with it, which would be a same-runner comparison;
 * - the spread learned from the medians of the unchanged runs up to the baseline (the history a
 *   default-branch run would carry), the default, or none;
 * - same-runner: compareGate on every window of `trials` consecutive pairs (start every
 *   `pairedStep` pairs) of each pool.
 * Every gate is a single look at `gate.alpha` (no sequential stopping), so both modes are judged on
 * the same trials per side.
 */
export function simulateStoredMode(input: StoredModeInput): StoredModeResult {
  const { pools, gate, trials } = input;
  const maxGap = input.maxGap ?? 3;
  const step = input.pairedStep ?? 2;
  const scenario = pools[0]?.header.scenario.name ?? '';
  const scenarios = [scenario];
  const tallies: Tally[] = [];

  const runs: Run[] = [];
  const slowedRuns = new Map<number, { condition: string; readings: TrialReading[] }>();
  for (const pool of pools) {
    blocks(pool.pairs, trials).forEach((block, b) => {
      runs.push({
        condition: pool.header.condition,
        start: b * trials,
        readings: block.map((p) => asHead(p.base)),
      });
      if (pool.header.nominalSlowdown > 0) {
        slowedRuns.set(runs.length - 1, {
          condition: pool.header.condition,
          readings: block.map((p) => p.head),
        });
      }
    });
  }
  const history: History = {
    schemaVersion: 1,
    tool: 'perfgate',
    entries: runs.map((run, i) => historyEntry(run, i)),
  };
  const learnedCpu: number[] = [];
  let defaultSpreadGates = 0;

  const learnedFalseAlarmCpuChanges: number[] = [];
  const storedGate = (
    baselineIndex: number,
    head: readonly TrialReading[],
    policy: SpreadPolicy,
  ): GateOutcome => {
    const known: History = { ...history, entries: history.entries.slice(0, baselineIndex + 1) };
    const spread =
      policy === 'learned' || policy === 'shipped'
        ? (s: string, m: MetricName): BetweenRunSpread | undefined => estimateBetweenRunSpread(known, s, m)
        : policy === 'learned-mssd'
          ? (s: string, m: MetricName): BetweenRunSpread | undefined => estimateMssdSpread(known, s, m)
          : policy === 'none'
            ? (): BetweenRunSpread => ({ sd: 0, runs: Infinity })
            : undefined;
    if (policy === 'learned') {
      const cpu = estimateBetweenRunSpread(known, scenario, 'cpu_per_request');
      if (cpu === undefined) defaultSpreadGates += 1;
      else learnedCpu.push(cpu.sd);
    }
    return compareStored({
      baseline: runs[baselineIndex]?.readings ?? [],
      head,
      scenarios,
      gate,
      ...(spread === undefined ? {} : { spread }),
      // Each policy as named: the floor would turn `none` and the learned spreads into the default.
      ...(policy === 'default' || policy === 'shipped' ? {} : { spreadFloor: 'none' as const }),
    });
  };

  for (const policy of ['shipped', 'learned', 'learned-mssd', 'default', 'none'] as const) {
    const aa = emptyVerdicts();
    let aaGates = 0;
    let aaAcross = 0;
    runs.forEach((run, i) => {
      for (let gap = 1; gap <= maxGap && i + gap < runs.length; gap += 1) {
        const head = runs[i + gap];
        if (head === undefined) continue;
        const outcome = storedGate(i, head.readings, policy);
        aa[outcome.verdict] += 1;
        if (policy === 'learned' && outcome.verdict === 'regression') {
          const cpu = outcome.comparisons.find((c) => c.metric === 'cpu_per_request');
          if (cpu !== undefined) learnedFalseAlarmCpuChanges.push(cpu.change);
        }
        aaGates += 1;
        if (head.condition !== run.condition) aaAcross += 1;
      }
    });
    tallies.push({
      mode: `stored-${policy}`,
      condition: 'aa',
      trials,
      gates: aaGates,
      verdicts: aa,
      acrossRecordings: aaAcross,
    });
    const byCondition = new Map<
      string,
      { verdicts: Record<GateVerdict, number>; gates: number; across: number }
    >();
    for (const [index, slowed] of slowedRuns) {
      const slot = byCondition.get(slowed.condition) ?? { verdicts: emptyVerdicts(), gates: 0, across: 0 };
      for (let gap = 1; gap <= maxGap && index - gap >= 0; gap += 1) {
        slot.verdicts[storedGate(index - gap, slowed.readings, policy).verdict] += 1;
        slot.gates += 1;
        if (runs[index - gap]?.condition !== slowed.condition) slot.across += 1;
      }
      byCondition.set(slowed.condition, slot);
    }
    for (const [condition, slot] of [...byCondition].sort(([a], [b]) => a.localeCompare(b))) {
      tallies.push({
        mode: `stored-${policy}`,
        condition,
        trials,
        gates: slot.gates,
        verdicts: slot.verdicts,
        acrossRecordings: slot.across,
      });
    }
  }

  for (const pool of [...pools].sort((a, b) => a.header.condition.localeCompare(b.header.condition))) {
    const verdicts = emptyVerdicts();
    let gates = 0;
    for (let start = 0; start + trials <= pool.pairs.length; start += step) {
      const window = pool.pairs.slice(start, start + trials);
      const outcome = compareGate({
        trials: window.flatMap((p) => [p.base, p.head]),
        scenarios,
        gate,
        plannedPairs: trials,
      });
      verdicts[outcome.verdict] += 1;
      gates += 1;
    }
    tallies.push({ mode: 'same-runner', condition: pool.header.condition, trials, gates, verdicts });
  }

  const sorted = [...learnedCpu].sort((a, b) => a - b);
  return {
    tallies,
    learnedCpuSpread:
      sorted.length === 0 ? undefined : [sorted[0] ?? NaN, median(sorted), sorted.at(-1) ?? NaN],
    defaultSpreadGates,
    learnedFalseAlarmCpuChanges,
  };
}
