// The CLI's results folder (--out): claimed before anything runs, one run at a time, and every log in
// it holds the latest run's output only. Real CLI (dist/cli.js), real git repos, real processes.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { makeRepo, runCli, type TempRepo } from '../e2e/make-repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.remove());

/** A config whose server prints `$RUN_MARK` (set per run) and exits at once, so each run fails fast. */
const crashingServer = `build: "echo built > built.txt"
server:
  command: echo "server says $RUN_MARK" && exit 4
  startup-timeout: 5s
http:
  - name: home
    path: /
    duration: 1s
    warmup: 0s
`;

function withEnv(
  env: Record<string, string>,
  fn: () => ReturnType<typeof runCli>,
): ReturnType<typeof runCli> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return fn();
  } finally {
    process.env = saved;
  }
}

describe('perfgate run --out', () => {
  it('starts every log afresh: a second run into the same folder does not append to the first run’s logs', () => {
    repo = makeRepo('stdlib', {}, { 'perfgate.yml': crashingServer });
    const out = path.join(repo.dir, 'out');
    const dir = repo.dir;
    const first = withEnv({ RUN_MARK: 'RUN-ONE' }, () =>
      runCli(dir, 'run', '--base', 'HEAD~1', '--out', out),
    );
    expect(first.code, first.stderr).toBe(3);
    expect(readFileSync(path.join(out, 'logs/server-base.log'), 'utf8')).toContain('RUN-ONE');
    const second = withEnv({ RUN_MARK: 'RUN-TWO' }, () =>
      runCli(dir, 'run', '--base', 'HEAD~1', '--out', out),
    );
    expect(second.code, second.stderr).toBe(3);
    const serverLog = readFileSync(path.join(out, 'logs/server-base.log'), 'utf8');
    expect(serverLog).toContain('RUN-TWO');
    expect(serverLog).not.toContain('RUN-ONE');
    expect(
      readFileSync(path.join(out, 'logs/build-base.log'), 'utf8').match(/echo built/g)?.length ?? 0,
    ).toBeLessThanOrEqual(1);
    // The lock is released when the run ends, however it ends.
    expect(existsSync(path.join(out, '.perfgate.lock'))).toBe(false);
  });

  it('an unwritable --out: exit 2 naming the folder, before anything is built or served', () => {
    repo = makeRepo('stdlib', {}, { 'perfgate.yml': crashingServer });
    writeFileSync(path.join(repo.dir, 'a-file'), 'not a folder\n');
    const out = path.join(repo.dir, 'a-file', 'out');
    const result = runCli(repo.dir, 'run', '--base', 'HEAD~1', '--out', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot write the results folder ${out}`);
    expect(result.stderr).toContain('Hint:');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    // Nothing ran: no worktree was created, no build step left its file.
    expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
    expect(result.stdout + result.stderr).not.toMatch(/server says/);
  });

  it('refuses a folder another live run holds, and takes over the lock of a run that is gone', async () => {
    repo = makeRepo('stdlib', {}, { 'perfgate.yml': crashingServer });
    const out = path.join(repo.dir, 'out');
    mkdirSync(out);
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const pid = holder.pid ?? 0;
      writeFileSync(
        path.join(out, '.perfgate.lock'),
        JSON.stringify({ pid, startedAt: '2026-12-02T10:00:00.000Z' }),
      );
      const busy = runCli(repo.dir, 'run', '--base', 'HEAD~1', '--out', out);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain(`is in use by another perfgate run (PID ${pid}`);
      expect(existsSync(path.join(out, 'logs'))).toBe(false);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    // The holder is gone: its lock is stale and the next run goes ahead (and fails on its server).
    const next = runCli(repo.dir, 'run', '--base', 'HEAD~1', '--out', out);
    expect(next.code, next.stderr).toBe(3);
    expect(next.stderr).toContain('server says');
    expect(existsSync(path.join(out, '.perfgate.lock'))).toBe(false);
  });
});
