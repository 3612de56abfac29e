/** Stops servers and removes worktrees when perfgate itself is interrupted (Ctrl-C, job cancel). */
import { killEverythingNow } from './process-group.js';

/**
 * On the first SIGINT or SIGTERM, awaits `cleanup` (bounded by `timeoutMs`), then exits with 128 +
 * the first signal's number, as a shell would (130 for SIGINT, 143 for SIGTERM). The handlers stay
 * installed: any further SIGINT or SIGTERM escalates at once: every tracked process group and every
 * process tagged with this run's `PERFGATE_RUN_ID` is SIGKILLed, `cleanupSync` (worktree removal) runs
 * synchronously, and perfgate exits with the first signal's code. Returns a function that removes
 * the handlers.
 */
export function onTerminationSignal(
  cleanup: () => Promise<void>,
  cleanupSync: () => void = () => undefined,
  timeoutMs = 15_000,
): () => void {
  let code: number | undefined;
  const handler = (signal: NodeJS.Signals): void => {
    if (code !== undefined) {
      process.stderr.write(`\nperfgate: ${signal} received again, killing servers now...\n`);
      killEverythingNow();
      try {
        cleanupSync();
      } finally {
        process.exit(code);
      }
      return;
    }
    code = signal === 'SIGINT' ? 130 : 143;
    const exitCode = code;
    process.stderr.write(`\nperfgate: ${signal} received, stopping servers and removing worktrees...\n`);
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    void Promise.race([cleanup().catch(() => undefined), deadline]).finally(() => process.exit(exitCode));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
