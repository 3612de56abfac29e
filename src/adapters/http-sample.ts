/** ResponseSampler over Node's fetch: one request, its status and the start of its body. */
import type { LoadSpec, ResponseSample, ResponseSampler } from '../ports.js';

/** Characters of the body kept. */
const BODY_CHARS = 500;
/** A sample that takes longer than this (ms) is reported as timed out. */
const TIMEOUT_MS = 5000;

/** @returns a sampler that never rejects (errors are described in the sample). */
export function createHttpSampler(): ResponseSampler {
  return {
    async sample(spec: LoadSpec): Promise<ResponseSample> {
      try {
        const response = await fetch(spec.url, {
          method: spec.method,
          headers: { ...spec.headers },
          ...(spec.body === undefined ? {} : { body: spec.body }),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        const text = await response.text();
        return { status: response.status, bodyStart: text.slice(0, BODY_CHARS) };
      } catch (error) {
        const cause =
          error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
        return {
          status: undefined,
          bodyStart: '',
          error: `${error instanceof Error ? error.message : String(error)}${cause}`,
        };
      }
    },
  };
}
