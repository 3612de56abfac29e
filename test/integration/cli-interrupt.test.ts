// Ctrl-C (SIGINT) or a cancelled job (SIGTERM) in the middle of the trials: perfgate writes what it
// measured (status `interrupted`), stops both servers' whole process groups and removes its
// worktrees before it exits 130 or 143.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import type { GateReport } from '../../src/model/results.js';
import { makeRepo, processesWith, repoRoot, type TempRepo } from '../e2e/make-repo.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.remove());

/** A started `perfgate run`, its stderr so far, and its exit code once it exits. */
interface Started {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stderr(): string;
}

/**
 * Starts `perfgate run --base HEAD~1` (dist/cli.js) in `from` and resolves once its stderr matches
 * `until` (default: the first pair has been measured, so both servers are up and under load).
 * Rejects after 60 s without a match.
 */
async function startPerfgate(from: TempRepo, until: RegExp = /pair 1\/\d+/): Promise<Started> {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'dist/cli.js'), 'run', '--base', 'HEAD~1', '--out', path.join(from.dir, 'out')],
    { cwd: from.dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${String(until)} within 60 s:\n${stderr}`)), 60_000);
    const poll = setInterval(() => {
      if (until.test(stderr)) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`perfgate exited (${code}) before ${String(until)}:\n${stderr}`));
    });
  });
  return { child, exited, stderr: () => stderr };
}

/** The report.json perfgate wrote into `from`'s out/ folder. */
function readReport(from: TempRepo): GateReport {
  return JSON.parse(readFileSync(path.join(from.dir, 'out', 'report.json'), 'utf8')) as GateReport;
}

/** A perfgate.yml whose server command carries `marker` and whose one scenario warms up for `warmup`. */
function configWith(command: string, warmup = '0s'): string {
  return `server:\n  command: ${command}\n  ready: /healthz\nhttp:\n  - name: search\n    path: /search?tag=garden&q=lamp\n    connections: 4\n    duration: 2s\n    warmup: ${warmup}\n`;
}

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('perfgate run interrupted by %s', (signal, expectedCode) => {
  it(`writes an interrupted report with the pairs measured, stops every server process, removes the worktrees, exits ${expectedCode}`, async () => {
    const marker = `interrupt-${signal}-${process.pid}-${Date.now()}`;
    repo = makeRepo('stdlib', {}, { 'perfgate.yml': configWith(`MARKER=${marker} python3 app.py`) });
    // Pair 1 is complete and pair 2's fresh servers are up: the signal comes during pair 2.
    const { child, exited, stderr } = await startPerfgate(repo, /pair 2: fresh servers/);
    expect(processesWith(marker).length).toBeGreaterThanOrEqual(2);
    child.kill(signal);
    expect(await exited).toBe(expectedCode);
    expect(processesWith(marker)).toEqual([]);
    expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
    const report = readReport(repo);
    expect(report.status).toBe('interrupted');
    expect(report.error).toBeUndefined();
    expect(report.interruption?.signal).toBe(signal);
    expect(report.interruption?.phase).toBe('trials');
    const pairs = report.interruption?.pairs ?? 0;
    expect(pairs).toBeGreaterThanOrEqual(1);
    // The complete pairs are kept (a trial cut short by the signal is not).
    expect(report.trials.filter((trial) => trial.discarded === undefined).length).toBeGreaterThanOrEqual(
      2 * pairs,
    );
    const markdown = readFileSync(path.join(repo.dir, 'out', 'report.md'), 'utf8');
    expect(markdown).toContain(
      `Interrupted by ${signal} during the trials after ${pairs} pair${pairs === 1 ? '' : 's'}, so nothing was gated`,
    );
    expect(stderr()).not.toMatch(/server exited/);
  });
});

// A cancelled job during the warm-up: the warm-up stops at once, and the server perfgate is about
// to stop is not blamed for stopping (it used to fail the run with exit 3 in 2 of 9 tries).
describe('perfgate run sent SIGTERM during the warm-up', () => {
  it.each([1, 2, 3])('exits 143 with an interrupted report, not 3 (try %i)', async () => {
    const marker = `interrupt-warmup-${process.pid}-${Date.now()}`;
    repo = makeRepo('stdlib', {}, { 'perfgate.yml': configWith(`MARKER=${marker} python3 app.py`, '30s') });
    const { child, exited, stderr } = await startPerfgate(repo, /warm-up (base|head) search/);
    // Some of the warm-up load has run (the connect ramp is over), none of the 30 s is left to wait for.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalledMs = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(Date.now() - signalledMs).toBeLessThan(10_000);
    expect(processesWith(marker)).toEqual([]);
    expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
    const report = readReport(repo);
    expect(report.status).toBe('interrupted');
    expect(report.interruption).toEqual({ signal: 'SIGTERM', phase: 'trials', pairs: 0 });
    expect(report.error).toBeUndefined();
    expect(stderr()).not.toMatch(/exited during the warm-up/);
  });
});

// One Ctrl-C to a server that ignores SIGTERM: the gate stops with its report, the server gets
// SIGKILL after the stop grace period, and nothing blames the server.
describe('perfgate run with a server that ignores SIGTERM, interrupted once', () => {
  it('exits 130, reports the interruption, and leaves no server process', async () => {
    const marker = `interrupt-stubborn-${process.pid}-${Date.now()}`;
    repo = makeRepo(
      'stdlib',
      {},
      {
        'perfgate.yml': configWith(`MARKER=${marker} bash -c "trap '' TERM; exec python3 app.py"`),
      },
    );
    const { child, exited, stderr } = await startPerfgate(repo);
    expect(processesWith(marker).length).toBeGreaterThanOrEqual(2);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(processesWith(marker)).toEqual([]);
    expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
    const report = readReport(repo);
    expect(report.status).toBe('interrupted');
    expect(report.error).toBeUndefined();
    const markdown = readFileSync(path.join(repo.dir, 'out', 'report.md'), 'utf8');
    expect(markdown).toContain('Interrupted by SIGINT');
    expect(markdown).not.toMatch(/server exited|run failed/);
    expect(stderr()).not.toMatch(/server exited/);
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
    const config = configWith(`MARKER=${marker} bash -c "trap '' TERM; exec python3 app.py"`);
    repo = makeRepo('stdlib', {}, { 'perfgate.yml': config });
    const { child, exited } = await startPerfgate(repo);
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
    // The report was written before the stubborn servers were being stopped.
    expect(readReport(repo).status).toBe('interrupted');
  });
});

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
function isListening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

// A server command that daemonizes (`setsid -f`, like `gunicorn --daemon`) and exits 0: perfgate
// measures the detached server, stops it by its PERFGATE_SERVER_ID tag, and says so in the report.
describe('perfgate run with a daemonizing server, interrupted', () => {
  it('leaves nothing listening and no tagged process, and names the hunted processes in the report', async () => {
    const marker = `interrupt-daemon-${process.pid}-${Date.now()}`;
    repo = makeRepo(
      'stdlib',
      {},
      { 'perfgate.yml': configWith(`MARKER=${marker} setsid -f python3 app.py`) },
    );
    const { child, exited, stderr } = await startPerfgate(repo, /pair 2: fresh servers/);
    const ports = [...stderr().matchAll(/server ready at http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) =>
      Number(m[1]),
    );
    expect(ports).toHaveLength(2);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(processesWith(marker)).toEqual([]);
    for (const port of ports) expect(await isListening(port), `port ${port}`).toBe(false);
    expect(repo.git('worktree', 'list').split('\n')).toHaveLength(1);
    const report = readReport(repo);
    expect(report.status).toBe('interrupted');
    expect(report.interruption?.pairs).toBeGreaterThanOrEqual(1);
    for (const side of ['base', 'head'])
      expect(report.warnings.join('\n')).toMatch(
        new RegExp(
          `stopped \\d+ detached process(es)? of the ${side} server \\(PIDs? [\\d, ]+: [^)]*app\\.py`,
        ),
      );
    const markdown = readFileSync(path.join(repo.dir, 'out', 'report.md'), 'utf8');
    expect(markdown).toContain('of the head server');
  });
});
