import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createShell } from '../../src/adapters/shell.js';
import { markedProcesses } from '../fixtures/servers/marked-processes.js';

const work = mkdtempSync(join(tmpdir(), 'perfgate-shell-test-'));
const shell = createShell();

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('createShell', () => {
  it('runs in cwd with env merged over the environment, and reports exit code and duration', async () => {
    const cwd = join(work, 'checkout');
    mkdirSync(cwd);
    const logFile = join(work, 'logs', 'build-head.log');
    const result = await shell.run(
      'echo "dir=$(pwd) flag=$PERFGATE_FLAG"; command -v git >/dev/null && echo "path kept"; sleep 0.3; exit 7',
      {
        cwd,
        env: { PERFGATE_FLAG: 'on' },
        logFile,
      },
    );
    expect(result.exitCode).toBe(7);
    expect(result.durationMs).toBeGreaterThanOrEqual(300);
    expect(result.durationMs).toBeLessThan(5_000);
    expect(result.logTail).toBe(`dir=${cwd} flag=on\npath kept`);
  });

  it('appends stdout and stderr, in order, to the log and returns only the last 40 lines of this run', async () => {
    const logFile = join(work, 'logs', 'append.log');
    await shell.run('echo first run', { cwd: work, logFile });
    const result = await shell.run('for i in $(seq 1 100); do echo "out $i"; echo "err $i" >&2; done', {
      cwd: work,
      logFile,
    });
    expect(result.exitCode).toBe(0);
    const tail = result.logTail.split('\n');
    expect(tail).toHaveLength(40);
    expect(tail[0]).toBe('out 81');
    expect(tail.at(-1)).toBe('err 100');
    const log = readFileSync(logFile, 'utf8');
    expect(log.startsWith('$ echo first run\nfirst run\n$ for i in')).toBe(true);
    expect(log).toContain('out 1\nerr 1\nout 2\nerr 2\n');
  });

  it('stops what a step left running in the background once it finishes', async () => {
    const marker = `perfgate-marker-${randomUUID()}`;
    const result = await shell.run(`sleep 60 & echo started`, {
      cwd: work,
      env: { MARKER: marker },
      logFile: join(work, 'logs', 'bg.log'),
    });
    expect(result.exitCode).toBe(0);
    expect(markedProcesses(marker)).toEqual([]);
  });

  it('kills the whole group when the shell itself is killed, and reports 128 + the signal', async () => {
    const marker = `perfgate-marker-${randomUUID()}`;
    const pidFile = join(work, `${marker}.pid`);
    const running = shell.run(`echo $$ > ${pidFile}; sleep 60 & wait`, {
      cwd: work,
      env: { MARKER: marker },
      logFile: join(work, 'logs', 'killed.log'),
    });
    const deadline = Date.now() + 5_000;
    while (!(existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n')) && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 20));
    }
    expect(markedProcesses(marker).length).toBe(2);
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    const result = await running;
    expect(result.exitCode).toBe(128 + 9);
    expect(markedProcesses(marker)).toEqual([]);
  });

  it('rejects when the shell cannot start', async () => {
    await expect(
      shell.run('true', { cwd: join(work, 'missing'), logFile: join(work, 'logs', 'missing.log') }),
    ).rejects.toThrow(/ENOENT/);
  });

  it('stops a step under way when its signal aborts, leaving no process, and rejects with the reason', async () => {
    const marker = `perfgate-marker-${randomUUID()}`;
    const stop = new AbortController();
    const startedMs = Date.now();
    setTimeout(() => stop.abort(new Error('told to stop')), 300);
    const running = shell.run(`sleep 60 & sleep 61; echo never`, {
      cwd: work,
      env: { PERFGATE_TEST_MARKER: marker },
      logFile: join(work, 'logs', 'aborted.log'),
      signal: stop.signal,
    });
    await expect(running).rejects.toThrow('told to stop');
    expect(Date.now() - startedMs).toBeLessThan(3_000);
    expect(markedProcesses(marker)).toEqual([]);
  });
});
