/**
 * cProfile, yappi and tracemalloc inside the Python servers perfgate starts for its profiling phase:
 * `bootstrap/sitecustomize.py` is copied to the results folder and put first on those servers'
 * PYTHONPATH, so every Python process of the server (gunicorn's master and forked workers, uvicorn's
 * spawned workers) profiles itself while perfgate's control file opens a window
 * (src/adapters/bootstrap-control.ts). The measured trials never run with it.
 */
import { renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProfilerUnavailableError } from '../errors.js';
import type { Profiler, ProfilerLaunch } from '../ports.js';
import {
  allocationGrowthToProfile,
  callGraphToProfile,
  mergeCallGraphs,
  type AllocationGrowth,
  type CallGraphFunction,
} from '../profile/index.js';
import { installBootstrap, type BootstrapTimeouts } from './bootstrap-control.js';

/** Tools the Python bootstrap runs. */
export type PythonBootstrapTool = 'cprofile' | 'yappi' | 'tracemalloc';

/** The bootstrap's source: beside this module in src/adapters/, beside index.js and cli.js in dist/. */
export const SITECUSTOMIZE_SOURCE = fileURLToPath(new URL('./bootstrap/sitecustomize.py', import.meta.url));

/** Options of {@link createPythonBootstrapProfiler}. */
export interface PythonBootstrapOptions {
  /**
   * Tools in order of preference; each process runs the first that imports in its Python (e.g.
   * `['yappi', 'cprofile']`: yappi where it is installed, cProfile elsewhere).
   */
  readonly tools: readonly PythonBootstrapTool[];
  /** The results folder: the bootstrap goes to `profiles/raw/python`, native files to `profiles/`. */
  readonly outDir: string;
  /** tracemalloc frames kept per allocation (default 12). */
  readonly tracemallocFrames?: number;
  readonly timeouts?: BootstrapTimeouts;
}

const LABELS: Readonly<Record<PythonBootstrapTool, string>> = {
  cprofile: 'cProfile',
  yappi: 'yappi',
  tracemalloc: 'tracemalloc',
};

/** What a process's `<window>-<pid>.json` holds. */
type WindowFile =
  | { readonly kind: 'calls'; readonly tool: string; readonly functions: CallGraphFunction[] }
  | { readonly kind: 'memory'; readonly tool: string; readonly growth: AllocationGrowth[] }
  | { readonly kind?: undefined; readonly tool: string; readonly error: string };

/**
 * The Profiler port over the Python bootstrap. `launch(side)` empties the side's control folder and
 * returns PYTHONPATH's prepend and the bootstrap's variables; `start` opens a window in every process
 * that loaded it; `finish` closes it, merges every process's data into one profile (call graphs
 * rebuilt into stacks in seconds; tracemalloc's growth in bytes) and keeps the native files
 * (`profiles/<window>-<pid>.pstats` for snakeviz, `.tracemalloc` for `tracemalloc.Snapshot.load`).
 * @throws Error when the bootstrap cannot be copied into the results folder.
 */
export function createPythonBootstrapProfiler(options: PythonBootstrapOptions): Profiler {
  const installed = installBootstrap(options.outDir, 'python', SITECUSTOMIZE_SOURCE, options.timeouts);
  const bootstrapDir = path.dirname(installed.script);
  const { controlOf } = installed;
  const first = options.tools[0] ?? 'cprofile';
  const tool = options.tools.map((t) => LABELS[t]).join(' or ');

  return {
    tool,
    dispose: installed.dispose,
    launch(side): ProfilerLaunch {
      const control = controlOf(side);
      control.reset();
      return {
        env: {
          PERFGATE_PROFILE_DIR: control.dir,
          PERFGATE_PROFILE_TOOL: options.tools.join(','),
          PERFGATE_TRACEMALLOC_FRAMES: String(options.tracemallocFrames ?? 12),
        },
        prepend: [{ name: 'PYTHONPATH', value: bootstrapDir, separator: path.delimiter }],
      };
    },
    async start(_server, { name, side }) {
      const control = controlOf(side);
      const opened = await control.open(name, 'Python');
      return {
        async finish() {
          const stems = await control.close(name, opened);
          if (stems.length === 0)
            throw new ProfilerUnavailableError(
              `no server process wrote its ${LABELS[first]} data for ${name}`,
            );
          const calls: CallGraphFunction[][] = [];
          const growth: AllocationGrowth[][] = [];
          const files: string[] = [];
          const tools = new Set<string>();
          const errors: string[] = [];
          for (const stem of stems) {
            const data = control.readJson(`${path.basename(stem)}.json`) as WindowFile | undefined;
            if (data === undefined) continue;
            tools.add(data.tool);
            if (data.kind === 'calls') calls.push(data.functions);
            else if (data.kind === 'memory') growth.push(data.growth);
            else errors.push(data.error);
            for (const extension of ['.pstats', '.tracemalloc']) {
              const kept = path.join(options.outDir, 'profiles', `${path.basename(stem)}${extension}`);
              try {
                renameSync(`${stem}${extension}`, kept);
                files.push(kept);
              } catch {
                // this tool writes the other kind
              }
            }
            await rm(`${stem}.json`, { force: true });
          }
          if (calls.length === 0 && growth.length === 0)
            throw new ProfilerUnavailableError(
              `the server's processes wrote no data for ${name}${errors.length > 0 ? ` (${errors[0]})` : ''}`,
            );
          const exporter = [...tools].join(', ');
          const profile =
            growth.length > 0
              ? allocationGrowthToProfile(growth, exporter)
              : callGraphToProfile(mergeCallGraphs(calls), { exporter });
          return { profile, files };
        },
      };
    },
  };
}
