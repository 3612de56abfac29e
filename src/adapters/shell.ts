/**
 * Runs the user's build steps with `sh -c`, the only place besides the server launcher where a
 * command string reaches a shell (the string comes from perfgate.yml, never from refs or events).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CommandResult, Shell } from '../ports.js';
import { abortReason } from '../errors.js';
import { childEnvironment } from './child-environment.js';
import { fileSize, readLogTail } from './log-tail.js';
import { terminateGroup, trackGroup } from './process-group.js';

/** Lines of output kept in {@link CommandResult.logTail}. */
export const SHELL_TAIL_LINES = 40;

/** Grace given to what a finished or killed step left running in its group before SIGKILL. */
const LEFTOVER_GRACE_MS = 1_000;

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Exit status as a shell reports it: the code, or 128 + the signal's number when killed by one. */
function exitStatus({ code, signal }: Exit): number {
  if (code !== null) return code;
  const signalNumber = signal ? constants.signals[signal] : undefined;
  return 128 + (signalNumber ?? 0);
}

/**
 * Creates the {@link Shell} that runs build steps.
 *
 * Each command runs as `sh -c command` in `cwd`, with `env` merged over perfgate's own environment as
 * {@link childEnvironment} builds it (runner credentials and `INPUT_*` dropped, `PERFGATE_RUN_ID` set),
 * stdout and stderr both appended (interleaved as written) to `logFile` after a `$ command` header;
 * the tail returned covers only this command's output. The shell leads its own process group and
 * session, so a Ctrl-C meant for perfgate does not reach it half-way; instead, when perfgate exits
 * (or the shell is killed by a signal) the whole group is stopped, and so is anything the step left
 * running in the background when it finished, because a stray build process would load the machine
 * while trials are measured. Exit status follows shell convention: 128 + N when killed by signal N.
 * When `signal` aborts, the step's group is stopped (SIGTERM, SIGKILL after 1 s) and the promise
 * rejects with the abort reason.
 * @throws Error (rejection) when the shell cannot be spawned, e.g. `cwd` does not exist, and the
 *   abort reason when `signal` aborted.
 */
export function createShell(): Shell {
  return {
    async run(command, { cwd, env, logFile, signal }): Promise<CommandResult> {
      mkdirSync(dirname(logFile), { recursive: true });
      const fd = openSync(logFile, 'a');
      let offset: number;
      try {
        writeSync(fd, `$ ${command}\n`);
        offset = await fileSize(logFile);
      } catch (error) {
        closeSync(fd);
        throw error;
      }
      const startedMs = performance.now();
      let pid: number | undefined;
      // perfgate was told to stop: the step's whole group goes, then the abort reason is thrown.
      const onAbort = (): void => {
        if (pid !== undefined) void terminateGroup(pid, LEFTOVER_GRACE_MS);
      };
      const exit = await new Promise<Exit>((resolve, reject) => {
        const child = spawn('sh', ['-c', command], {
          cwd,
          env: childEnvironment(process.env, env),
          detached: true,
          stdio: ['ignore', fd, fd],
        });
        pid = child.pid;
        if (pid !== undefined) trackGroup(pid);
        if (signal?.aborted) onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        child.once('error', reject);
        child.once('exit', (code, signal) => resolve({ code, signal }));
      }).finally(() => {
        closeSync(fd);
        signal?.removeEventListener('abort', onAbort);
      });
      const durationMs = performance.now() - startedMs;
      // The exit hook stays armed for this group until its leftovers are gone.
      if (pid !== undefined) await terminateGroup(pid, LEFTOVER_GRACE_MS);
      if (signal?.aborted) throw abortReason(signal);
      return {
        exitCode: exitStatus(exit),
        durationMs,
        logTail: await readLogTail(logFile, SHELL_TAIL_LINES, offset),
      };
    },
  };
}
