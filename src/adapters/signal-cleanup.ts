/** Stops the gate cleanly when perfgate itself is interrupted (Ctrl-C, job cancel). */
import { InterruptedError, type StopSignal } from '../errors.js';
import { killEverythingNow } from './process-group.js';

/** How long the gate may take to wind down after the first signal before perfgate stops it itself. */
export const FINISH_TIMEOUT_MS = 25_000;

/**
 * On the first SIGINT or SIGTERM, calls `abort` with an {@link InterruptedError} naming the signal:
 * the gate then stops at its next step, writes its `interrupted` report, stops its servers, removes
 * its worktrees, and the composition root exits with 128 + the signal's number (130 for SIGINT, 143
 * for SIGTERM). Stopping the servers here, under a running trial, would make the trial see a crash.
 *
 * Two fallbacks keep the stop bounded: if the process has not exited `finishMs` after the first
 * signal, or on any further SIGINT or SIGTERM, every tracked process group and every process tagged
 * with this run's `PERFGATE_RUN_ID` is SIGKILLed at once, `cleanupSync` (worktree removal) runs
 * synchronously, and perfgate exits with the first signal's code. Returns a function that removes
 * the handlers (the fallback timer, once armed, stays: it does not keep the process alive).
 */
export function onTerminationSignal(
  abort: (reason: InterruptedError) => void,
  cleanupSync: () => void = () => undefined,
  finishMs = FINISH_TIMEOUT_MS,
): () => void {
  let code: number | undefined;
  const killNow = (why: string, exitCode: number): void => {
    process.stderr.write(`\nperfgate: ${why}, killing servers now...\n`);
    killEverythingNow();
    try {
      cleanupSync();
    } finally {
      process.exit(exitCode);
    }
  };
  const handler = (signal: NodeJS.Signals): void => {
    if (code !== undefined) {
      killNow(`${signal} received again`, code);
      return;
    }
    const stopSignal: StopSignal = signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
    const interruption = new InterruptedError(stopSignal);
    code = interruption.exitCode;
    const exitCode = code;
    process.stderr.write(
      `\nperfgate: ${signal} received, writing the results so far, stopping servers and removing worktrees...\n`,
    );
    setTimeout(
      () => killNow(`the gate did not stop within ${Math.round(finishMs / 1000)} s`, exitCode),
      finishMs,
    ).unref();
    abort(interruption);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
