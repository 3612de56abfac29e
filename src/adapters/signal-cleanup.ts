/** Stops servers and removes worktrees when perfgate itself is interrupted (Ctrl-C, job cancel). */

/**
 * On SIGINT or SIGTERM, awaits `cleanup` (bounded by `timeoutMs`), then exits with 128 + signal
 * number, as a shell would. Returns a function that removes the handlers.
 */
export function onTerminationSignal(cleanup: () => Promise<void>, timeoutMs = 15_000): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\nperfgate: ${signal} received, stopping servers and removing worktrees...\n`);
    const code = signal === 'SIGINT' ? 130 : 143;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    void Promise.race([cleanup().catch(() => undefined), deadline]).finally(() => process.exit(code));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
