/** Picks the profiler for the profiling phase from `profile.tool` and what this machine has. */
import path from 'node:path';
import type { ProfileConfig } from '../config/types.js';
import type { ProfilerChoice } from '../measure/profile-phase.js';
import { createPySpyProfiler, pySpyVersion } from './py-spy.js';

/**
 * `auto` and `py-spy`: py-spy when `py-spy --version` runs (its raw files go to `<outDir>/profiles/raw`
 * and are removed once converted); otherwise no profiler, with a reason that says what to install.
 * @param profile the config's `profile` section (`tool: none` is never passed: the gate skips the phase).
 * @param binary the py-spy executable (default `py-spy` on PATH).
 */
export async function chooseProfiler(
  profile: ProfileConfig,
  outDir: string,
  binary = 'py-spy',
): Promise<ProfilerChoice> {
  const version = await pySpyVersion(binary);
  if (version === undefined) {
    return {
      reason:
        `${profile.tool === 'auto' ? 'auto' : 'profile.tool: py-spy'}: py-spy is not installed, so nothing was profiled; ` +
        'install it in the workflow (`pip install py-spy`) to get profiles of both sides',
    };
  }
  return {
    profiler: createPySpyProfiler(version, path.join(outDir, 'profiles', 'raw'), binary),
    reason: profile.tool === 'auto' ? 'auto: py-spy is installed' : 'profile.tool: py-spy',
  };
}
