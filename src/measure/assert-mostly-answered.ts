/**
 * A side that fails most of its requests is a failed measurement, not a fast server: error
 * responses are cheap, so its CPU per request and latency would read as a large improvement.
 */
import type { TrialReading } from '../model/results.js';
import type { LoadSpec, ResponseSample, ResponseSampler, RunningServer } from '../ports.js';
import { RunError } from '../errors.js';

/** Share of failed requests (a fraction) above which a trial is a failed measurement: 50%. */
export const MOSTLY_FAILED = 0.5;

/**
 * @throws RunError naming the side, scenario and error rate, with the server's log tail and one
 *   sample response (status and the start of its body, from `sampler` when there is one), when
 *   more than MOSTLY_FAILED of the trial's requests failed.
 */
export async function assertMostlyAnswered(
  reading: TrialReading,
  server: RunningServer,
  sampler: ResponseSampler | undefined,
  spec: LoadSpec,
): Promise<void> {
  const rate = reading.metrics.error_rate;
  if (!(rate > MOSTLY_FAILED)) return;
  const sample = sampler === undefined ? undefined : await sampler.sample(spec);
  const tail = await server.logTail();
  throw new RunError(
    `the ${reading.side} server failed ${(rate * 100).toFixed(1)}% of the requests of \`${reading.scenario}\` ` +
      `in pair ${reading.pair + 1} (${reading.errors} of about ${reading.responses + reading.errors} failed): ` +
      'a benchmark that mostly fails measures nothing',
    `check that ${spec.method} ${spec.url.replace(/^https?:\/\/[^/]+/, '')} answers 2xx on the ${reading.side} commit ` +
      `(a sample response and the server log (${server.logFile}) are below)`,
    `${describeSample(sample)}\n--- server log tail ---\n${tail}`,
  );
}

function describeSample(sample: ResponseSample | undefined): string {
  if (sample === undefined) return '--- no sample response was taken ---';
  if (sample.status === undefined)
    return `--- sample request: no response (${sample.error ?? 'unknown error'}) ---`;
  return `--- sample response: HTTP ${sample.status} ---\n${sample.bodyStart}`;
}
