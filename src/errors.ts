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
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
