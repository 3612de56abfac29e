import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLoadProcesses, type LoadProcesses } from '../../src/adapters/load-process.js';
import { listProcesses, readCommandLine } from '../../src/adapters/process-table.js';
import { RunError } from '../../src/errors.js';
import type { LoadSpec } from '../../src/ports.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Load processes whose parent is `parentPid` (this test process unless told otherwise). */
function loadWorkers(parentPid = process.pid): number[] {
  return listProcesses()
    .filter((p) => p.ppid === parentPid && readCommandLine(p.pid, p.comm, 400).includes('load-worker'))
    .map((p) => p.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

let served = 0;
const server = http.createServer((req, res) => {
  served += 1;
  res.setHeader('Content-Length', 5);
  res.end('hello');
});
let url = '';

function spec(overrides: Partial<LoadSpec> = {}): LoadSpec {
  return { url, method: 'GET', headers: {}, connections: 4, pipelining: 1, durationMs: 1_000, ...overrides };
}

let load: LoadProcesses;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  url = `http://127.0.0.1:${address.port}/`;
});
afterEach(() => load?.close());
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('load generator in processes of its own', () => {
  it('counts what the server served, in decimal ms, with the CPU the load process used', async () => {
    load = createLoadProcesses();
    const before = served;
    const result = await load.run(spec());
    expect(result.responses).toBeGreaterThan(100);
    expect(result.ok).toBe(result.responses);
    // The server also answered requests autocannon cut off at the end: never fewer than counted.
    expect(served - before).toBeGreaterThanOrEqual(result.responses);
    expect(served - before - result.responses).toBeLessThanOrEqual(4);
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    expect(result.latencyMs.p50).toBeLessThanOrEqual(result.latencyMs.p99);
    expect(result.clientCpuMs).toBeGreaterThan(0);
    expect(result.clientCpuMs).toBeLessThan(result.durationMs * 4);
    // The load ran in another process: one is alive, idle, for the next load.
    expect(loadWorkers()).toHaveLength(1);
  });

  it('rejects an invalid spec with the same RunError as in-process, and the process takes the next load', async () => {
    load = createLoadProcesses();
    const error = await load.run(spec({ connections: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).message).toBe('Load connections must be an integer ≥ 1, got 0.');
    expect((error as RunError).hint).toMatch(/perfgate\.yml/);
    const [pid] = loadWorkers();
    expect((await load.run(spec({ durationMs: 1_000 }))).responses).toBeGreaterThan(0);
    expect(loadWorkers()).toEqual([pid]);
  });

  it('gives overlapping loads a process each, and close ends them all', async () => {
    load = createLoadProcesses();
    const [a, b] = await Promise.all([load.run(spec()), load.run(spec())]);
    expect(a.responses).toBeGreaterThan(0);
    expect(b.responses).toBeGreaterThan(0);
    const pids = loadWorkers();
    expect(pids).toHaveLength(2);
    load.close();
    expect(await waitFor(() => pids.every((pid) => !isAlive(pid)), 5_000)).toBe(true);
    await expect(load.run(spec())).rejects.toThrow(/closed/);
  });

  it('an abort rejects at once with its reason and kills the load process', async () => {
    load = createLoadProcesses();
    await load.run(spec());
    const [pid] = loadWorkers();
    const stop = new AbortController();
    const started = Date.now();
    setTimeout(() => stop.abort(new Error('interrupted by the test')), 300);
    await expect(load.run(spec({ durationMs: 20_000, signal: stop.signal }))).rejects.toThrow(
      'interrupted by the test',
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await waitFor(() => pid !== undefined && !isAlive(pid), 5_000)).toBe(true);
  });

  it('an abort while the load process is still starting rejects at once, and the process takes the next load', async () => {
    load = createLoadProcesses();
    const stop = new AbortController();
    const started = Date.now();
    const run = load.run(spec({ durationMs: 20_000, signal: stop.signal }));
    // The process takes about 0.2 s to start: abort before it is ready.
    stop.abort(new Error('interrupted while starting'));
    await expect(run).rejects.toThrow('interrupted while starting');
    expect(Date.now() - started).toBeLessThan(3_000);
    const result = await load.run(spec());
    expect(result.responses).toBeGreaterThan(0);
    expect(loadWorkers()).toHaveLength(1);
  });

  it('a load process that dies during a load fails the load with a RunError naming the signal', async () => {
    load = createLoadProcesses();
    await load.run(spec());
    const [pid] = loadWorkers();
    setTimeout(() => pid !== undefined && process.kill(pid, 'SIGKILL'), 300);
    const error = await load.run(spec({ durationMs: 20_000 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunError);
    expect((error as RunError).message).toMatch(
      /load generator process exited \(signal SIGKILL\) while loading http:\/\/127\.0\.0\.1:\d+\//,
    );
    // The next load gets a fresh process.
    expect((await load.run(spec())).responses).toBeGreaterThan(0);
  });

  it('never outlives perfgate: not when it forgets close, not when it is killed mid-load', async () => {
    const script = `
      import { createLoadProcesses } from ${JSON.stringify(path.join(repoRoot, 'src/adapters/load-process.ts'))};
      const load = createLoadProcesses();
      const spec = { url: ${JSON.stringify(url)}, method: 'GET', headers: {}, connections: 2, pipelining: 1, durationMs: Number(process.argv[1]) };
      await load.run({ ...spec, durationMs: 1000 });
      console.log('loaded');
      if (spec.durationMs > 1000) await load.run(spec);
    `;
    const run = (durationMs: number) =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, String(durationMs)], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
    // Ends its last load and exits without close: the idle load process must not hold it.
    const forgetful = run(1_000);
    const code = await new Promise<number | null>((resolve) => forgetful.once('exit', resolve));
    expect(code).toBe(0);
    expect(await waitFor(() => loadWorkers(forgetful.pid).length === 0, 5_000)).toBe(true);

    // Killed (SIGKILL, no cleanup of its own) during a 30 s load: its load process leaves too.
    const killed = run(30_000);
    await new Promise<void>((resolve) => killed.stdout.once('data', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pids = loadWorkers(killed.pid);
    expect(pids).toHaveLength(1);
    killed.kill('SIGKILL');
    expect(await waitFor(() => pids.every((pid) => !isAlive(pid)), 5_000)).toBe(true);
  }, 60_000);
});
