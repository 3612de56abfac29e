/**
 * Turns what the load generator and the process watch saw in one trial window into a TrialReading:
 * one number per metric plus the evidence (per-process CPU, steal) and warnings.
 */
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
}

/**
 * Builds the reading. Rates use the load's actual duration (ms); CPU per request is the server
 * tree's CPU ms divided by responses of any status (a request the server answered cost it CPU
 * whatever the status). With no responses, per-response metrics are 0 and a warning says why.
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
    cpu_per_request: load.responses > 0 ? window.cpuMs / load.responses : 0,
    rss_peak: window.rssPeakBytes,
    error_rate: attempts > 0 ? failed / attempts : 0,
  };
  const warnings: string[] = [];
  if (load.responses === 0) warnings.push('no responses in this trial: per-request metrics are 0');
  if (load.connectionClose) {
    warnings.push(
      'the server answers `Connection: close` to keep-alive requests: latency numbers are unreliable ' +
        '(use a keep-alive worker such as gunicorn -k gthread or uvicorn)',
    );
  }
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
