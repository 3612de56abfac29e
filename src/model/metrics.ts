/**
 * The metrics perfgate measures for an HTTP scenario: name, unit and which direction is better.
 * Names are part of the product (config `gate.metrics`, report.json): keep them stable.
 */

/** Every metric an HTTP scenario yields per trial and side. */
export const HTTP_METRICS = [
  'throughput',
  'latency_p50',
  'latency_p90',
  'latency_p99',
  'cpu_per_request',
  'rss_peak',
  'error_rate',
] as const;

/** Name of an HTTP metric. */
export type MetricName = (typeof HTTP_METRICS)[number];

/** Which direction of change is an improvement. */
export type Better = 'higher' | 'lower';

/** Static facts about one metric. */
export interface MetricInfo {
  readonly name: MetricName;
  /** Unit as printed in reports, e.g. `req/s`, `ms`, `CPU ms/req`, `bytes`, `fraction`. */
  readonly unit: string;
  readonly better: Better;
  /**
   * How its changes read: `relative` (a fraction of base) or `points` (a difference of fractions, for a
   * metric that is itself a fraction and may be 0, where a relative change has no size).
   */
  readonly scale: 'relative' | 'points';
  /** One sentence for the report's legend. */
  readonly description: string;
}

/** Facts for every metric, keyed by name. */
export const METRICS: Readonly<Record<MetricName, MetricInfo>> = {
  throughput: {
    name: 'throughput',
    unit: 'req/s',
    better: 'higher',
    scale: 'relative',
    description: 'completed 2xx/3xx responses per second of the measured window',
  },
  latency_p50: {
    name: 'latency_p50',
    unit: 'ms',
    better: 'lower',
    scale: 'relative',
    description: 'median response time, from per-response times in an HDR histogram',
  },
  latency_p90: {
    name: 'latency_p90',
    unit: 'ms',
    better: 'lower',
    scale: 'relative',
    description: '90th percentile response time',
  },
  latency_p99: {
    name: 'latency_p99',
    unit: 'ms',
    better: 'lower',
    scale: 'relative',
    description: '99th percentile response time',
  },
  cpu_per_request: {
    name: 'cpu_per_request',
    unit: 'CPU ms/req',
    better: 'lower',
    scale: 'relative',
    description:
      'user+system CPU time of the whole server process tree over the window, less the machine’s CPU steal share, per response',
  },
  rss_peak: {
    name: 'rss_peak',
    unit: 'bytes',
    better: 'lower',
    scale: 'relative',
    description: 'peak resident set size of the server process tree during the window',
  },
  error_rate: {
    name: 'error_rate',
    unit: 'fraction',
    better: 'lower',
    scale: 'points',
    description: 'errors, timeouts and non-2xx/3xx responses divided by requests',
  },
};

/**
 * Metrics that gate by default: CPU per request alone. It is the least noisy (steal and the load
 * generator's share of the CPU move it least) and follows any change in the work a request does;
 * latency and throughput are measured and reported beside it, and gate only when `gate.metrics`
 * names them (an A/A replay: gating all three raised 1.1% false alarms and left 87% of gates
 * inconclusive; CPU alone 0% and 20%, BENCHMARKS.md).
 */
export const DEFAULT_GATED_METRICS: readonly MetricName[] = ['cpu_per_request'];

/** The metrics a user of a web service usually watches: CPU per request, median latency, throughput. */
export const HEADLINE_METRICS: readonly MetricName[] = ['cpu_per_request', 'latency_p50', 'throughput'];

/** True when `name` is a known metric name. */
export function isMetricName(name: string): name is MetricName {
  return (HTTP_METRICS as readonly string[]).includes(name);
}
