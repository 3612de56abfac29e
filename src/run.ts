/**
 * The gate as straight-line code over its ports: resolve → check out → build → start → warm up →
 * interleaved trials → compare → write results. Publishing is the caller's job, after the results
 * are on disk, so a failure to publish never loses a measurement.
 */
import path from 'node:path';
import type { Config } from './config/types.js';
import type { GateReport, RunnerFacts, SequentialSummary, Side, TrialReading } from './model/results.js';
import { REPORT_SCHEMA_VERSION } from './model/results.js';
import type {
  Checkout,
  Clock,
  LoadGenerator,
  Log,
  ProcessStats,
  ResultStore,
  RunningServer,
  ServerLauncher,
  Shell,
  Workspace,
} from './ports.js';
import { planTrials, seedFromCommits } from './plan/schedule.js';
import { measureTrial, warmUp } from './measure/measure-trial.js';
import { whyRerun } from './measure/why-rerun.js';
import { describeProgress } from './measure/describe-progress.js';
import {
  compareGate,
  evaluateLook,
  planSequentialDesign,
  type LookResult,
  type SequentialDesign,
} from './compare/index.js';
import { renderJson, renderMarkdown } from './report/index.js';
import { describeError, RunError } from './errors.js';
import { VERSION } from './version.js';

/** Every port the gate needs. */
export interface Deps {
  readonly workspace: Workspace;
  readonly shell: Shell;
  readonly launcher: ServerLauncher;
  readonly load: LoadGenerator;
  readonly stats: ProcessStats;
  readonly store: ResultStore;
  readonly log: Log;
  readonly clock: Clock;
}

/** What to gate. */
export interface GateRequest {
  readonly config: Config;
  /** Config path as the user gave it (shown in reports). */
  readonly configPath: string;
  readonly configHash: string;
  /** Folder of the config file relative to the repository root ('' at the root): build and server run there. */
  readonly configDirInRepo: string;
  /** Revisions as the user named them. */
  readonly base: string;
  readonly head: string;
  readonly pullRequest?: number;
}

/** Times one pair of one scenario is measured again when a reading is not a fair sample. */
const MAX_RERUNS_PER_PAIR = 2;

/** Pairs always run before the time budget may stop the trials: fewer cannot be compared at all. */
const MIN_PAIRS = 2;

/**
 * Runs one gate and writes `report.json`, `report.md` and `trials.jsonl` to the store.
 * @returns the complete report (its verdict decides the exit status).
 * @throws RevisionError for unknown revisions, RunError when a build, server or load fails; in
 *   both cases a `failed` report holding every trial measured so far is written first.
 */
export async function runGate(deps: Deps, request: GateRequest): Promise<GateReport> {
  const { log, clock, store } = deps;
  const { config } = request;
  const startedMs = clock.now();
  const timings: Record<string, number> = {};
  const trials: TrialReading[] = [];
  const warnings: string[] = [];
  let base = { ref: request.base, sha: '' };
  let head = { ref: request.head, sha: '' };
  let seed = 0;
  let sequential: SequentialSummary | undefined;

  const timed = async <T>(phase: string, title: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = clock.now();
    try {
      return await log.group(title, fn);
    } finally {
      timings[phase] = clock.now() - t0;
    }
  };
  const assemble = (outcome: GateOutcome | undefined, error?: string): GateReport => ({
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'perfgate', version: VERSION },
    status: outcome ? 'complete' : 'failed',
    ...(error === undefined ? {} : { error }),
    configPath: request.configPath,
    configHash: request.configHash,
    base,
    head,
    ...(request.pullRequest === undefined ? {} : { pullRequest: request.pullRequest }),
    startedAt: new Date(startedMs).toISOString(),
    finishedAt: new Date(clock.now()).toISOString(),
    runner: runnerFacts(deps.stats, trials),
    gate: { ...config.gate, seed },
    scenarios: config.http.map(({ name, method, path: p, connections, durationMs, warmupMs }) => ({
      name,
      method,
      path: p,
      connections,
      durationMs,
      warmupMs,
    })),
    trials,
    comparisons: outcome?.comparisons ?? [],
    verdict: outcome?.verdict ?? 'inconclusive',
    regressions: outcome?.regressions ?? 0,
    ...(sequential === undefined ? {} : { sequential }),
    warnings: [...warnings, ...(outcome?.warnings ?? [])],
    timings: { ...timings, total: clock.now() - startedMs },
  });

  try {
    const [baseSha, headSha] = await Promise.all([
      deps.workspace.resolve(request.base),
      deps.workspace.resolve(request.head),
    ]);
    base = { ref: request.base, sha: baseSha };
    head = { ref: request.head, sha: headSha };
    seed = seedFromCommits(baseSha, headSha);
    log.info(
      `perfgate ${VERSION}: base ${request.base} (${baseSha.slice(0, 7)}) vs head ${request.head} (${headSha.slice(0, 7)})`,
    );

    const checkouts = await timed('checkout', 'Check out base and head', async () => ({
      base: await deps.workspace.checkout(baseSha, 'base'),
      head: await deps.workspace.checkout(headSha, 'head'),
    }));
    await timed('build', 'Build base and head', async () => {
      for (const side of SIDES) await build(deps, config, checkouts[side], side, request.configDirInRepo);
    });
    const servers = await timed('start', 'Start servers', async () => {
      const [b, h] = await Promise.all(
        SIDES.map((side) => startServer(deps, config, checkouts[side], side, request.configDirInRepo)),
      );
      if (!b || !h) throw new Error('unreachable: two servers requested');
      return { base: b, head: h };
    });
    await timed('warmup', 'Warm up (discarded)', async () => {
      for (const scenario of config.http) {
        for (const side of SIDES) {
          log.info(`warm-up ${side} ${scenario.name} for ${(scenario.warmupMs / 1000).toFixed(1)} s`);
          await warmUp(deps, servers[side], scenario);
        }
      }
    });
    const look = await timed(
      'trials',
      `Trials (up to ${config.gate.trials} pairs, budget ${Math.round(config.gate.budgetMs / 1000)} s)`,
      () => runTrials(deps, config, servers, seed, trials, warnings),
    );
    const outcome = look.result.outcome;
    sequential = {
      looks: look.design.looks,
      alphas: look.design.alphas,
      stoppedAfterPairs: look.pairs,
      reason: look.result.reason,
    };
    const report = assemble(outcome);
    await timed('report', 'Write results', () => writeResults(store, report));
    return report;
  } catch (error) {
    const report = assemble(undefined, describeError(error));
    await writeResults(store, report).catch((writeError: unknown) =>
      log.error(`could not write results: ${describeError(writeError)}`),
    );
    throw error;
  } finally {
    await deps.launcher.stopAll();
    await deps.workspace.cleanup();
  }
}

const SIDES: readonly Side[] = ['base', 'head'];

type GateOutcome = ReturnType<typeof compareGate>;

/** Where the trials ended: the design, the last look's result, and complete pairs per scenario. */
interface TrialsEnd {
  readonly design: SequentialDesign;
  readonly result: LookResult;
  readonly pairs: number;
}

/**
 * Runs base/head pairs in the planned order (a pair whose reading is not a fair sample, see
 * `whyRerun`, is set aside and measured again), looks at the planned pair counts
 * (src/compare/sequential.ts) and stops at the first look that settles the gate, at the last pair,
 * or when the budget would be overrun (then one last look at the next look's share of alpha).
 * Appends every reading to `trials` and rewrites trials.jsonl after each pair.
 */
async function runTrials(
  deps: Deps,
  config: Config,
  servers: Readonly<Record<Side, RunningServer>>,
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
    for (const scenario of config.http) {
      for (let attempt = 0; ; attempt += 1) {
        const readings: TrialReading[] = [];
        for (const [position, side] of order.entries()) {
          const where = { side, pair, position: position === 0 ? 0 : 1 } as const;
          const reading = await measureTrial(deps, servers[side], scenario, where);
          readings.push(reading);
          log.info(describeProgress(reading, plan.length, config.gate.budgetMs - (clock.now() - startMs)));
        }
        const reasons = readings.flatMap((r) => {
          const why = whyRerun(r);
          return why === undefined ? [] : [`${r.side}: ${why}`];
        });
        if (reasons.length > 0 && attempt < MAX_RERUNS_PER_PAIR && reruns.left > 0) {
          reruns.left -= 1;
          trials.push(...readings.map((r) => ({ ...r, discarded: reasons.join('; ') })));
          log.info(`pair ${pair + 1} ${scenario.name} set aside (${reasons.join('; ')}): measuring it again`);
          continue;
        }
        if (reasons.length > 0) {
          warnings.push(
            `${scenario.name} pair ${pair + 1} was kept although ${reasons.join('; ')}: ` +
              (reruns.left > 0
                ? `${MAX_RERUNS_PER_PAIR} re-runs did not help`
                : 'the gate ran out of re-runs'),
          );
        }
        trials.push(...readings);
        break;
      }
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

async function writeResults(store: ResultStore, report: GateReport): Promise<void> {
  await store.write('report.json', renderJson(report));
  await store.write('report.md', renderMarkdown(report));
}

async function build(
  deps: Deps,
  config: Config,
  checkout: Checkout,
  side: Side,
  configDir: string,
): Promise<void> {
  const logFile = deps.store.logPath(`build-${side}.log`);
  for (const command of config.build) {
    deps.log.info(`${side} (${checkout.sha.slice(0, 7)}): ${command}`);
    const result = await deps.shell.run(command, { cwd: path.join(checkout.dir, configDir), logFile });
    if (result.exitCode !== 0) {
      throw new RunError(
        `build of ${side} (${checkout.sha.slice(0, 7)}) failed: \`${command}\` exited with ${result.exitCode}`,
        `fix the build command in the config or the commit; the full log is ${logFile}`,
        result.logTail,
      );
    }
  }
}

async function startServer(
  deps: Deps,
  config: Config,
  checkout: Checkout,
  side: Side,
  configDir: string,
): Promise<RunningServer> {
  const port = await deps.launcher.freePort();
  const { server } = config;
  const portText = String(port);
  const readyUrl = /^https?:\/\//.test(server.ready)
    ? substitutePort(server.ready, portText)
    : `http://127.0.0.1:${port}${server.ready}`;
  const started = await deps.launcher.start({
    label: side,
    command: substitutePort(server.command, portText),
    cwd: path.join(checkout.dir, configDir, server.cwd),
    // Python randomizes string hashing per process, so two processes of identical code lay out their
    // dicts and sets differently and differ in CPU per request; one fixed seed for base and head
    // keeps that out of the comparison (a user's `env` may still set another).
    env: { PYTHONHASHSEED: '0', ...server.env, PORT: portText },
    port,
    readyUrl,
    startupTimeoutMs: server.startupTimeoutMs,
    logFile: deps.store.logPath(`server-${side}.log`),
  });
  deps.log.info(`${side} server ready at ${started.baseUrl} (pid ${started.pid})`);
  return started;
}

/** Replaces `$PORT` and `${PORT}` in a command or URL. */
export function substitutePort(text: string, port: string): string {
  return text.replace(/\$\{PORT\}|\$PORT\b/g, port);
}

function runnerFacts(stats: ProcessStats, trials: readonly TrialReading[]): RunnerFacts {
  const steals = trials.map((t) => t.stealFraction);
  return {
    ...stats.machine(),
    stealMean: steals.length ? steals.reduce((a, b) => a + b, 0) / steals.length : 0,
    stealMax: steals.length ? Math.max(...steals) : 0,
  };
}
