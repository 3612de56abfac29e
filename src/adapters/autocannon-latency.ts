/**
 * Per-response latency recording for the autocannon adapter. autocannon 9's own percentiles are whole
 * milliseconds (rounded down, so a sub-millisecond server reports p50 = 0); we record every response's
 * decimal `responseTime` ourselves, in microseconds, into an HDR histogram (the structure autocannon
 * itself uses, from hdr-histogram-js).
 */
import { build } from 'hdr-histogram-js';

/** Latency percentiles in decimal ms. */
export interface LatencyPercentilesMs {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** Collects response times and reads percentiles from them. */
export interface LatencyRecorder {
  /** Records one response time, in decimal ms (negative or non-finite values are ignored). */
  record(responseTimeMs: number): void;
  /** Number of response times recorded. */
  count(): number;
  /**
   * p50, p90 and p99 in decimal ms (resolution 1 µs up to 1 ms, then 0.1% of the value: 3 significant
   * digits). All 0 when nothing was recorded: check `count()` first.
   */
  percentilesMs(): LatencyPercentilesMs;
}

const MICROSECONDS_PER_MS = 1000;

/**
 * Creates an empty recorder backed by a pure-JS HDR histogram (no WebAssembly, no timers, nothing to
 * release), auto-resizing so a response slower than any preset bound is still counted.
 */
export function createLatencyRecorder(): LatencyRecorder {
  const histogram = build({
    lowestDiscernibleValue: 1,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
    useWebAssembly: false,
  });
  return {
    record(responseTimeMs) {
      if (!Number.isFinite(responseTimeMs) || responseTimeMs < 0) return;
      // 0 µs would fall below the lowest discernible value; a response can never take less than 1 µs.
      histogram.recordValue(Math.max(1, Math.round(responseTimeMs * MICROSECONDS_PER_MS)));
    },
    count() {
      return histogram.totalCount;
    },
    percentilesMs() {
      if (histogram.totalCount === 0) return { p50: 0, p90: 0, p99: 0 };
      const at = (percentile: number): number =>
        histogram.getValueAtPercentile(percentile) / MICROSECONDS_PER_MS;
      return { p50: at(50), p90: at(90), p99: at(99) };
    },
  };
}
