// Throwaway git repositories with a base and a head commit, built from an example folder.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** A temp repo whose HEAD~1 is `examples/<example>` and HEAD applies `headChanges`. */
export interface TempRepo {
  readonly dir: string;
  git(...args: string[]): string;
  remove(): void;
}

/**
 * @param example folder under examples/ copied as the base commit (without `variants/`).
 * @param headChanges files (path relative to the repo → content) written for the head commit.
 * @param overrides files written into the base commit too (e.g. a faster perfgate.yml for tests).
 */
export function makeRepo(
  example: string,
  headChanges: Record<string, string>,
  overrides: Record<string, string> = {},
): TempRepo {
  const dir = mkdtempSync(path.join(tmpdir(), 'perfgate-test-repo-'));
  const git = (...args: string[]): string =>
    execFileSync(
      'git',
      ['-c', 'user.name=perfgate test', '-c', 'user.email=test@perfgate.invalid', ...args],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    ).trim();
  cpSync(path.join(repoRoot, 'examples', example), dir, {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}variants`) && !src.includes('__pycache__'),
  });
  for (const [file, content] of Object.entries(overrides)) writeFileSync(path.join(dir, file), content);
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  for (const [file, content] of Object.entries(headChanges)) writeFileSync(path.join(dir, file), content);
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', 'head');
  return { dir, git, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** PIDs of live processes whose command line or environment contains `marker`. */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    for (const file of ['cmdline', 'environ']) {
      try {
        const text = readFileSync(`/proc/${entry}/${file}`, 'latin1');
        if (text.includes(marker)) {
          found.push(Number(entry));
          break;
        }
      } catch {
        // the process ended while we looked
      }
    }
  }
  return found;
}

/** Runs the bundled CLI (`dist/cli.js`) in `dir` and returns its exit code and output. */
export function runCli(
  dir: string,
  ...args: string[]
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The stdlib example's `server` and `http` sections with 1 s trials and warm-ups, for tests that
 * gate it for real; callers append their `gate:` (and `profile:`) sections.
 */
export const STDLIB_SEARCH_CONFIG = `server:
  command: python3 app.py
  ready: /healthz
http:
  - name: search
    path: /search?tag=garden&q=solar+lamp&limit=20
    connections: 8
    duration: 1s
    warmup: 1s
`;

/**
 * A `profile:` section that turns the profiling phase off. Append it to the config of a test that
 * asserts nothing about profiles: the phase (py-spy on both sides after the trials) costs ~10 s a gate.
 * Tests about profiles, their report section, artifacts or the `profile` phase keep the default.
 */
export const PROFILES_OFF = `profile:
  when: never
`;

/** A `pull_request` (synchronize) payload for PR `number` of `repo`: base HEAD~1 on main, head HEAD. */
export function pullRequestEvent(repo: TempRepo, number: number) {
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      base: { ref: 'main', sha: repo.git('rev-parse', 'HEAD~1') },
      head: { ref: 'feature', sha: repo.git('rev-parse', 'HEAD') },
    },
    repository: { name: 'shop', owner: { login: 'acme' } },
  };
}

/**
 * examples/stdlib/app.py with its calibrated knob set: `fraction` more CPU per request than handling
 * it used (PERFGATE_SLOWDOWN's default replaced), for a head commit that is slower by a known amount.
 */
export function slowedStdlibApp(fraction: number): string {
  const knob = 'os.environ.get("PERFGATE_SLOWDOWN", "0")';
  const source = readFileSync(path.join(repoRoot, 'examples/stdlib/app.py'), 'utf8');
  if (!source.includes(knob)) throw new Error(`examples/stdlib/app.py no longer reads ${knob}`);
  return source.replace(knob, `os.environ.get("PERFGATE_SLOWDOWN", "${fraction}")`);
}
