/**
 * Typed errors. Each says what went wrong and, in `hint`, what to do next. A regression is a verdict,
 * not an error: these mean "could not measure" (exit 3) or "bad input" (exit 2).
 */

/** Base class: `hint` is one sentence telling the user what to do next. */
export abstract class PerfgateError extends Error {
  /** Exit code of the CLI for this kind of failure: 2 usage/config, 3 the run failed. */
  abstract readonly exitCode: 2 | 3;
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** perfgate.yml, inputs or command-line arguments are invalid. */
export class ConfigError extends PerfgateError {
  readonly exitCode = 2 as const;
}

/** A git revision could not be resolved or checked out. */
export class RevisionError extends PerfgateError {
  readonly exitCode = 2 as const;
}

/** A step of the run failed: build, server start, crash, load generator. `logTail` holds evidence. */
export class RunError extends PerfgateError {
  readonly exitCode = 3 as const;
  constructor(
    message: string,
    hint: string,
    /** Last lines of the relevant log (build output, server stdout/stderr), or '' when none. */
    readonly logTail: string = '',
  ) {
    super(message, hint);
  }
}

/**
 * A profiler could not record (not installed, not permitted, a server that is not Python). Never a
 * gate failure: the profiling phase turns it into a notice in the report.
 */
export class ProfilerUnavailableError extends Error {
  override readonly name = 'ProfilerUnavailableError';
}

/** Builds the user-facing text of any error: message, hint, and log tail when present. */
export function describeError(error: unknown): string {
  if (error instanceof PerfgateError) {
    const tail = error instanceof RunError && error.logTail ? `\n--- log tail ---\n${error.logTail}` : '';
    return `${error.message}\nHint: ${error.hint}${tail}`;
  }
  // Being told to stop is no bug: its message, without a stack.
  if (error instanceof InterruptedError) return error.message;
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}

/** The signals that interrupt a gate (Ctrl-C, a cancelled job). */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/**
 * perfgate itself was told to stop (SIGINT from Ctrl-C, SIGTERM from a cancelled job): the reason of
 * the gate's AbortSignal. Not a failure of the run: the report says `interrupted` and nothing is
 * blamed. `exitCode` follows shell convention, 128 + the signal's number.
 */
export class InterruptedError extends Error {
  readonly exitCode: 130 | 143;
  constructor(readonly signal: StopSignal) {
    super(`interrupted by ${signal}`);
    this.name = 'InterruptedError';
    this.exitCode = signal === 'SIGINT' ? 130 : 143;
  }
}

/**
 * Throws the abort reason when `signal` has been aborted, as an {@link InterruptedError} (a reason of
 * another kind is wrapped as SIGINT's). Lets a loop stop at its next step once perfgate is told to.
 * @throws InterruptedError when aborted.
 */
export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw interruptionOf(signal);
}

/** The reason `signal` was aborted with, as an Error to throw or reject with. */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`);
}

/** The abort reason of an aborted `signal` as an {@link InterruptedError}. */
export function interruptionOf(signal: AbortSignal): InterruptedError {
  const reason: unknown = signal.reason;
  return reason instanceof InterruptedError ? reason : new InterruptedError('SIGINT');
}
