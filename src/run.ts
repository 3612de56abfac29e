/**
 * The gate as straight-line code over its ports: resolve → check out → build → start → warm up →
 * interleaved trials → compare → write results. Publishing is the caller's job, after the results
 * are on disk, so a failure to publish never loses a measurement.
 */
import path from 'node:path';
import type { Config } from './config/types.js';
import type { GateReport, RunnerFacts, Side, TrialReading } from './model/results.js';
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
import { describeProgress } from './measure/describe-progress.js';
import { compareGate } from './compare/index.js';
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
    await timed(
      'trials',
      `Trials (${config.gate.trials} pairs, budget ${Math.round(config.gate.budgetMs / 1000)} s)`,
      async () => {
        const plan = planTrials(config.gate.trials, seed);
        const trialsStartMs = clock.now();
        for (const [done, { pair, order }] of plan.entries()) {
          const elapsedMs = clock.now() - trialsStartMs;
          const pairCostMs =
            done > 0 ? elapsedMs / done : 2 * config.http.reduce((sum, s) => sum + s.durationMs, 0);
          if (done >= MIN_PAIRS && elapsedMs + pairCostMs > config.gate.budgetMs) {
            warnings.push(
              `the time budget (${Math.round(config.gate.budgetMs / 1000)} s) allowed ${done} of ${plan.length} planned pairs: ` +
                'raise `gate.budget` or shorten `duration` for more',
            );
            break;
          }
          for (const scenario of config.http) {
            for (const [position, side] of order.entries()) {
              const reading = await measureTrial(deps, servers[side], scenario, {
                side,
                pair,
                position: position === 0 ? 0 : 1,
              });
              trials.push(reading);
              const leftMs = config.gate.budgetMs - (clock.now() - trialsStartMs);
              log.info(describeProgress(reading, plan.length, leftMs));
            }
          }
          await store.write('trials.jsonl', trials.map((t) => JSON.stringify(t)).join('\n') + '\n');
        }
      },
    );

    const outcome = compareGate({ trials, scenarios: config.http.map((s) => s.name), gate: config.gate });
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
    env: { ...server.env, PORT: portText },
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
