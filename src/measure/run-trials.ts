/**
 * The trial phase: base/head pairs in the planned order, unfair pairs re-run, planned looks that
 * may stop early (src/compare/sequential.ts), and every reading written as it is measured.
 */
import type { Config, HttpScenario } from '../config/types.js';
import type { Side, TrialReading } from '../model/results.js';
import type { Log, ResultStore, RunningServer } from '../ports.js';
import { planTrials, type PlannedPair } from '../plan/schedule.js';
import {
  evaluateLook,
  planSequentialDesign,
  type LookResult,
  type SequentialDesign,
} from '../compare/index.js';
import { measureTrial, type TrialDeps } from './measure-trial.js';
import { whyRerun } from './why-rerun.js';
import { describeProgress } from './describe-progress.js';

/** The two servers of one pair. */
export type ServerPair = Readonly<Record<Side, RunningServer>>;

/** What the trial phase needs from the servers. */
export interface PairServers {
  /**
   * The servers for the pair after `pairsDone` complete pairs: the current ones, or (restart
   * `pair`, `pairsDone` ≥ 1) fresh ones, the old ones stopped by the time they are returned.
   * @throws RunError with the log tail when a server fails to start.
   */
  forPair(pairsDone: number): Promise<ServerPair>;
  /**
   * The discarded warm-up of `scenario` on `side`'s current server, run right before its first
   * trial of that scenario since it started (later calls return at once). Each side is warmed just
   * before it is measured, so neither side idles longer between its warm-up and its trial.
   * @throws RunError with the log tail when the server dies during the warm-up.
   */
  warmUpBefore(side: Side, scenario: HttpScenario): Promise<void>;
}

/** The ports the trial phase needs. */
export interface TrialsDeps extends TrialDeps {
  readonly log: Log;
  readonly store: ResultStore;
}

/** Times one pair of one scenario is measured again when a reading is not a fair sample. */
const MAX_RERUNS_PER_PAIR = 2;

/** Pairs always run before the time budget may stop the trials: fewer cannot be compared at all. */
const MIN_PAIRS = 2;

/** Where the trials ended: the design, the last look's result, and complete pairs per scenario. */
export interface TrialsEnd {
  readonly design: SequentialDesign;
  readonly result: LookResult;
  readonly pairs: number;
}

/**
 * Runs base/head pairs in the planned order on the servers `serving` hands out (fresh ones per pair
 * with `server.restart: pair`, each side warmed up right before its first trial on them; a pair
 * whose reading is not a fair sample, see `whyRerun`, is set aside and measured again), looks at
 * the planned pair counts (src/compare/sequential.ts) and stops at the first look that settles the
 * gate, at the last pair, or when the budget would be overrun (then one last look at the next
 * look's share of alpha).
 * Appends every reading to `trials` and rewrites trials.jsonl after each pair.
 */
export async function runTrials(
  deps: TrialsDeps,
  config: Config,
  serving: PairServers,
  seed: number,
  trials: TrialReading[],
  warnings: string[],
): Promise<TrialsEnd> {
  const { clock, log, store } = deps;
  const design = planSequentialDesign(config.gate);
  const scenarios = config.http.map((s) => s.name);
  const plan = planTrials(config.gate.trials, seed);
  const startMs = clock.now();
  log.info(
    `looks after ${design.looks.join(', ')} pairs, at p ≤ ${design.alphas.map((a) => a.toPrecision(2)).join(', ')} (alpha ${config.gate.alpha} spread over the looks)`,
  );
  let look = 0;
  let pairs = 0;
  // Re-runs cost time: a server that always fails (a real error regression) must not triple the gate.
  const reruns = { left: Math.max(2, Math.ceil(config.gate.trials / 4)) };
  for (const { pair, order } of plan) {
    const elapsedMs = clock.now() - startMs;
    const pairCostMs =
      pairs > 0 ? elapsedMs / pairs : 2 * config.http.reduce((sum, s) => sum + s.durationMs, 0);
    if (pairs >= MIN_PAIRS && elapsedMs + pairCostMs > config.gate.budgetMs) {
      warnings.push(
        `the time budget (${Math.round(config.gate.budgetMs / 1000)} s) allowed ${pairs} of up to ${plan.length} pairs: ` +
          'raise `gate.budget` or shorten `duration` for more',
      );
      break;
    }
    const servers = await serving.forPair(pairs);
    for (const scenario of config.http) {
      const kept = await measurePair(deps, serving, servers, scenario, { pair, order }, reruns, (reading) =>
        log.info(describeProgress(reading, plan.length, config.gate.budgetMs - (clock.now() - startMs))),
      );
      trials.push(...kept.readings);
      warnings.push(...kept.warnings);
    }
    pairs += 1;
    await store.write('trials.jsonl', trials.map((t) => JSON.stringify(t)).join('\n') + '\n');
    if (pairs === design.looks[look]) {
      const result = evaluateLook({ trials, scenarios, gate: config.gate, design, look });
      log.info(`look ${look + 1} of ${design.looks.length} after ${pairs} pairs: ${result.reason}`);
      if (result.stop) return { design, result, pairs };
      look += 1;
    }
  }
  // The budget ended between looks: one last look, spending the next look's share of alpha.
  const final = evaluateLook({ trials, scenarios, gate: config.gate, design, look, plannedPairs: pairs });
  const result = { ...final, reason: `time budget reached; ${final.reason}` };
  log.info(`final look after ${pairs} pairs: ${result.reason}`);
  return { design, result, pairs };
}

/**
 * Measures one scenario's pair, both sides back to back in `order`. A pair with an unfair reading
 * (`whyRerun`) is set aside (its readings kept, marked `discarded`) and measured again, at most
 * MAX_RERUNS_PER_PAIR times and while the gate has re-runs left; after that it is kept with a warning.
 */
async function measurePair(
  deps: TrialsDeps,
  serving: PairServers,
  servers: ServerPair,
  scenario: HttpScenario,
  { pair, order }: PlannedPair,
  reruns: { left: number },
  onReading: (reading: TrialReading) => void,
): Promise<{ readings: TrialReading[]; warnings: string[] }> {
  const setAside: TrialReading[] = [];
  for (let attempt = 0; ; attempt += 1) {
    const readings: TrialReading[] = [];
    for (const [position, side] of order.entries()) {
      await serving.warmUpBefore(side, scenario);
      const reading = await measureTrial(deps, servers[side], scenario, {
        side,
        pair,
        position: position === 0 ? 0 : 1,
      });
      readings.push(reading);
      onReading(reading);
    }
    const reasons = readings.flatMap((r) => {
      const why = whyRerun(r);
      return why === undefined ? [] : [`${r.side}: ${why}`];
    });
    if (reasons.length > 0 && attempt < MAX_RERUNS_PER_PAIR && reruns.left > 0) {
      reruns.left -= 1;
      setAside.push(...readings.map((r) => ({ ...r, discarded: reasons.join('; ') })));
      deps.log.info(
        `pair ${pair + 1} ${scenario.name} set aside (${reasons.join('; ')}): measuring it again`,
      );
      continue;
    }
    const warnings =
      reasons.length === 0
        ? []
        : [
            `${scenario.name} pair ${pair + 1} was kept although ${reasons.join('; ')}: ` +
              (reruns.left > 0
                ? `${MAX_RERUNS_PER_PAIR} re-runs did not help`
                : 'the gate ran out of re-runs'),
          ];
    return { readings: [...setAside, ...readings], warnings };
  }
}
