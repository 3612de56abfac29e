/**
 * Turns what the load generator and the process watch saw in one trial window into a TrialReading:
 * one number per metric plus the evidence (per-process CPU, steal) and warnings.
 */
import { DEFAULTS } from '../config/defaults.js';
import { formatDurationMs } from '../config/durations.js';
import type { HttpScenario } from '../config/types.js';
import type { MetricName } from '../model/metrics.js';
import type { Side, TrialReading } from '../model/results.js';
import type { LoadResult, TreeWindow } from '../ports.js';
import { findIdleWorkers } from './find-idle-workers.js';

/** Where a reading sits in the schedule. */
export interface ReadingContext {
  readonly scenario: HttpScenario;
  readonly side: Side;
  readonly pair: number;
  readonly position: 0 | 1;
  /** ISO-8601 start of the window. */
  readonly startedAt: string;
  /**
   * The gate's threshold (`gate.threshold`), a fraction (0.05 = 5%), against which a trial's
   * resolution is judged; the default threshold when absent.
   */
  readonly threshold?: number;
}

/** Fewest responses a trial should hold whatever the threshold. */
export const MIN_RESPONSES = 20;

/**
 * Largest share of the threshold's change that one step of a trial's counters may make: one
 * response more or less, or one step of the CPU clock. A quarter leaves the step small beside the
 * smallest change the gate fails for.
 */
export const STEP_SHARE_OF_THRESHOLD = 0.25;

/**
 * Builds the reading. Rates use the load's actual duration (ms); CPU per request is the server
 * tree's CPU ms, less the machine's CPU steal share during the window (`cpuMs × (1 − steal)`),
 * divided by responses of any status (a request the server answered cost it CPU whatever the
 * status). The steal share comes off because a guest's task clock keeps running while the
 * hypervisor runs another guest: on these 2-core VMs CPU per request rose about 1 / (1 − steal), and
 * taking it off cut the per-pair spread of sequential pairs on both benchmark apps (BENCHMARKS.md,
 * "Measurement noise"). The per-process CPU kept as evidence stays as measured. With no responses, per-response metrics are 0 and a warning says why. The
 * window's own warnings are kept, and a trial too small to resolve the threshold (see
 * {@link describeResolution}) is warned about.
 */
export function toReading(context: ReadingContext, load: LoadResult, window: TreeWindow): TrialReading {
  const seconds = load.durationMs / 1000;
  const failed = load.errors + load.timeouts + load.non2xx;
  const attempts = load.responses + load.errors + load.timeouts;
  const metrics: Record<MetricName, number> = {
    throughput: seconds > 0 ? load.ok / seconds : 0,
    latency_p50: load.latencyMs.p50,
    latency_p90: load.latencyMs.p90,
    latency_p99: load.latencyMs.p99,
    cpu_per_request: load.responses > 0 ? stealAdjustedCpuMs(window) / load.responses : 0,
    rss_peak: window.rssPeakBytes,
    error_rate: attempts > 0 ? failed / attempts : 0,
  };
  const warnings: string[] = [...(window.warnings ?? [])];
  if (load.responses === 0) warnings.push('no responses in this trial: per-request metrics are 0');
  if (load.connectionClose) {
    warnings.push(
      'the server answers `Connection: close` to keep-alive requests: latency numbers are unreliable ' +
        '(use a keep-alive worker such as gunicorn -k gthread or uvicorn)',
    );
  }
  warnings.push(...describeResolution(context, load.responses, window));
  for (const idle of findIdleWorkers(window.processes)) {
    warnings.push(
      `worker pid ${idle.pid} used ${idle.cpuMs.toFixed(0)} CPU ms while the busiest used ${idle.busiestCpuMs.toFixed(0)}: ` +
        `keep-alive connections all landed on other workers; set \`connections\` above workers × threads (now ${context.scenario.connections})`,
    );
  }
  return {
    scenario: context.scenario.name,
    side: context.side,
    pair: context.pair,
    position: context.position,
    startedAt: context.startedAt,
    durationMs: load.durationMs,
    ...(load.connectionClose ? { connectionClose: true as const } : {}),
    metrics,
    responses: load.responses,
    errors: failed,
    stealFraction: window.stealFraction,
    loadAverage: window.loadAverage,
    processes: window.processes.map((p) => ({
      pid: p.pid,
      ...(p.ppid === undefined ? {} : { ppid: p.ppid }),
      command: p.command,
      cpuMs: p.cpuMs,
    })),
    warnings,
  };
}

/**
 * The server tree's CPU in a window less the machine-wide steal share of it, ms: `cpuMs × (1 − steal)`
 * with steal clamped to [0, 1].
 */
export function stealAdjustedCpuMs(window: Pick<TreeWindow, 'cpuMs' | 'stealFraction'>): number {
  const steal = Math.min(1, Math.max(0, window.stealFraction));
  return window.cpuMs * (1 - steal);
}

/**
 * Warnings for a trial whose counters step too coarsely for the gate's threshold t (a fraction):
 * fewer than max({@link MIN_RESPONSES}, 4 / t) responses, where one response more or less moves the
 * per-request metrics by more than a quarter of t; or server CPU below 4 × resolution / t, where one
 * step of the CPU clock (`cpuResolutionMs`, ms) is more than a quarter of a t change in CPU. Each
 * says which setting to raise. Nothing for a trial without responses (warned about already) or, for
 * CPU, a window whose resolution is unknown.
 */
export function describeResolution(
  context: ReadingContext,
  responses: number,
  window: TreeWindow,
): readonly string[] {
  if (responses === 0) return [];
  const threshold = context.threshold ?? DEFAULTS.gate.threshold;
  const { connections, durationMs } = context.scenario;
  const duration = formatDurationMs(Math.max(0, Math.round(durationMs)));
  const settings =
    `make \`duration\` longer (now ${duration}) or, if the server has idle workers, ` +
    `raise \`connections\` (now ${connections})`;
  const warnings: string[] = [];
  const minResponses = Math.max(MIN_RESPONSES, Math.ceil(1 / (STEP_SHARE_OF_THRESHOLD * threshold)));
  if (responses < minResponses) {
    warnings.push(
      `only ${responses} responses in this trial: one more or less moves the per-request metrics by ` +
        `${formatShare(1 / responses)}, too coarse for the ${formatShare(threshold)} threshold; ` +
        `${settings} so that a trial holds at least ${minResponses}`,
    );
  }
  const resolutionMs = window.cpuResolutionMs;
  if (resolutionMs !== undefined && resolutionMs > STEP_SHARE_OF_THRESHOLD * threshold * window.cpuMs) {
    const neededMs = resolutionMs / (STEP_SHARE_OF_THRESHOLD * threshold);
    warnings.push(
      `the server used ${formatMs(window.cpuMs)} CPU ms in this trial, read in steps of ` +
        `${formatMs(resolutionMs)} ms: too coarse to tell a ${formatShare(threshold)} change in CPU ` +
        `per request; ${settings} so that it uses at least ${formatMs(neededMs)} CPU ms per trial`,
    );
  }
  return warnings;
}

/** 0.05 → `5%`, 0.0125 → `1.3%` (two significant digits). */
const formatShare = (fraction: number): string => `${Number((fraction * 100).toPrecision(2))}%`;

/** 3 significant digits, no exponent: 4650 → `4650`, 0.0301 → `0.0301`. */
const formatMs = (ms: number): string => String(Number(ms.toPrecision(3)));
