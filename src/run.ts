/**
 * The gate as straight-line code over its ports: resolve → check out → build → start → interleaved
 * trials (fresh servers per pair unless `server.restart: never`, each side warmed up right before
 * its first trial on them) → compare → write results. Publishing is the caller's job, after the
 * results are on disk, so a failure to publish never loses a measurement.
 */
import type { Config, ProfileConfig } from './config/types.js';
import type {
  CommitRef,
  ComparisonBasis,
  GatePhase,
  GateReport,
  Interruption,
  GateVerdict,
  ProfilesSummary,
  RunnerFacts,
  SequentialSummary,
  Side,
  StoredBaseline,
  TrialReading,
} from './model/results.js';
import type { PlanBasis } from './plan/event.js';
import { resolveComparison } from './targets/resolve-comparison.js';
import { REPORT_SCHEMA_VERSION } from './model/results.js';
import type {
  Clock,
  LoadGenerator,
  Log,
  ProcessStats,
  ResponseSampler,
  ResultStore,
  ServerLauncher,
  Shell,
  Workspace,
} from './ports.js';
import { seedFromCommits } from './plan/schedule.js';
import { createRerunLog, runTrials, type TrialsEnd } from './measure/run-trials.js';
import { runProfilePhase, type ProfilerChoice } from './measure/profile-phase.js';
import { buildCheckout } from './targets/prepare-targets.js';
import { targetServers, type ServingTime, type TargetServers } from './targets/target-servers.js';
import { describeDetachedStops } from './targets/describe-detached-stops.js';
import type { GateOutcome } from './compare/index.js';
import { renderJson, renderMarkdown } from './report/index.js';
import { describeError, interruptionOf, throwIfInterrupted } from './errors.js';
import { VERSION } from './version.js';
import type { History } from './history/model.js';
import type { StoredComparison } from './history/read-baseline.js';

export type { StoredComparison } from './history/read-baseline.js';
import { baselineTrials, compareRunners } from './history/report-file.js';
import { compareStored, estimateBetweenRunSpread, planSequentialDesign } from './compare/index.js';
import type { BetweenRunSpread } from './compare/index.js';
import type { MetricName } from './model/metrics.js';

/**
 * Thrown by {@link runGate} when a gate could not finish. `report` is the report written before
 * throwing (status `failed`, every trial measured so far), so a caller can still publish it; `cause`
 * is the error that stopped the gate (a PerfgateError decides the exit code).
 */
export class GateFailure extends Error {
  constructor(
    readonly report: GateReport,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'GateFailure';
  }
}

/** Every port the gate needs. */
export interface Deps {
  readonly workspace: Workspace;
  readonly shell: Shell;
  readonly launcher: ServerLauncher;
  readonly load: LoadGenerator;
  /** Takes one sample response when a side fails most of its requests (for the error's evidence). */
  readonly sampler?: ResponseSampler;
  readonly stats: ProcessStats;
  readonly store: ResultStore;
  readonly log: Log;
  readonly clock: Clock;
  /**
   * Aborted when perfgate is told to stop (SIGINT, SIGTERM), with an InterruptedError as reason: the
   * gate stops at its next step (a load, build step or server start under way at once), writes what
   * it measured with status `interrupted`, stops the servers and removes the worktrees.
   */
  readonly signal?: AbortSignal;
  /** Picks the profiler for the profiling phase (absent: no profiling phase, as in unit tests). */
  readonly chooseProfiler?: (profile: ProfileConfig, serverCommand: string) => Promise<ProfilerChoice>;
}

/** What to gate. */
export interface GateRequest {
  readonly config: Config;
  /** Config path as the user gave it (shown in reports). */
  readonly configPath: string;
  readonly configHash: string;
  /** Folder of the config file relative to the repository root ('' at the root): build and server run there. */
  readonly configDirInRepo: string;
  /** Revisions as planned (src/plan/event.ts) or as the user named them. */
  readonly base: string;
  readonly head: string;
  /** How base and head were chosen (default `given`: compared as named); see resolveComparison. */
  readonly basis?: PlanBasis;
  /** Base branch name (`main`) from the event, for labels. */
  readonly baseBranch?: string;
  readonly pullRequest?: number;
  /**
   * Compare head with a stored baseline instead of measuring base (`baseline: stored`): base is
   * neither checked out, built nor served, `request.base` and `basis` are ignored.
   */
  readonly stored?: StoredComparison;
}

/**
 * Runs one gate and writes `report.json`, `report.md` and `trials.jsonl` to the store.
 * @returns the complete report (its verdict decides the exit status).
 * @throws ConfigError (from `store.open`, before anything runs) when the results folder cannot be
 *   written or another run holds it.
 * @throws GateFailure when the gate could not finish (an unknown revision, a build, server or load
 *   failure): it carries the `failed` report holding every trial measured so far, already written to
 *   the store, and the original error as `cause` (a RevisionError, RunError, ...). When
 *   `deps.signal` was aborted, whatever the error (a server stopping as perfgate stops is no crash),
 *   the report is `interrupted` and `cause` the InterruptedError (exit 130 or 143).
 */
export async function runGate(deps: Deps, request: GateRequest): Promise<GateReport> {
  const { log, clock, store } = deps;
  const { config } = request;
  const startedMs = clock.now();
  const timings: Record<string, number> = {};
  const trials: TrialReading[] = [];
  const warnings: string[] = [];
  const reruns = createRerunLog(config.gate);
  let base: CommitRef = { ref: request.base, sha: '' };
  let head: CommitRef = { ref: request.head, sha: '' };
  let basis: ComparisonBasis | undefined;
  let seed = 0;
  let sequential: SequentialSummary | undefined;
  let serving: TargetServers | TargetServers<'head'> | undefined;
  const stored = request.stored;
  let baseline: StoredBaseline | undefined;
  let servedBeforeTrialsMs = 0;
  let phase: GatePhase = 'resolve';
  /** Serving time when the trials ended: the profiling phase's starts and warm-ups are its own. */
  let servedAtTrialsEnd: ServingTime | undefined;
  let profiles: ProfilesSummary | undefined;

  const timed = async <T>(name: GatePhase, title: string, fn: () => Promise<T>): Promise<T> => {
    // Once the trials are done, a late signal still gets the complete report (the profiling phase
    // stops at the signal and keeps what it recorded).
    if (name !== 'report' && name !== 'profile') throwIfInterrupted(deps.signal);
    phase = name;
    const t0 = clock.now();
    try {
      return await log.group(title, fn);
    } finally {
      timings[name] = clock.now() - t0;
    }
  };
  // Restarts and warm-ups run inside the trial phase; their time is booked under stop, start and
  // warmup instead.
  const phaseTimings = (): Record<string, number> => {
    const { trials: trialsMs, report: reportMs, ...earlier } = timings;
    const served = servedAtTrialsEnd ?? serving?.time;
    const servingMs = served ? served.stopMs + served.startMs + served.warmupMs - servedBeforeTrialsMs : 0;
    return {
      ...earlier,
      ...(served ? { start: served.startMs, warmup: served.warmupMs } : {}),
      ...(served && served.stopMs > 0 ? { stop: served.stopMs } : {}),
      ...(trialsMs === undefined ? {} : { trials: trialsMs - servingMs }),
      ...(reportMs === undefined ? {} : { report: reportMs }),
      total: clock.now() - startedMs,
    };
  };
  const assemble = (
    outcome: GateOutcome | undefined,
    error?: string,
    interruption?: Interruption,
  ): GateReport => ({
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'perfgate', version: VERSION },
    status: interruption ? 'interrupted' : outcome ? 'complete' : 'failed',
    ...(error === undefined ? {} : { error }),
    ...(interruption === undefined ? {} : { interruption }),
    configPath: request.configPath,
    configHash: request.configHash,
    base,
    head,
    ...(basis === undefined ? {} : { basis }),
    ...(stored === undefined ? {} : { mode: 'stored' as const }),
    ...(baseline === undefined ? {} : { baseline }),
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
    servers: {
      restart: config.server.restart,
      starts: (servedAtTrialsEnd ?? serving?.time)?.starts ?? 0,
    },
    reruns: { ...reruns, reasons: [...reruns.reasons] },
    timings: phaseTimings(),
    ...(profiles === undefined ? {} : { profiles }),
  });

  // Before anything is built or served: an unwritable or busy results folder is bad input (exit 2),
  // not a failed run, and there would be nowhere to write its report.
  await store.open();

  // Servers stop before the report is assembled, so that the report can say when some of their
  // processes had detached and had to be hunted down by their environment tag.
  const stopServers = async (): Promise<void> => {
    await deps.launcher.stopAll();
    warnings.push(...describeDetachedStops(deps.launcher.detachedStops()));
  };

  /** The trials are done: record where the looks stopped, stop the servers, write the report. */
  const complete = async (look: TrialsEnd): Promise<GateReport> => {
    sequential = {
      looks: look.design.looks,
      alphas: look.design.alphas,
      stoppedAfterPairs: look.pairs,
      reason: look.result.reason,
      level: look.result.significanceLevel,
    };
    await stopServers();
    const report = assemble(look.result.outcome);
    await timed('report', 'Write results', () => writeResults(store, report));
    return report;
  };

  try {
    throwIfInterrupted(deps.signal);
    if (stored !== undefined) {
      head = { ref: request.head, sha: await deps.workspace.resolve(request.head) };
      const found = stored.baseline;
      baseline =
        found &&
        (await describeStoredBaseline(found, deps, request.configHash, stored.history, stored.expectedSha));
      base = found
        ? { ref: found.branch ?? 'stored baseline', sha: found.report.head.sha }
        : { ref: 'no stored baseline', sha: head.sha };
      seed = seedFromCommits(base.sha, head.sha);
      if (baseline === undefined) {
        const notice = stored.notice ?? 'no stored baseline';
        warnings.push(notice);
        log.warn(notice);
      } else {
        log.info(
          `perfgate ${VERSION}: head ${head.ref} (${head.sha.slice(0, 7)}) against the stored baseline ` +
            `${baseline.sha.slice(0, 7)} from ${baseline.source} (finished ${baseline.finishedAt})`,
        );
        for (const change of baseline.runnerChanges)
          warnings.push(`the baseline ran on another runner: ${change}`);
        const behind = baseline.expected?.behind ?? 0;
        if (behind > 0 && baseline.expected !== undefined)
          warnings.push(
            `the stored baseline ${baseline.sha.slice(0, 7)} is ${behind} commit${behind === 1 ? '' : 's'} behind ` +
              `${baseline.expected.sha.slice(0, 7)}, the commit it stands for (no run of that commit was found): their changes count as head's`,
          );
      }
      const checkout = await timed('checkout', 'Check out head', () =>
        deps.workspace.checkout(head.sha, 'head'),
      );
      await timed('build', 'Build head', () =>
        buildCheckout(deps, config, checkout, 'head', request.configDirInRepo),
      );
      const servedHead = targetServers(deps, config, { head: checkout }, request.configDirInRepo);
      serving = servedHead;
      throwIfInterrupted(deps.signal);
      phase = 'start';
      await log.group('Start server', () => servedHead.startFirst());
      servedBeforeTrialsMs = servedHead.time.stopMs + servedHead.time.startMs + servedHead.time.warmupMs;
      const against = found?.report;
      // One look, at the first planned look's trial count, spending all of alpha: against a stored
      // run the between-run spread dominates the uncertainty, so later looks would split alpha
      // for intervals more trials barely narrow (docs/stored-baselines.md). With no baseline the
      // same trials are this run's contribution as the next run's baseline.
      const firstLook = planSequentialDesign(config.gate).looks[0] ?? 2;
      const trialConfig = { ...config, gate: { ...config.gate, trials: firstLook } };
      const look = await timed(
        'trials',
        `Trials of head (up to ${trialConfig.gate.trials}, budget ${Math.round(config.gate.budgetMs / 1000)} s)`,
        () =>
          runTrials(deps, trialConfig, servedHead, seed, trials, warnings, reruns, {
            sides: ['head'],
            compare: (input) =>
              against === undefined
                ? { comparisons: [], verdict: 'inconclusive', regressions: 0, warnings: [] }
                : compareStored({
                    baseline: baselineTrials(against),
                    head: input.trials,
                    scenarios: input.scenarios,
                    gate: input.gate,
                    ...(input.significanceLevel === undefined
                      ? {}
                      : { significanceLevel: input.significanceLevel }),
                    ...(stored.history === undefined
                      ? {}
                      : { spread: spreadFrom(stored.history, request.configHash) }),
                  }),
          }),
      );
      servedAtTrialsEnd = { ...servedHead.time };
      return await complete(look);
    }
    const resolved = await resolveComparison(deps.workspace, request);
    ({ base, head, basis } = resolved);
    const baseSha = base.sha;
    const headSha = head.sha;
    seed = seedFromCommits(baseSha, headSha);
    log.info(
      `perfgate ${VERSION}: base ${base.ref} (${baseSha.slice(0, 7)}) vs head ${head.ref} (${headSha.slice(0, 7)})`,
    );
    if (resolved.basis.fallback !== undefined) {
      const warning =
        `Compared the pull request's head with the commit it branched from, not the merge commit: ${resolved.basis.fallback}. ` +
        'What landed on the base branch since is not measured; check out the default ref (actions/checkout without `ref:`, `fetch-depth: 0`) to gate the merge.';
      warnings.push(warning);
      log.warn(warning);
    }

    const checkouts = await timed('checkout', 'Check out base and head', async () => ({
      base: await deps.workspace.checkout(baseSha, 'base'),
      head: await deps.workspace.checkout(headSha, 'head'),
    }));
    await timed('build', 'Build base and head', async () => {
      for (const side of SIDES)
        await buildCheckout(deps, config, checkouts[side], side, request.configDirInRepo);
    });
    serving = targetServers(deps, config, checkouts, request.configDirInRepo);
    const served = serving;
    throwIfInterrupted(deps.signal);
    phase = 'start';
    await log.group('Start servers', () => served.startFirst());
    servedBeforeTrialsMs = served.time.stopMs + served.time.startMs + served.time.warmupMs;
    const look = await timed(
      'trials',
      `Trials (up to ${config.gate.trials} pairs, budget ${Math.round(config.gate.budgetMs / 1000)} s)`,
      () => runTrials(deps, config, served, seed, trials, warnings, reruns),
    );
    const outcome = look.result.outcome;
    servedAtTrialsEnd = { ...served.time };
    const chooser = deps.chooseProfiler;
    if (
      chooser !== undefined &&
      deps.signal?.aborted !== true &&
      wantsProfiles(config.profile, outcome.verdict)
    ) {
      const roots = {
        // Profile paths are shown relative to each side's checkout (the repository root).
        base: [checkouts.base.dir],
        head: [checkouts.head.dir],
      };
      profiles = await timed('profile', 'Profile base and head', async () =>
        runProfilePhase(
          deps,
          config,
          served,
          look.pairs,
          await chooser(config.profile, config.server.command),
          roots,
        ),
      );
    }
    return await complete(look);
  } catch (error) {
    const interrupted = deps.signal?.aborted ? interruptionOf(deps.signal) : undefined;
    const pairs = completePairs(
      trials,
      config.http.map((scenario) => scenario.name),
      stored === undefined ? SIDES : ['head'],
    );
    const build = (): GateReport =>
      interrupted
        ? assemble(undefined, undefined, { signal: interrupted.signal, phase, pairs })
        : assemble(undefined, describeError(error));
    const write = (report: GateReport): Promise<void> =>
      writeResults(store, report).catch((writeError: unknown) =>
        log.error(`could not write results: ${describeError(writeError)}`),
      );
    if (interrupted) {
      // What failed once the abort came (a load cut short, a server stopping) is its consequence.
      if (error !== interrupted) log.info(`after the interruption: ${describeError(error)}`);
      log.warn(`perfgate: interrupted by ${interrupted.signal} during ${phase} after ${pairs} pairs`);
    }
    // Written before the servers stop too: a second signal (a runner's SIGTERM 7.5 s after its
    // SIGINT) may end perfgate while a stubborn server is still being stopped.
    let report = build();
    await write(report);
    const warningsBefore = warnings.length;
    await stopServers();
    if (warnings.length > warningsBefore) {
      report = build();
      await write(report);
    }
    throw new GateFailure(report, interrupted ?? error);
  } finally {
    await deps.launcher.stopAll();
    await deps.workspace.cleanup();
    await store.close();
  }
}

const SIDES: readonly Side[] = ['base', 'head'];

/** Pairs measured for every scenario on every side measured (readings set aside not counted). */
function completePairs(
  trials: readonly TrialReading[],
  scenarios: readonly string[],
  sides: readonly Side[],
): number {
  const sidesByPair = new Map<string, Set<Side>>();
  for (const trial of trials) {
    if (trial.discarded !== undefined) continue;
    const key = `${trial.scenario}\u0000${trial.pair}`;
    const sides = sidesByPair.get(key) ?? new Set<Side>();
    sides.add(trial.side);
    sidesByPair.set(key, sides);
  }
  const pairs = new Set(trials.map((trial) => trial.pair));
  return [...pairs].filter((pair) =>
    scenarios.every((scenario) => sidesByPair.get(`${scenario}\u0000${pair}`)?.size === sides.length),
  ).length;
}

/** Whether the profiling phase runs for this verdict (`profile.when`, `tool: none`). */
export function wantsProfiles(profile: ProfileConfig, verdict: GateVerdict): boolean {
  if (profile.tool === 'none') return false;
  switch (profile.when) {
    case 'always':
      return true;
    case 'regression':
      return verdict === 'regression';
    case 'never':
      return false;
  }
}

/**
 * The report's account of a stored baseline: where it came from, its commit, age and runner, how
 * this runner differs, and how much history the between-run spread was learned from.
 */
async function describeStoredBaseline(
  found: NonNullable<StoredComparison['baseline']>,
  deps: Pick<Deps, 'stats' | 'workspace'>,
  configHash: string,
  history: History | undefined,
  expectedSha: string | undefined,
): Promise<StoredBaseline> {
  const { stats } = deps;
  const { report } = found;
  const trialsByScenario: Record<string, number> = {};
  for (const trial of baselineTrials(report))
    trialsByScenario[trial.scenario] = (trialsByScenario[trial.scenario] ?? 0) + 1;
  const here = runnerFacts(stats, []);
  return {
    source: found.source,
    sha: report.head.sha,
    ...(found.branch === undefined ? {} : { branch: found.branch }),
    finishedAt: report.finishedAt,
    ...(found.runId === undefined ? {} : { runId: found.runId }),
    ...(found.runUrl === undefined ? {} : { runUrl: found.runUrl }),
    runner: report.runner,
    configHash: report.configHash,
    trials: trialsByScenario,
    historyRuns: history === undefined ? 0 : comparableRuns(history, configHash),
    runnerChanges: compareRunners(report.runner, here),
    ...(expectedSha === undefined
      ? {}
      : { expected: await distanceTo(deps.workspace, report.head.sha, expectedSha) }),
  };
}

/** How far the stored run's commit `sha` is from `expected` (both ways), when the clone can tell. */
async function distanceTo(
  workspace: Deps['workspace'],
  sha: string,
  expected: string,
): Promise<NonNullable<StoredBaseline['expected']>> {
  if (sha === expected) return { sha: expected, behind: 0, ahead: 0 };
  const [behind, ahead] = await Promise.all([
    workspace.countCommits(sha, expected),
    workspace.countCommits(expected, sha),
  ]);
  return {
    sha: expected,
    ...(behind === undefined ? {} : { behind }),
    ...(ahead === undefined ? {} : { ahead }),
  };
}

/** Entries of `history` measured with the config of hash `configHash`. */
function comparableRuns(history: History, configHash: string): number {
  return history.entries.filter((entry) => entry.configHash === undefined || entry.configHash === configHash)
    .length;
}

/** The between-run spread per scenario × metric, learned from the history's runs of this config. */
function spreadFrom(
  history: History,
  configHash: string,
): (scenario: string, metric: MetricName) => BetweenRunSpread | undefined {
  return (scenario, metric) => estimateBetweenRunSpread(history, scenario, metric, { configHash });
}

async function writeResults(store: ResultStore, report: GateReport): Promise<void> {
  await store.write('report.json', renderJson(report));
  await store.write('report.md', renderMarkdown(report));
}

function runnerFacts(stats: ProcessStats, trials: readonly TrialReading[]): RunnerFacts {
  const steals = trials.map((t) => t.stealFraction);
  return {
    ...stats.machine(),
    stealMean: steals.length ? steals.reduce((a, b) => a + b, 0) / steals.length : 0,
    stealMax: steals.length ? Math.max(...steals) : 0,
  };
}
