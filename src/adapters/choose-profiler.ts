/** Picks the profiler for the profiling phase from `profile.tool`, the server command and what this machine has. */
import path from 'node:path';
import type { ProfileConfig } from '../config/types.js';
import type { ProfilerChoice } from '../measure/profile-phase.js';
import { createPySpyProfiler, pySpyVersion } from './py-spy.js';
import { createPythonBootstrapProfiler, type PythonBootstrapTool } from './python-bootstrap.js';
import { createNodeBootstrapProfiler, isNodeCommand } from './node-bootstrap.js';

/** What the choice looks at besides `profile.tool`. */
export interface ProfilerContext {
  /** The results folder (profilers keep their files under `profiles/`). */
  readonly outDir: string;
  /** The config's `server.command`, for `auto`'s guess at the runtime. */
  readonly serverCommand: string;
  /** The py-spy executable (default `py-spy` on PATH). */
  readonly pySpyBinary?: string;
}

/**
 * Whether a server command serves an asyncio app (uvicorn, hypercorn, daphne, granian, aiohttp,
 * sanic, or gunicorn with an asyncio worker class), where yappi's coroutine-aware profiles beat
 * cProfile's, which count every await as a return.
 */
export function isAsyncioCommand(command: string): boolean {
  return /\b(uvicorn|hypercorn|daphne|granian|aiohttp|sanic)\b|UvicornWorker|GunicornWebWorker/i.test(
    command,
  );
}

/**
 * `auto`: Node's CPU profiler (the inspector bootstrap) for a server command that runs Node; else py-spy when `py-spy --version` runs; otherwise the Python bootstrap with yappi (cProfile
 * where yappi does not import) for an asyncio server command and cProfile for any other. `py-spy`
 * without py-spy installed: no profiler, with a reason that says what to install. `cprofile`, `yappi`,
 * `tracemalloc`: the Python bootstrap with that tool; `node`: the Node bootstrap.
 * @param profile the config's `profile` section (`tool: none` is never passed: the gate skips the phase).
 */
export async function chooseProfiler(
  profile: ProfileConfig,
  context: ProfilerContext,
): Promise<ProfilerChoice> {
  const { outDir } = context;
  const python = (tools: readonly PythonBootstrapTool[], reason: string): ProfilerChoice => ({
    profiler: createPythonBootstrapProfiler({ tools, outDir }),
    reason,
  });
  const node = (reason: string): ProfilerChoice => ({
    profiler: createNodeBootstrapProfiler({ outDir, rateHz: profile.rateHz }),
    reason,
  });
  if (profile.tool === 'auto' && isNodeCommand(context.serverCommand))
    return node("auto: the server command runs Node, so V8's CPU profiler through the inspector");
  switch (profile.tool) {
    case 'cprofile':
      return python(['cprofile'], 'chosen in the config (profile.tool: cprofile)');
    case 'yappi':
      return python(['yappi'], 'chosen in the config (profile.tool: yappi)');
    case 'tracemalloc':
      return python(
        ['tracemalloc'],
        'chosen in the config (profile.tool: tracemalloc: memory allocated in each window and still live at its end)',
      );
    case 'node':
      return node('chosen in the config (profile.tool: node)');
    case 'auto':
    case 'py-spy':
    case 'none':
      break;
  }
  const binary = context.pySpyBinary ?? 'py-spy';
  const version = await pySpyVersion(binary);
  if (version !== undefined) {
    return {
      profiler: createPySpyProfiler(version, path.join(outDir, 'profiles', 'raw'), binary),
      reason:
        profile.tool === 'auto' ? 'auto: py-spy is installed' : 'chosen in the config (profile.tool: py-spy)',
    };
  }
  if (profile.tool === 'py-spy') {
    return {
      reason:
        'profile.tool: py-spy: py-spy is not installed, so nothing was profiled; ' +
        'install it in the workflow (`pip install py-spy`) to get profiles of both sides',
    };
  }
  if (isAsyncioCommand(context.serverCommand)) {
    return python(
      ['yappi', 'cprofile'],
      'auto: py-spy is not installed and the server runs asyncio, so yappi (cProfile where yappi does not import); ' +
        '`pip install py-spy` samples with less overhead',
    );
  }
  return python(
    ['cprofile'],
    'auto: py-spy is not installed, so cProfile; `pip install py-spy` samples with less overhead',
  );
}
