/**
 * V8's CPU profiler inside the Node servers perfgate starts for its profiling phase:
 * `bootstrap/node-profile.cjs` is copied to the results folder and put first in those servers'
 * NODE_OPTIONS (`--require`), so every Node process of the server (a `node:cluster` primary and its
 * workers, `child_process.fork` children, the node that `npm start` runs) profiles itself with the
 * in-process `node:inspector` Session while perfgate's control file opens a window
 * (src/adapters/bootstrap-control.ts, the protocol the Python bootstrap speaks too). Not
 * `node --cpu-prof`: that flag profiles from start-up to exit and cannot be limited to the load
 * window. The profiler itself runs from start-up and a window is a second profile on it, because a
 * profiler started with the window does not know code optimized before it (the bootstrap's header
 * says more). The measured trials never run with it.
 */
import { renameSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProfilerUnavailableError } from '../errors.js';
import type { Profiler, ProfilerLaunch } from '../ports.js';
import { fromCpuProfile, mergeProfiles, type CpuProfileOptions, type Profile } from '../profile/index.js';
import { installBootstrap, type BootstrapProcess, type BootstrapTimeouts } from './bootstrap-control.js';

/** The bootstrap's source: beside this module in src/adapters/, beside index.js and cli.js in dist/. */
export const NODE_PROFILE_SOURCE = fileURLToPath(new URL('./bootstrap/node-profile.cjs', import.meta.url));

/** Options of {@link createNodeBootstrapProfiler}. */
export interface NodeBootstrapOptions {
  /**
   * The results folder: the bootstrap and the control folders go to `profiles/raw/node`, the
   * `.cpuprofile` files to `profiles/`.
   */
  readonly outDir: string;
  /**
   * Samples per second (the config's `profile.rate`), set as `$PERFGATE_PROFILE_RATE_HZ` when the
   * servers start, because a process reads it then; `start`'s `rateHz` is not used. Absent: V8's
   * default interval of 1000 µs (1000 Hz), as `node --cpu-prof`.
   */
  readonly rateHz?: number;
  readonly timeouts?: BootstrapTimeouts;
}

/**
 * The Profiler port over the Node bootstrap. `launch(side)` empties the side's control folder
 * (`<outDir>/profiles/raw/node/<side>`) and returns NODE_OPTIONS' prepend
 * (`--require "<outDir>/profiles/raw/node/bootstrap/node-profile.cjs"`) and the bootstrap's variables;
 * `start` opens a window in every Node process that loaded it; `finish` closes it, converts and
 * merges every process's CPU profile into one profile (microseconds of samples, idle left out: see
 * fromCpuProfile) and moves each process's file to `<outDir>/profiles/<window>-<pid>.cpuprofile`
 * (Chrome DevTools and speedscope open it), returned in `files`. The bootstrap's own frames (its
 * control timer) are left out of the merged profile; the native files keep them. `dispose` removes
 * `profiles/raw/node` (the bootstrap and the control folders).
 * @throws Error when the bootstrap cannot be copied into the results folder.
 */
export function createNodeBootstrapProfiler(options: NodeBootstrapOptions): Profiler {
  const installed = installBootstrap(options.outDir, 'node', NODE_PROFILE_SOURCE, options.timeouts);
  const { script, controlOf } = installed;

  return {
    tool: 'node inspector',
    dispose: installed.dispose,
    launch(side): ProfilerLaunch {
      const control = controlOf(side);
      control.reset();
      return {
        env: {
          PERFGATE_PROFILE_DIR: control.dir,
          ...(options.rateHz === undefined ? {} : { PERFGATE_PROFILE_RATE_HZ: String(options.rateHz) }),
        },
        prepend: [{ name: 'NODE_OPTIONS', value: `--require ${quoteNodeOption(script)}`, separator: ' ' }],
      };
    },
    async start(_server, { name, side }) {
      const control = controlOf(side);
      const opened = await control.open(name, 'Node');
      return {
        async finish() {
          const stems = await control.close(name, opened);
          if (stems.length === 0)
            throw new ProfilerUnavailableError(
              `no Node process of the server wrote its CPU profile for ${name}`,
            );
          const profiles: Profile[] = [];
          const files: string[] = [];
          const errors: string[] = [];
          for (const stem of stems) {
            const stemName = path.basename(stem);
            const tool = toolOf(opened, stemName);
            const converted = await convert(`${stem}.cpuprofile`, { exporter: tool, omitFiles: [script] });
            if (converted.kind === 'profile') {
              const kept = path.join(options.outDir, 'profiles', `${stemName}.cpuprofile`);
              renameSync(`${stem}.cpuprofile`, kept);
              files.push(kept);
              profiles.push(converted.profile);
            } else {
              const data = control.readJson(`${stemName}.json`);
              errors.push(`${stemName}: ${errorOf(data) ?? converted.error}`);
            }
            await rm(`${stem}.json`, { force: true });
          }
          if (profiles.length === 0)
            throw new ProfilerUnavailableError(
              `the server's Node processes wrote no CPU profile for ${name}${errors.length > 0 ? ` (${errors[0]})` : ''}`,
            );
          return { profile: mergeProfiles(profiles), files };
        },
      };
    },
  };
}

/**
 * Whether a server command runs Node: its program (after `exec`, `env` and its options,
 * `NAME=value` assignments, and `cd dir &&` and other commands before the last of a `&&`, `||`
 * or `;` list) is `node`, `nodejs`, `npm`, `npx`, `yarn`, `pnpm`, `tsx` or `ts-node`, by any path
 * (`/usr/bin/node`). Bun reads NODE_OPTIONS but has no `node:inspector` profiler: not Node. Pure; a
 * heuristic for the `auto` profiler choice (a `sh script.sh` that starts node is not seen).
 */
export function isNodeCommand(command: string): boolean {
  const segments = command.split(/&&|\|\||;/);
  const words = shellWords(segments[segments.length - 1] ?? '');
  let i = 0;
  for (;;) {
    const word = words[i];
    if (word === undefined) return false;
    if (word === 'exec' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) i += 1;
    else if (word === 'env') {
      i += 1;
      // env's options; -u and -C take a value (GNU coreutils env)
      while (words[i]?.startsWith('-')) i += words[i] === '-u' || words[i] === '-C' ? 2 : 1;
    } else return NODE_PROGRAMS.has(path.posix.basename(word));
  }
}

const NODE_PROGRAMS = new Set(['node', 'nodejs', 'npm', 'npx', 'yarn', 'pnpm', 'tsx', 'ts-node']);

/** Splits a shell command into words, honouring single and double quotes and backslashes (no expansion). */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charAt(i);
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word = (word ?? '') + text.charAt(++i);
      else word = (word ?? '') + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) word = (word ?? '') + text.charAt(++i);
    else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** A value as NODE_OPTIONS parses it: in double quotes, `"` and `\` escaped (Node's ParseNodeOptionsEnvVar). */
function quoteNodeOption(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

type Converted =
  | { readonly kind: 'profile'; readonly profile: Profile }
  | { readonly kind: 'error'; readonly error: string };

/** Reads and converts one process's `.cpuprofile`; a missing or malformed file is an error, not a throw. */
async function convert(file: string, options: CpuProfileOptions): Promise<Converted> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { kind: 'error', error: 'no .cpuprofile written' };
  }
  try {
    return { kind: 'profile', profile: fromCpuProfile(JSON.parse(text), options) };
  } catch (error) {
    return {
      kind: 'error',
      error: `${path.basename(file)}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** The tool the process of `<window>-<pid>` named in its ready file. */
function toolOf(opened: readonly BootstrapProcess[], stemName: string): string {
  const pid = Number(/-(\d+)$/.exec(stemName)?.[1]);
  return opened.find((p) => p.pid === pid)?.tool ?? 'node inspector';
}

/** The `error` of a process's `<window>-<pid>.json`, if it wrote one. */
function errorOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || !('error' in data)) return undefined;
  return typeof data.error === 'string' ? data.error : undefined;
}
