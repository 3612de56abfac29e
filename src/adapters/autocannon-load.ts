/**
 * LoadGenerator backed by autocannon 9's programmatic API, in the main thread (no `workers`: with
 * workers the per-response events never reach us). Latencies come from our own HDR histogram of each
 * response's decimal `responseTime`; counts come from the same events, so every number describes the
 * same window.
 */
import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { inspect } from 'node:util';
import { HTTP_METHODS, type HttpMethod } from '../config/defaults.js';
import { abortReason, RunError } from '../errors.js';
import type { LoadGenerator, LoadResult, LoadSpec } from '../ports.js';
import { closesConnection } from './autocannon-connection-close.js';
import { createLatencyRecorder } from './autocannon-latency.js';

type AutocannonMethod = NonNullable<autocannon.Options['method']>;

/** The methods a scenario may use; every one is also an autocannon method (checked by the compiler). */
const METHODS: readonly (HttpMethod & AutocannonMethod)[] = HTTP_METHODS;

function isSupportedMethod(method: string): method is HttpMethod & AutocannonMethod {
  return METHODS.some((supported) => supported === method);
}

/**
 * autocannon only notices its stop flag on a sample tick, so the tick interval bounds how far a run
 * overshoots its duration. 100 ms keeps the overshoot small; the reported duration is measured anyway.
 */
const SAMPLE_INTERVAL_MS = 100;
/** Per-request timeout (autocannon's default); a timed-out request is counted and its socket replaced. */
const REQUEST_TIMEOUT_S = 10;
/** If autocannon has not called back this long after the planned end, something is wrong: give up. */
const WATCHDOG_GRACE_MS = 30_000;
/**
 * Gap between one connection's connect and the next, in ms, and the longest the whole ramp may take.
 * autocannon connects every client at once; a pre-fork server's workers then race to accept a burst
 * that sits complete in the listen queue, and one worker often takes all of it. Measured on
 * examples/flask under `gunicorn -k gthread -w 2 --threads 4` with 8 connections, 25 runs of 2 s
 * each (2026-12-02): a worker got no connection in 12/25 and 8/25 runs with no gap, 1/25 with 2 ms,
 * 0/25 with 10 ms. Each connect is then its own accept race, so all on one worker needs every race
 * won by the same worker.
 */
const CONNECT_GAP_MS = 10;
/** The ramp is at most this long, and at most a tenth of the run. */
const CONNECT_RAMP_MAX_MS = 200;

/**
 * Delays `client`'s first connect by `delayMs`. autocannon 9 builds a client and connects it in the
 * same constructor, calling `setupClient` in between, so the only hook is the instance's own
 * `_connect` (lib/httpClient.js). When a later autocannon lacks it the client connects at once: the
 * load is still right, only the spread of connections over workers is left to chance again.
 */
function delayFirstConnect(client: object, delayMs: number): void {
  if (delayMs <= 0 || !('_connect' in client)) return;
  const connect = client._connect;
  if (typeof connect !== 'function') return;
  client._connect = function delayedConnect(): void {
    // Later reconnects (after errors, timeouts) go straight through.
    client._connect = connect;
    setTimeout(() => {
      Reflect.apply(connect, client, []);
    }, delayMs);
  };
}

const HINT_SPEC = 'Check the scenario in perfgate.yml (path, method, connections, duration).';
const HINT_RUN = 'Check that the server is reachable at that URL; rerun with the server log at hand.';

/**
 * Returns the spec's method, narrowed to one autocannon accepts.
 * @throws RunError when the spec cannot describe a load run.
 */
function checkSpec(spec: LoadSpec): HttpMethod & AutocannonMethod {
  let protocol: string;
  try {
    protocol = new URL(spec.url).protocol;
  } catch {
    throw new RunError(`Load URL is not a valid absolute URL: ${JSON.stringify(spec.url)}.`, HINT_SPEC);
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new RunError(`Load URL must be http or https, got ${JSON.stringify(spec.url)}.`, HINT_SPEC);
  }
  if (!isSupportedMethod(spec.method)) {
    throw new RunError(
      `HTTP method ${JSON.stringify(spec.method)} is not supported; use one of ${METHODS.join(', ')}.`,
      HINT_SPEC,
    );
  }
  for (const [name, value] of [
    ['connections', spec.connections],
    ['pipelining', spec.pipelining],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new RunError(`Load ${name} must be an integer ≥ 1, got ${value}.`, HINT_SPEC);
  }
  if (!Number.isFinite(spec.durationMs) || spec.durationMs <= 0) {
    throw new RunError(`Load duration must be a positive number of ms, got ${spec.durationMs}.`, HINT_SPEC);
  }
  return spec.method;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : inspect(error);
}

/** Running counts over one load, fed by autocannon's events. */
interface Tally {
  responses: number;
  ok: number;
  non2xx: number;
  bytes: number;
  closingResponses: number;
}

/** Runs one load and resolves with what it observed; see {@link createAutocannonLoad}. */
function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latency = createLatencyRecorder();
  const tally: Tally = { responses: 0, ok: 0, non2xx: 0, bytes: 0, closingResponses: 0 };
  // A client stopped before it connected would fail in autocannon's destroy: keep the ramp well
  // inside the run.
  const rampMs = Math.min(CONNECT_RAMP_MAX_MS, spec.durationMs / 10);
  const gapMs = Math.min(CONNECT_GAP_MS, rampMs / Math.max(1, spec.connections - 1));
  let clientsBuilt = 0;

  return new Promise<LoadResult>((resolve, reject) => {
    // Thrown inside the executor, so an invalid spec arrives as a rejection like every other failure.
    const method = checkSpec(spec);
    let settled = false;
    let instance: autocannon.Instance | undefined;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(watchdog);
      spec.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = (): void => {
      // Stopping a client before it connected fails in autocannon's destroy: stop once the ramp is over.
      const rampLeftMs = Math.max(0, startedAt + rampMs + SAMPLE_INTERVAL_MS - performance.now());
      setTimeout(() => instance?.stop(), rampLeftMs);
      settle(() => reject(abortReason(spec.signal)));
    };
    const fail = (reason: string): void =>
      settle(() => reject(new RunError(`autocannon could not load ${spec.url}: ${reason}`, HINT_RUN)));

    const watchdog = setTimeout(
      () => {
        instance?.stop();
        fail(`no result ${WATCHDOG_GRACE_MS} ms after the planned ${spec.durationMs} ms run`);
      },
      spec.durationMs + REQUEST_TIMEOUT_S * 1000 + WATCHDOG_GRACE_MS,
    );

    const startedAt = performance.now();
    if (spec.signal?.aborted) {
      settle(() => reject(abortReason(spec.signal)));
      return;
    }
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      instance = autocannon(
        {
          url: spec.url,
          method,
          headers: { ...spec.headers },
          ...(spec.body === undefined ? {} : { body: spec.body }),
          connections: spec.connections,
          pipelining: spec.pipelining,
          duration: spec.durationMs / 1000,
          sampleInt: SAMPLE_INTERVAL_MS,
          timeout: REQUEST_TIMEOUT_S,
          ...(spec.reconnectRate === undefined ? {} : { reconnectRate: spec.reconnectRate }),
          // Called for every connection's client as it is built, before it connects.
          setupClient: (client) => {
            delayFirstConnect(client, clientsBuilt * gapMs);
            clientsBuilt += 1;
            client.on('headers', (info: unknown) => {
              if (closesConnection(info)) tally.closingResponses += 1;
            });
          },
        },
        (error: unknown, result: autocannon.Result) => {
          if (error !== null && error !== undefined) {
            fail(messageOf(error));
            return;
          }
          const durationMs = performance.now() - startedAt;
          // autocannon counts a timeout both as a timeout and as an error; the port keeps them apart.
          const timeouts = result.timeouts;
          settle(() =>
            resolve({
              responses: tally.responses,
              ok: tally.ok,
              non2xx: tally.non2xx,
              errors: Math.max(0, result.errors - timeouts),
              timeouts,
              durationMs,
              latencyMs: latency.percentilesMs(),
              bytes: tally.bytes,
              connectionClose: tally.closingResponses > 0,
            }),
          );
        },
      );
    } catch (error) {
      // autocannon parses the URL synchronously and throws on what its validation let through.
      fail(messageOf(error));
      return;
    }

    instance.on('response', (_client, statusCode, resBytes, responseTimeMs) => {
      tally.responses += 1;
      if (statusCode >= 200 && statusCode < 400) tally.ok += 1;
      else tally.non2xx += 1;
      tally.bytes += resBytes;
      latency.record(responseTimeMs);
    });
  });
}

/**
 * Creates a LoadGenerator that drives `spec.connections` keep-alive connections with autocannon 9 for
 * `spec.durationMs`, in this process. The connections open one after another, 10 ms apart (the ramp
 * at most 200 ms and a tenth of the run), so that a multi-worker server deals them over its workers (see CONNECT_GAP_MS).
 *
 * The result: `responses` = every completed response; `ok` = 2xx/3xx; `non2xx` = 1xx/4xx/5xx;
 * `errors` = connection errors (refused, reset), `timeouts` = requests unanswered after 10 s (both as
 * autocannon counts them); `durationMs` = wall time from start to autocannon's final tick (it can exceed
 * the planned duration by up to ~100 ms, and the counts cover the same span); `latencyMs` = p50/p90/p99
 * of per-response times in decimal ms (0 when there was no response); `bytes` = response bytes
 * including headers; `connectionClose` = some response said it would close its connection (see
 * closesConnection), which makes autocannon's numbers unreliable.
 *
 * A server that refuses every connection is still a result (all errors, no responses): the caller
 * decides. Nothing is left running when the promise settles (autocannon destroys its sockets and
 * timers on its final tick).
 *
 * When `spec.signal` aborts, the promise rejects at once with the abort reason and autocannon is
 * stopped (right after the connect ramp if it is still ramping up); no result is kept.
 *
 * @throws RunError (as a rejection) when the spec is invalid (bad URL, method, connections, duration),
 *   when autocannon reports an error, or when it gives no result 40 s after the planned end.
 */
export function createAutocannonLoad(): LoadGenerator {
  return { run: (spec) => runLoad(spec) };
}
