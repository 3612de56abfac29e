// Ctrl-C (SIGINT) or a cancelled job (SIGTERM) in the middle of the trials: perfgate stops both
// servers' whole process groups and removes its worktrees before it exits.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { makeRepo, processesWith, repoRoot, type TempRepo } from '../e2e/make-repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.remove());

/**
 * Starts `perfgate run --base HEAD~1` (dist/cli.js) in `from` and resolves once the first pair has
 * been measured: both servers are then up and under load. Rejects after 60 s without one.
 */
async function startUntilFirstPair(
  from: TempRepo,
): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'dist/cli.js'), 'run', '--base', 'HEAD~1', '--out', path.join(from.dir, 'out')],
    { cwd: from.dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no trial within 60 s:\n${stderr}`)), 60_000);
    const poll = setInterval(() => {
      if (/pair 1\/\d+/.test(stderr)) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 100);
  });
  return { child, exited };
}

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('perfgate run interrupted by %s', (signal, expectedCode) => {
  it(`stops every server process, removes the worktrees, exits ${expectedCode}`, async () => {
    const marker = `interrupt-${signal}-${process.pid}-${Date.now()}`;
    const config = `server:\n  command: MARKER=${marker} python3 app.py\n  ready: /healthz\nhttp:\n  - name: search\n    path: /search?tag=garden&q=lamp\n    connections: 4\n    duration: 2s\n    warmup: 0s\n`;
    repo = makeRepo('stdlib', {}, { 'perfgate.yml': config });
    const { child, exited } = await startUntilFirstPair(repo);
    expect(processesWith(marker).length).toBeGreaterThanOrEqual(2);
    child.kill(signal);
    expect(await exited).toBe(expectedCode);
    expect(processesWith(marker)).toEqual([]);
    expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
  });
});

/** Worktree folders other than the repository itself, from `git worktree list --porcelain`. */
function worktreeDirs(from: TempRepo): string[] {
  return from
    .git('worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length))
    .slice(1);
}

// A second signal 1 s after the first (an impatient Ctrl-C, or the runner's SIGTERM after Ctrl-C)
// must not kill perfgate before it has stopped the servers: it escalates to SIGKILL of every server
// process and a synchronous removal of the worktrees, and exits with the first signal's code.
describe.each([
  ['SIGINT', 'SIGINT', 130],
  ['SIGINT', 'SIGTERM', 130],
] as const)('perfgate run interrupted by %s then %s 1 s later', (first, second, expectedCode) => {
  it(`leaves no server process and no worktree, exits ${expectedCode}`, async () => {
    const marker = `interrupt2-${first}-${second}-${process.pid}-${Date.now()}`;
    // The server ignores SIGTERM, so the first signal's graceful stop is still waiting when the second comes.
    const config = `server:\n  command: MARKER=${marker} bash -c "trap '' TERM; exec python3 app.py"\n  ready: /healthz\nhttp:\n  - name: search\n    path: /search?tag=garden&q=lamp\n    connections: 4\n    duration: 2s\n    warmup: 0s\n`;
    repo = makeRepo('stdlib', {}, { 'perfgate.yml': config });
    const { child, exited } = await startUntilFirstPair(repo);
    const dirs = worktreeDirs(repo);
    expect(dirs).toHaveLength(2);
    expect(processesWith(marker).length).toBeGreaterThanOrEqual(2);
    child.kill(first);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    child.kill(second);
    expect(await exited).toBe(expectedCode);
    expect(processesWith(marker)).toEqual([]);
    expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
    for (const dir of dirs) expect(existsSync(dir), dir).toBe(false);
  });
});
