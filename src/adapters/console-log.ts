import type { Log } from '../ports.js';

/** Where console output goes: anything with a `write(text)` (process.stderr, a test buffer). */
export interface TextSink {
  write(text: string): unknown;
}

export interface ConsoleLogOptions {
  /** Prefix each line with an ISO-8601 time (default false). */
  readonly timestamps?: boolean;
  /** Clock for timestamps, ms since the epoch (default Date.now). */
  readonly now?: () => number;
}

/**
 * Logging for the CLI: one line per message on `stream` (default process.stderr, so stdout stays free
 * for the report). Warnings and errors are prefixed `warning:` / `error:`; a group prints an
 * `== name ==` header line before its messages (a terminal has nothing to fold).
 */
export function createConsoleLog(stream: TextSink = process.stderr, options: ConsoleLogOptions = {}): Log {
  const now = options.now ?? Date.now;
  const line = (text: string): void => {
    const stamp = options.timestamps === true ? `${new Date(now()).toISOString()} ` : '';
    stream.write(`${stamp}${text}\n`);
  };
  return {
    info: (message) => line(message),
    warn: (message) => line(`warning: ${message}`),
    error: (message) => line(`error: ${message}`),
    group: (name, fn) => {
      line(`== ${name} ==`);
      return fn();
    },
  };
}
