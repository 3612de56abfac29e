/** Builds the real adapters for one gate (shared by the action and the CLI composition roots). */
import type { Deps } from '../run.js';
import type { Log } from '../ports.js';
import { createGitWorkspace } from './git-workspace.js';
import { createShell } from './shell.js';
import { createServerLauncher } from './server-launcher.js';
import { createLoadProcesses } from './load-process.js';
import { createProcStats } from './proc-stats.js';
import { createHttpSampler } from './http-sample.js';
import { createResultStore } from './result-store.js';
import { onTerminationSignal } from './signal-cleanup.js';
import { chooseProfiler } from './choose-profiler.js';

/**
 * @param repoRoot the git repository to gate (worktrees are created from it).
 * @param outDir the results folder (report.json, report.md, logs/).
 * @returns the ports (`signal` aborted on perfgate's first SIGINT or SIGTERM), plus `dispose` to
 *   remove the signal handlers once the gate is over.
 */
export function createDeps(repoRoot: string, outDir: string, log: Log): Deps & { dispose(): void } {
  const workspace = createGitWorkspace(repoRoot);
  const launcher = createServerLauncher();
  // The first SIGINT/SIGTERM aborts the gate, which then writes its report and cleans up itself.
  const stop = new AbortController();
  const load = createLoadProcesses();
  const dispose = onTerminationSignal(
    (reason) => stop.abort(reason),
    () => workspace.cleanupSync(),
  );
  return {
    workspace,
    shell: createShell(),
    launcher,
    load,
    sampler: createHttpSampler(),
    stats: createProcStats(),
    store: createResultStore(outDir),
    log,
    clock: { now: () => Date.now() },
    signal: stop.signal,
    chooseProfiler: (profile, serverCommand) => chooseProfiler(profile, { outDir, serverCommand }),
    dispose: () => {
      load.close();
      dispose();
    },
  };
}
