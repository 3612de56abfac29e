/**
 * The trial phase: base/head pairs in the planned order, unfair pairs re-run on fresh servers within
 * a share of the budget, planned looks that may stop early (src/compare/sequential.ts), and every
 * reading written as it is measured. Why the re-runs cannot bias the verdict: docs/reruns.md.
 */
import type { Config, GateConfig, HttpScenario } from '../config/types.js';
import type { Side, TrialReading } from '../model/results.js';
import type { Log, PairServers, ResultStore, ServerPair, TrialDeps } from '../ports.js';
import { planTrials, type PlannedPair } from '../plan/schedule.js';
import {
  evaluateLook,
  fitPairsToBudget,
  type CompareGateInput,
  type GateOutcome,
  planSequentialDesign,
  type LookResult,
  type SequentialDesign,
} from '../compare/index.js';
import { measureTrial } from './measure-trial.js';
import { whyRerun } from './why-rerun.js';
import { describeProgress } from './describe-progress.js';
import { throwIfInterrupted } from '../errors.js';

export type { PairServers, ServerPair } from '../ports.js';

/** The ports the trial phase needs. */
export interface TrialsDeps extends TrialDeps {
  readonly log: Log;
  readonly store: ResultStore;
}

/** Times one pair of one scenario is measured again when a reading is not a fair sample. */
const MAX_RERUNS_PER_PAIR = 2;

/**
 * Share of `gate.budget` that re-runs may take (fresh servers, warm-ups and both trials): a server
 * that always fails, or a worker that always idles, must not spend the budget the pairs need.
 */
export const RERUN_BUDGET_SHARE = 0.25;

/** Pairs always run before the time budget may stop the trials: fewer cannot be compared at all. */
const MIN_PAIRS = 2;

/**
 * What re-runs ran, why, and what they cost, filled in as the trials run (so a gate that fails
 * half-way still reports them). The shape of `GateReport.reruns`.
 */
export interface RerunLog {
  /** Set-aside pairs measured again. */
  count: number;
  /** One entry per re-run, in order: `pair 4 customer-summary: base: worker pid 4134 idle`. */
  reasons: string[];
  /** Wall time the re-runs took (fresh servers, warm-ups, trials), ms. */
  spentMs: number;
  /** Most wall time re-runs may take (RERUN_BUDGET_SHARE of the budget), ms. */
  capMs: number;
  /** Set-aside pairs kept without a re-run because the cap or the budget left no room for one. */
  refused: number;
  /** Extra warm-ups on fresh connections because a worker took no load in the warm-up. */
  redeals: number;
}

/** An empty log with the cap of `gate`. */
export function createRerunLog(gate: GateConfig): RerunLog {
  return {
    count: 0,
    reasons: [],
    spentMs: 0,
    capMs: gate.budgetMs * RERUN_BUDGET_SHARE,
    refused: 0,
    redeals: 0,
  };
}

/** Where the trials ended: the design, the last look's result, and complete pairs per scenario. */
export interface TrialsEnd {
  readonly design: SequentialDesign;
  readonly result: LookResult;
  readonly pairs: number;
}

/**
 * What a gate against a stored baseline changes in the trial phase: only head is served and
 * measured (each "pair" is one head trial), and each look runs `compare` instead of the paired
 * comparison.
 */
export interface HeadOnlyTrials {
  readonly sides: readonly ['head'];
  /** The unpaired comparison of head's trials with the baseline's (src/compare/compare-stored.ts). */
  readonly compare: (input: CompareGateInput) => GateOutcome;
}

/** State shared by the pairs of one gate. */
interface Phase<S extends Side> {
  readonly deps: TrialsDeps;
  readonly config: Config;
  readonly serving: PairServers<S>;
  /** The sides measured, each pair in its planned order (the sides `serving` serves). */
  readonly sides: readonly Side[];
  readonly trials: TrialReading[];
  readonly reruns: RerunLog;
  readonly startMs: number;
  readonly plannedPairs: number;
  /** Wall time of the latest restart of both servers, ms (0 until one happened). */
  restartMs: number;
}

/**
 * Runs base/head pairs in the planned order on the servers `serving` hands out (fresh ones per pair
 * with `server.restart: pair`, each side warmed up right before its first trial on them), looks at
 * the planned pair counts (src/compare/sequential.ts; until the first look they are replanned for
 * the pairs the budget fits, `fitPairsToBudget`) and stops at the first look that settles the gate,
 * at the last pair, or when the next pair would end after the budget (then one last look spending
 * all the alpha left).
 *
 * A pair whose reading is not a fair sample (`whyRerun`) is set aside and measured again on fresh
 * servers (`serving.forRerun`), at most twice, and only while the re-runs' wall time stays within
 * `reruns.capMs` and the budget; otherwise it is kept with a warning. Appends every reading to
 * `trials` (set-aside ones marked `discarded`) and rewrites trials.jsonl after each attempt.
 * @throws RunError when a server fails to start or dies, or a load cannot run (what was measured
 *   so far stays in `trials`, `warnings` and `reruns`).
 * @throws InterruptedError when `deps.signal` aborts: before the next pair or trial, or at once
 *   during a load (the complete pairs stay in `trials`; a pair cut short is not kept).
 */
export async function runTrials<S extends Side = Side>(
  deps: TrialsDeps,
  config: Config,
  serving: PairServers<S>,
  seed: number,
  trials: TrialReading[],
  warnings: string[],
  reruns: RerunLog = createRerunLog(config.gate),
  headOnly?: HeadOnlyTrials,
): Promise<TrialsEnd> {
  const { clock, log } = deps;
  let design = planSequentialDesign(config.gate);
  const scenarios = config.http.map((s) => s.name);
  const plan = planTrials(config.gate.trials, seed);
  const budgetMs = config.gate.budgetMs;
  const sides: readonly Side[] = headOnly?.sides ?? ['base', 'head'];
  const compare = headOnly?.compare;
  const phase: Phase<S> = {
    deps,
    config,
    serving,
    sides,
    trials,
    reruns,
    startMs: clock.now(),
    plannedPairs: plan.length,
    restartMs: 0,
  };
  log.info(
    `looks after ${design.looks.join(', ')} pairs, at p ≤ ${design.alphas.map((a) => a.toPrecision(2)).join(', ')} (alpha ${config.gate.alpha} spread over the looks); ` +
      `re-runs of set-aside pairs may take ${Math.round(reruns.capMs / 1000)} s of the budget`,
  );
  let look = 0;
  let pairs = 0;
  /** Wall time of each pair without its re-runs, ms. */
  const pairCostsMs: number[] = [];
  for (const planned of plan) {
    const pairCostMs = meanPairCostMs(pairCostsMs);
    if (pairs >= MIN_PAIRS && clock.now() - phase.startMs + pairCostMs > budgetMs) {
      warnings.push(
        `the time budget (${Math.round(budgetMs / 1000)} s) allowed ${pairs} of up to ${plan.length} pairs: ` +
          'raise `gate.budget` or shorten `duration` for more',
      );
      break;
    }
    throwIfInterrupted(deps.signal);
    const pairStartMs = clock.now();
    const rerunMsBefore = reruns.spentMs;
    let servers = await serving.forPair(pairs);
    if (pairs > 0 && config.server.restart === 'pair') phase.restartMs = clock.now() - pairStartMs;
    for (const scenario of config.http) {
      const kept = await measurePair(phase, servers, scenario, planned, pairs);
      warnings.push(...kept.warnings);
      servers = kept.servers;
    }
    pairCostsMs.push(clock.now() - pairStartMs - (reruns.spentMs - rerunMsBefore));
    pairs += 1;
    if (look === 0 && pairs < (design.looks[0] ?? 0)) {
      // No alpha is spent before the first look, so the looks may follow what the pairs cost.
      const fit = fitPairsToBudget({
        budgetMs,
        elapsedMs: clock.now() - phase.startMs,
        pairsDone: pairs,
        pairCostMs: meanPairCostMs(pairCostsMs),
      });
      const replanned = planSequentialDesign(config.gate, fit);
      if (replanned.maxPairs !== design.maxPairs) {
        log.info(
          `the budget fits about ${fit} pairs: looks after ${replanned.looks.join(', ')} pairs, at p ≤ ` +
            replanned.alphas.map((a) => a.toPrecision(2)).join(', '),
        );
        design = replanned;
      }
    }
    if (pairs === design.looks[look]) {
      const result = evaluateLook({
        trials,
        scenarios,
        gate: config.gate,
        design,
        look,
        ...(compare === undefined ? {} : { compare }),
      });
      log.info(`look ${look + 1} of ${design.looks.length} after ${pairs} pairs: ${result.reason}`);
      if (result.stop) return { design, result, pairs };
      look += 1;
    }
  }
  // The budget ended between looks: one last look, spending all the alpha left (the stop followed
  // the clock, not the data).
  const final = evaluateLook({
    trials,
    scenarios,
    gate: config.gate,
    design,
    look,
    plannedPairs: pairs,
    spendRest: true,
    ...(compare === undefined ? {} : { compare }),
  });
  const result = { ...final, reason: `time budget reached; ${final.reason}` };
  log.info(`final look after ${pairs} pairs: ${result.reason}`);
  return { design, result, pairs };
}

/**
 * Measures one scenario's pair and appends its readings to the trials: with `gate.pairing: duet`
 * both sides warmed up (where due) and measured at the same time, else back to back in `order`. A pair with an unfair reading (`whyRerun`) is set aside (its readings kept, marked
 * `discarded`) and measured again on the servers `forRerun` hands out, while the pair has re-runs
 * left and the estimated re-run (the attempt just measured plus the latest restart) fits within
 * both the re-run cap and the budget. Returns the warnings for a pair kept although unfair, and
 * the servers the pair ended on.
 */
async function measurePair<S extends Side>(
  phase: Phase<S>,
  firstServers: ServerPair<S>,
  scenario: HttpScenario,
  { pair, order }: PlannedPair,
  pairsDone: number,
): Promise<{ warnings: string[]; servers: ServerPair<S> }> {
  const { deps, reruns } = phase;
  const { clock, log, store } = deps;
  let servers = firstServers;
  let rerunStartMs: number | undefined;
  for (let attempt = 0; ; attempt += 1) {
    const attemptStartMs = clock.now();
    const readings: TrialReading[] = [];
    const sides = order.filter((side): side is S => phase.sides.includes(side));
    const measure = (side: S, position: number): Promise<TrialReading> =>
      measureTrial(deps, servers[side], scenario, {
        side,
        pair,
        position: position === 0 ? 0 : 1,
        threshold: phase.config.gate.threshold,
      });
    const progress = (reading: TrialReading): void => {
      const budgetLeftMs = phase.config.gate.budgetMs - (clock.now() - phase.startMs);
      log.info(describeProgress(reading, phase.plannedPairs, budgetLeftMs));
    };
    if (phase.config.gate.pairing === 'duet' && sides.length > 1) {
      // Both sides warmed up, then measured, at the same time: whatever the machine does meanwhile
      // (steal, frequency, neighbours) hits both trials of the pair alike.
      throwIfInterrupted(deps.signal);
      const warm = await settleAll(sides.map((side) => phase.serving.warmUpBefore(side, scenario)));
      reruns.redeals += warm.reduce((sum, outcome) => sum + outcome.redeals, 0);
      throwIfInterrupted(deps.signal);
      readings.push(...(await settleAll(sides.map(measure))));
      readings.forEach(progress);
    } else {
      for (const [position, side] of sides.entries()) {
        throwIfInterrupted(deps.signal);
        const warm = await phase.serving.warmUpBefore(side, scenario);
        reruns.redeals += warm.redeals;
        const reading = await measure(side, position);
        readings.push(reading);
        progress(reading);
      }
    }
    if (rerunStartMs !== undefined) reruns.spentMs += clock.now() - rerunStartMs;
    const why = readings
      .flatMap((r) => {
        const reason = whyRerun(r);
        return reason === undefined ? [] : [`${r.side}: ${reason}`];
      })
      .join('; ');
    if (why === '') {
      phase.trials.push(...readings);
      await store.write('trials.jsonl', toJsonLines(phase.trials));
      return { warnings: [], servers };
    }
    const refusal = refuseRerun(phase, attempt, clock.now() - attemptStartMs + phase.restartMs);
    if (refusal !== undefined) {
      phase.trials.push(...readings);
      await store.write('trials.jsonl', toJsonLines(phase.trials));
      if (attempt < MAX_RERUNS_PER_PAIR) reruns.refused += 1;
      return {
        warnings: [`${scenario.name} pair ${pair + 1} was kept although ${why}: ${refusal}`],
        servers,
      };
    }
    phase.trials.push(...readings.map((r) => ({ ...r, discarded: why })));
    await store.write('trials.jsonl', toJsonLines(phase.trials));
    reruns.count += 1;
    reruns.reasons.push(`pair ${pair + 1} ${scenario.name}: ${why}`);
    log.info(`pair ${pair + 1} ${scenario.name} set aside (${why}): measuring it again`);
    throwIfInterrupted(deps.signal);
    rerunStartMs = clock.now();
    servers = await phase.serving.forRerun(pairsDone);
    if (phase.config.server.restart === 'pair') phase.restartMs = clock.now() - rerunStartMs;
  }
}

/**
 * Waits for every promise and resolves with their values in order, or rejects with the first
 * rejection in order once all have settled (so no side of a duet is left running unobserved, and no
 * second failure goes unhandled).
 */
async function settleAll<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/**
 * Why a set-aside pair must be kept instead of measured again, or undefined when a re-run may run.
 * @param rerunCostMs what the re-run is expected to take, ms.
 */
function refuseRerun<S extends Side>(
  phase: Phase<S>,
  attempt: number,
  rerunCostMs: number,
): string | undefined {
  const { reruns } = phase;
  if (attempt >= MAX_RERUNS_PER_PAIR) return `${MAX_RERUNS_PER_PAIR} re-runs did not help`;
  if (reruns.spentMs + rerunCostMs > reruns.capMs) {
    const seconds = (ms: number): number => Math.round(ms / 1000);
    return `re-runs may take ${seconds(reruns.capMs)} s of the budget and have taken ${seconds(reruns.spentMs)} s`;
  }
  if (phase.deps.clock.now() - phase.startMs + rerunCostMs > phase.config.gate.budgetMs)
    return 'a re-run would end after the time budget';
  return undefined;
}

/**
 * Mean wall time of a pair without its re-runs, ms. Pair 1 ran on servers started outside the phase
 * (and, with restart never, it alone warmed up), so the later pairs tell better what the next one
 * costs.
 */
function meanPairCostMs(pairCostsMs: readonly number[]): number {
  const typical = pairCostsMs.length > 1 ? pairCostsMs.slice(1) : pairCostsMs;
  return typical.reduce((sum, ms) => sum + ms, 0) / Math.max(1, typical.length);
}

function toJsonLines(trials: readonly TrialReading[]): string {
  return trials.map((t) => JSON.stringify(t)).join('\n') + '\n';
}
