/**
 * The profiling phase: after the measured trials, never during them (a sampler attached to a server
 * slows it, ENVIRONMENT.md), one profiled load window per side and scenario on fresh servers, base and
 * head alternating which goes first from one scenario to the next, as trials do. Each side is warmed
 * up right before its window, exactly as before a trial. Profiles explain a verdict and never change
 * it: every failure here becomes a notice and the gate goes on.
 */
import type { Config } from '../config/types.js';
import type { ProfileMeasure, ProfilesSummary, ScenarioProfiles, Side } from '../model/results.js';
import type { LoadGenerator, Log, PairServers, Profiler, ResultStore, ServerPair } from '../ports.js';
import {
  differentialFlameGraphSvg,
  diffFunctions,
  estimateDispersion,
  flameGraphSvg,
  mergeProfiles,
  relativizeFrames,
  summarizeFunctions,
  toFolded,
  toSpeedscope,
  totalWeight,
  type FunctionShare,
  type Profile,
} from '../profile/index.js';
import { describeError, PerfgateError } from '../errors.js';
import { loadSpecFor } from './measure-trial.js';

/** The ports the phase needs. */
export interface ProfilePhaseDeps {
  readonly load: LoadGenerator;
  readonly log: Log;
  readonly store: ResultStore;
  /** Aborted when perfgate is told to stop: the phase ends at once, keeping what it recorded. */
  readonly signal?: AbortSignal;
}

/** Which profiler runs, and why (src/adapters picks it: only they can see what is installed). */
export interface ProfilerChoice {
  /** Absent when none can run here; `reason` then says why and what to install. */
  readonly profiler?: Profiler;
  readonly reason: string;
}

/** Rows of each table kept in report.json. */
const ROWS = 20;

/**
 * Runs the phase and writes each side's profile to the results folder as a speedscope file, folded
 * stacks and an SVG flame graph (`profiles/<scenario>-<side>.speedscope.json`, `.folded`, `.svg`,
 * paths relative to the checkout), and head against base as a differential flame graph
 * (`profiles/<scenario>-diff.svg`).
 * @param pairsDone complete pairs so far (the servers for the next pair are the fresh ones profiled).
 * @param roots per side, the folders whose paths frames are shown relative to (the checkout and the
 *   config's folder in it).
 * @returns the summary for the report; never throws (a failure is a notice).
 */
export async function runProfilePhase(
  deps: ProfilePhaseDeps,
  config: Config,
  servers: PairServers,
  pairsDone: number,
  choice: ProfilerChoice,
  roots: Readonly<Record<Side, readonly string[]>>,
): Promise<ProfilesSummary> {
  const notices: string[] = [];
  const { profiler } = choice;
  if (profiler === undefined) return { reason: choice.reason, notices, scenarios: [] };
  const { durationMs, rateHz, windows } = config.profile;
  const windowMs = Math.max(1_000, Math.round(durationMs / windows));
  /** Per scenario and side, the windows recorded (relative paths), and the files kept. */
  const recorded = config.http.map(() => ({
    base: [] as Profile[],
    head: [] as Profile[],
    files: [] as string[],
  }));
  for (let w = 0; w < windows && !isAborted(deps.signal); w++) {
    let pair: ServerPair;
    try {
      pair = await servers.forProfiling(pairsDone + w, profiler.launch);
    } catch (error) {
      notices.push(
        `${w === 0 ? 'No profiles' : `Profiles of ${w} window${w === 1 ? '' : 's'} only`}: the servers for the ` +
          `profiling phase did not start (${firstLine(error)}).`,
      );
      break;
    }
    for (const [index, scenario] of config.http.entries()) {
      // ABBA: base first in odd scenarios of even windows, so each side's windows straddle the other's.
      const order: readonly Side[] = (index + w) % 2 === 0 ? ['base', 'head'] : ['head', 'base'];
      const into = recorded[index];
      if (into === undefined) continue;
      for (const side of order) {
        if (isAborted(deps.signal)) break;
        const name = windows === 1 ? `${scenario.name}-${side}` : `${scenario.name}-${side}-${w + 1}`;
        try {
          await servers.warmUpBefore(side, scenario);
          const recording = await profiler.start(pair[side], { durationMs: windowMs, rateHz, name, side });
          // A little longer than the recording, so it never samples an idle server at its end.
          await deps.load.run(loadSpecFor(pair[side], scenario, windowMs + 500, deps.signal));
          const { profile, files: own = [] } = await recording.finish();
          into.files.push(...own);
          into[side].push(relativizeFrames(profile, roots[side]));
        } catch (error) {
          if (isAborted(deps.signal)) {
            notices.push(`${scenario.name}: profiling stopped at the interruption.`);
            break;
          }
          notices.push(`${scenario.name}: the ${side} server could not be profiled (${firstLine(error)}).`);
        }
      }
    }
  }
  const scenarios: ScenarioProfiles[] = [];
  for (const [index, scenario] of config.http.entries()) {
    const got = recorded[index];
    if (got === undefined || (got.base.length === 0 && got.head.length === 0 && got.files.length === 0))
      continue;
    scenarios.push(await summarizeScenario(deps, profiler.tool, scenario.name, windowMs, got));
  }
  await profiler.dispose?.();
  // A side that cannot be profiled fails the same way in every window: say it once.
  const distinct = [...new Set(notices)];
  for (const notice of distinct) deps.log.warn(notice);
  return { tool: profiler.tool, reason: choice.reason, notices: distinct, scenarios };
}

/**
 * Merges each side's windows, writes the files (speedscope, folded, SVG per side; the differential
 * SVG) and builds the scenario's tables; the noise mark comes from how the windows of each side
 * differ (estimateDispersion), never narrower than the fixed design effect.
 */
async function summarizeScenario(
  deps: ProfilePhaseDeps,
  tool: string,
  scenario: string,
  windowMs: number,
  got: { readonly base: readonly Profile[]; readonly head: readonly Profile[]; readonly files: string[] },
): Promise<ScenarioProfiles> {
  const files = [...got.files];
  const merged: Partial<Record<Side, Profile>> = {};
  for (const side of SIDES) {
    if (got[side].length === 0) continue;
    const profile = mergeProfiles(got[side]);
    merged[side] = profile;
    const name = `${scenario}-${side}`;
    const title = `${side} · ${scenario} (${tool})`;
    try {
      files.push(
        await deps.store.write(
          `profiles/${name}.speedscope.json`,
          JSON.stringify(toSpeedscope(profile, title)),
        ),
      );
      // Folded counts are whole numbers: milliseconds of time, bytes of memory.
      const scale = profile.unit === 'bytes' ? 1 : 1e-3;
      files.push(await deps.store.write(`profiles/${name}.folded`, toFolded(profile, { scale })));
      files.push(await deps.store.write(`profiles/${name}.svg`, flameGraphSvg(profile, { title })));
    } catch (error) {
      deps.log.warn(`${scenario}: the ${side} profile could not be written (${firstLine(error)}).`);
    }
  }
  const { base, head } = merged;
  if (base && head) {
    const title = `${scenario}: head against base (red grew, blue shrank; ${tool})`;
    const svg = differentialFlameGraphSvg(base, head, { title });
    files.push(await deps.store.write(`profiles/${scenario}-diff.svg`, svg).catch(() => ''));
  }
  const dispersion = estimateDispersion([got.base, got.head]);
  const measured = dispersion.df > 0;
  // Sampled profiles: never narrower than the fixed design effect for correlated samples.
  const used =
    measured && dispersion.per === 'samples'
      ? { ...dispersion, phi: Math.max(DESIGN_EFFECT, dispersion.phi) }
      : dispersion;
  const diff =
    base && head
      ? diffFunctions(base, head, {
          designEffect: DESIGN_EFFECT,
          ...(measured ? { dispersion: used } : {}),
          windows: { base: got.base.length, head: got.head.length },
        }).slice(0, ROWS)
      : [];
  return {
    scenario,
    durationMs: windowMs * Math.max(got.base.length, got.head.length, 1),
    windows: { base: got.base.length, head: got.head.length },
    ...(measured ? { dispersion: used.phi } : {}),
    samples: { base: base?.sampleCount ?? 0, head: head?.sampleCount ?? 0 },
    measure: measureOf(base ?? head),
    totals: { base: base ? totalWeight(base) : 0, head: head ? totalWeight(head) : 0 },
    top: { base: bySelf(base), head: bySelf(head) },
    topByTotal: { base: byTotal(base), head: byTotal(head) },
    diff,
    files: files.filter((file) => file !== '').map((file) => relativeTo(deps.store.dir, file)),
  };
}

const SIDES: readonly Side[] = ['base', 'head'];

/** Variance inflation of correlated consecutive samples (hot-functions.ts), the mark's lower bound. */
const DESIGN_EFFECT = 2;

/** What the profile's weights measure: memory growth in bytes, sampled stacks, or traced CPU time. */
function measureOf(profile: Profile | undefined): ProfileMeasure {
  if (profile?.unit === 'bytes') return 'memory-growth';
  return profile === undefined || profile.sampleCount !== undefined ? 'samples' : 'traced-cpu';
}

function relativeTo(dir: string, file: string): string {
  return file.startsWith(`${dir}/`) ? file.slice(dir.length + 1) : file;
}

/** The error's first line: a PerfgateError's message, any other error's message without its stack. */
function firstLine(error: unknown): string {
  const text =
    error instanceof PerfgateError
      ? describeError(error)
      : error instanceof Error
        ? error.message
        : String(error);
  return text.split('\n')[0] ?? 'unknown error';
}

/** Whether perfgate was told to stop (a function, so a check after an await is not narrowed away). */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function bySelf(profile: Profile | undefined): FunctionShare[] {
  return profile ? summarizeFunctions(profile).slice(0, ROWS) : [];
}

function byTotal(profile: Profile | undefined): FunctionShare[] {
  if (profile === undefined) return [];
  return summarizeFunctions(profile)
    .sort((a, b) => b.total - a.total || b.self - a.self || a.key.localeCompare(b.key))
    .slice(0, ROWS);
}
