/** One readiness probe of a starting server: a single HTTP GET without keep-alive. */
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';

/** What one probe saw: ready, or why not (for the timeout message). */
export type ProbeOutcome = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/**
 * GETs `url` once and reports whether it answered 2xx within `timeoutMs`. Never rejects: refused
 * connections, resets, timeouts and other statuses are "not ready" with a short reason
 * (`HTTP 404`, `ECONNREFUSED`, `no answer within 1000 ms`).
 */
export function probeReady(url: string, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ ready: false, reason: `invalid URL ${url}` });
      return;
    }
    const get = target.protocol === 'https:' ? httpsGet : httpGet;
    const request = get(target, { agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      resolve(status >= 200 && status < 300 ? { ready: true } : { ready: false, reason: `HTTP ${status}` });
    });
    request.once('timeout', () => {
      request.destroy();
      resolve({ ready: false, reason: `no answer within ${timeoutMs} ms` });
    });
    request.once('error', (error: NodeJS.ErrnoException) => {
      resolve({ ready: false, reason: error.code ?? error.message });
    });
  });
}
