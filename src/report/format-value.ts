import { METRICS, type MetricName } from '../model/metrics.js';
import { formatBytes, formatPercent, formatSignificant, groupThousands } from './format-number.js';

/**
 * Formats one metric value, in the metric's unit (see METRICS), with its unit for a reader:
 * throughput as whole req/s with thousands separators (`"5,432 req/s"`); latencies in ms with 3
 * significant digits (`"0.412 ms"`, `"12.3 ms"`, `"1.23 s"` from 1 000 ms on); CPU per request with 3
 * significant digits (`"1.15 CPU ms/req"`); peak RSS in binary units (`"48.2 MiB"`); error rate as a
 * percentage (`"0.12%"`). NaN prints as `n/a`, infinities as `∞`, without unit. Never throws.
 */
export function formatValue(metric: MetricName, value: number): string {
  // A value that is not a number has no magnitude to put a unit on.
  if (!Number.isFinite(value)) return formatSignificant(value);
  switch (metric) {
    case 'throughput':
      return `${groupThousands(value)} ${METRICS.throughput.unit}`;
    case 'latency_p50':
    case 'latency_p90':
    case 'latency_p99':
      return formatLatencyMs(value);
    case 'cpu_per_request':
      return `${formatSignificant(value)} ${METRICS.cpu_per_request.unit}`;
    case 'rss_peak':
      return formatBytes(value);
    case 'error_rate':
      return formatPercent(value);
  }
}

/** Latency with 3 significant digits, zeros kept as a sign of precision: `"10.0 ms"`, from 1 000 ms in s. */
function formatLatencyMs(latencyMs: number): string {
  return Math.abs(Number(latencyMs.toPrecision(3))) < 1000
    ? `${formatSignificant(latencyMs)} ms`
    : `${formatSignificant(latencyMs / 1000)} s`;
}
