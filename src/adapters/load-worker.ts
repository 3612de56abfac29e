/**
 * Entry of the load generator's own process (see src/adapters/load-process.ts): runs each load the
 * parent sends over the IPC channel with autocannon, in this process's event loop, and sends back
 * the result with the CPU this process used meanwhile. Exits when the parent goes away.
 */
import { PerfgateError } from '../errors.js';
import { createAutocannonLoad } from './autocannon-load.js';
import { isLoadRequest, type LoadReply } from './load-protocol.js';

const load = createAutocannonLoad();

function reply(message: LoadReply): void {
  process.send?.(message);
}

process.on('message', (message: unknown) => {
  if (!isLoadRequest(message)) return;
  const before = process.cpuUsage();
  load.run(message.spec).then(
    (result) => {
      const used = process.cpuUsage(before);
      reply({
        kind: 'done',
        id: message.id,
        result: { ...result, clientCpuMs: (used.user + used.system) / 1000 },
      });
    },
    (error: unknown) => {
      reply({
        kind: 'failed',
        id: message.id,
        message: error instanceof Error ? error.message : String(error),
        hint: error instanceof PerfgateError ? error.hint : '',
      });
    },
  );
});
// The parent exited or closed the channel: nothing is left to load for.
process.on('disconnect', () => process.exit(0));
// Ctrl-C reaches the whole process group: perfgate itself decides when to stop a load (it aborts,
// which kills this process), so a load is never cut short before perfgate knows it was interrupted.
process.on('SIGINT', () => undefined);
reply({ kind: 'ready' });
