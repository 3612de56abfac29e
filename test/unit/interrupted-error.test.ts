import { describe, expect, it } from 'vitest';
import { describeError, InterruptedError, throwIfInterrupted } from '../../src/errors.js';

describe('InterruptedError', () => {
  it('exits as a shell would: 130 for SIGINT, 143 for SIGTERM', () => {
    expect(new InterruptedError('SIGINT').exitCode).toBe(130);
    expect(new InterruptedError('SIGTERM').exitCode).toBe(143);
  });

  it('is described by its message alone, without a stack', () => {
    expect(describeError(new InterruptedError('SIGTERM'))).toBe('interrupted by SIGTERM');
  });

  it('is thrown by throwIfInterrupted once the signal aborted, with the signal it names', () => {
    const stop = new AbortController();
    expect(() => throwIfInterrupted(stop.signal)).not.toThrow();
    expect(() => throwIfInterrupted(undefined)).not.toThrow();
    stop.abort(new InterruptedError('SIGTERM'));
    expect(() => throwIfInterrupted(stop.signal)).toThrow(new InterruptedError('SIGTERM'));
    const other = new AbortController();
    other.abort();
    expect(() => throwIfInterrupted(other.signal)).toThrow(InterruptedError);
  });
});
