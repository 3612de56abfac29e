import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RunError } from '../../src/errors.js';
import { createServerLauncher } from '../../src/adapters/server-launcher.js';
import { createProcStats } from '../../src/adapters/proc-stats.js';
import type { RunningServer, ServerLauncher, ServerSpec } from '../../src/ports.js';
import { markedProcesses } from '../fixtures/servers/marked-processes.js';

const fixtures = resolve(import.meta.dirname, '../fixtures/servers');
const logDir = mkdtempSync(join(tmpdir(), 'perfgate-launcher-test-'));
const launchers: ServerLauncher[] = [];

function launcher(graceMs = 5_000): ServerLauncher {
  const created = createServerLauncher({ graceMs, pollIntervalMs: 100 });
  launchers.push(created);
  return created;
}

/** A spec whose processes all carry a unique marker in their environment. */
async function specFor(
  from: ServerLauncher,
  command: string,
  overrides: Partial<ServerSpec> = {},
  readyPath = '/healthz',
): Promise<ServerSpec & { marker: string }> {
  const port = await from.freePort();
  const marker = `perfgate-marker-${randomUUID()}`;
  return {
    label: 'head',
    command,
    cwd: fixtures,
    env: { PORT: String(port), PERFGATE_TEST_MARKER: marker },
    port,
    readyUrl: `http://127.0.0.1:${port}${readyPath}`,
    startupTimeoutMs: 15_000,
    logFile: join(logDir, `${marker}.log`),
    marker,
    ...overrides,
  };
}

async function startFailure(from: ServerLauncher, spec: ServerSpec): Promise<RunError> {
  const error: unknown = await from.start(spec).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof RunError)) throw new Error(`expected a RunError, got ${String(error)}`);
  return error;
}

/** Sends GETs over `connections` keep-alive connections for `durationMs`; returns the 2xx count. */
async function load(url: string, connections: number, durationMs: number): Promise<number> {
  const until = Date.now() + durationMs;
  let ok = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < until) {
        const response = await fetch(url);
        await response.arrayBuffer();
        if (response.ok) ok += 1;
      }
    }),
  );
  return ok;
}

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

afterEach(async () => {
  await Promise.all(launchers.splice(0).map((created) => created.stopAll()));
});
afterAll(() => rmSync(logDir, { recursive: true, force: true }));

describe('createServerLauncher', () => {
  it('hands out a loopback port that can be listened on', async () => {
    const port = await launcher().freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
    await new Promise<void>((done) => server.close(() => done()));
  });

  it('gives up on a server that never answers, with its output, and leaves no process', async () => {
    const from = launcher();
    const spec = await specFor(from, 'echo "booting, honest"; sleep 30', { startupTimeoutMs: 2_000 });
    const startedMs = Date.now();
    const error = await startFailure(from, spec);
    expect(Date.now() - startedMs).toBeLessThan(5_000);
    expect(error.message).toMatch(
      new RegExp(
        `^head server did not answer 2xx at http://127\\.0\\.0\\.1:${spec.port}/healthz within 2s \\(last probe: [^)]+\\)$`,
      ),
    );
    expect(error.logTail).toContain('booting, honest');
    expect(markedProcesses(spec.marker)).toEqual([]);
  });

  it('stops waiting for readiness when the signal aborts: rejects with the reason, leaves no process', async () => {
    const from = launcher();
    const stop = new AbortController();
    const spec = await specFor(from, 'echo "booting slowly"; sleep 30', { signal: stop.signal });
    const startedMs = Date.now();
    setTimeout(() => stop.abort(new Error('told to stop')), 300);
    await expect(from.start(spec)).rejects.toThrow('told to stop');
    expect(Date.now() - startedMs).toBeLessThan(3_000);
    expect(markedProcesses(spec.marker)).toEqual([]);
  });

  it('reports a server that exits at once, with its exit code and message, within a second', async () => {
    const from = launcher();
    const spec = await specFor(from, `echo "ModuleNotFoundError: No module named 'app'" >&2; exit 3`);
    const startedMs = Date.now();
    const error = await startFailure(from, spec);
    expect(Date.now() - startedMs).toBeLessThan(1_000);
    expect(error.message).toBe('head server exited with code 3 before it became ready');
    expect(error.logTail).toContain("ModuleNotFoundError: No module named 'app'");
    expect(error.logTail).not.toContain('perfgate: starting');
    expect(readFileSync(spec.logFile, 'utf8')).toContain('--- perfgate: starting head server: echo');
  });

  it('reports a working directory that does not exist as a start failure', async () => {
    const from = launcher();
    const spec = await specFor(from, 'true', { cwd: join(logDir, 'missing') });
    const error = await startFailure(from, spec);
    expect(error.message).toMatch(/^head server could not be started \(.*ENOENT.*\) before it became ready$/);
  });

  it('runs gunicorn with gthread workers, measures its tree under load, and stops every process', async () => {
    const from = launcher();
    const spec = await specFor(from, 'gunicorn -k gthread -w 2 --threads 4 -b 127.0.0.1:$PORT flask_app:app');
    const server = await from.start(spec);
    expect(server.isAlive()).toBe(true);
    expect(server.baseUrl).toBe(`http://127.0.0.1:${spec.port}`);

    const watch = await createProcStats().watch(server.pid);
    const ok = await load(`${server.baseUrl}/work`, 8, 1_500);
    const window = await watch.stop();
    expect(ok).toBeGreaterThan(10);
    expect(window.cpuMs).toBeGreaterThan(0);
    expect(window.processes.length).toBeGreaterThanOrEqual(3);
    expect(
      window.processes.filter((process) => process.command.includes('gunicorn')).length,
    ).toBeGreaterThanOrEqual(3);
    expect(window.cpuMs).toBeCloseTo(
      window.processes.reduce((sum, process) => sum + process.cpuMs, 0),
      6,
    );
    expect(window.rssPeakBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(markedProcesses(spec.marker).length).toBeGreaterThanOrEqual(3);

    await server.stop();
    expect(server.isAlive()).toBe(false);
    expect(markedProcesses(spec.marker)).toEqual([]);
    expect(await server.logTail()).toMatch(/Booting worker/);
  });

  it('stops uvicorn with multiprocessing workers without leaving any', async () => {
    const from = launcher();
    const spec = await specFor(
      from,
      '/usr/bin/python3 -m uvicorn --workers 2 --host 127.0.0.1 --port $PORT asgi_app:app',
    );
    const server = await from.start(spec);
    expect(markedProcesses(spec.marker).length).toBeGreaterThanOrEqual(3);
    await server.stop();
    expect(markedProcesses(spec.marker)).toEqual([]);
  });

  it('SIGKILLs a server that ignores SIGTERM once the grace period is over', async () => {
    const graceMs = 700;
    const from = launcher(graceMs);
    const spec = await specFor(from, '/usr/bin/python3 stubborn_server.py $PORT');
    const server = await from.start(spec);
    const stoppingMs = Date.now();
    await server.stop();
    const stopMs = Date.now() - stoppingMs;
    expect(stopMs).toBeGreaterThanOrEqual(graceMs);
    expect(stopMs).toBeLessThan(graceMs + 3_000);
    expect(markedProcesses(spec.marker)).toEqual([]);
    expect(server.isAlive()).toBe(false);
  });

  it('stops the jobs a shell wrapper put in the background, even those re-parented to init', async () => {
    const from = launcher();
    const command = 'sleep 60 & (sleep 61 &) ; exec /usr/bin/python3 -m http.server --bind 127.0.0.1 $PORT';
    const spec = await specFor(from, command, {}, '/');
    const server = await from.start(spec);
    expect(markedProcesses(spec.marker).length).toBe(3);
    const stoppingMs = Date.now();
    await server.stop();
    // SIGTERM was enough: nothing waited for the 5 s grace period.
    expect(Date.now() - stoppingMs).toBeLessThan(2_500);
    expect(markedProcesses(spec.marker)).toEqual([]);
  });

  it('tells a crashed server from a live one', async () => {
    const from = launcher();
    const spec = await specFor(from, '/usr/bin/python3 stubborn_server.py $PORT');
    const server = await from.start(spec);
    expect(server.isAlive()).toBe(true);
    await fetch(`${server.baseUrl}/exit`).catch(() => undefined);
    const deadline = Date.now() + 3_000;
    while (server.isAlive() && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    expect(server.isAlive()).toBe(false);
    await server.stop();
    expect(markedProcesses(spec.marker)).toEqual([]);
  });

  it('stopAll also stops what a server daemonized out of its group and parent (found by PERFGATE_RUN_ID)', async () => {
    const from = launcher(2_000);
    // `setsid -f` forks a new session whose parent exits at once: the daemon is re-parented to PID 1.
    const spec = await specFor(
      from,
      'setsid -f /usr/bin/python3 -c "import time; time.sleep(300)"; exec /usr/bin/python3 -m http.server --bind 127.0.0.1 $PORT',
      {},
      '/',
    );
    await from.start(spec);
    expect(markedProcesses(spec.marker).length).toBeGreaterThanOrEqual(2);
    await from.stopAll();
    expect(markedProcesses(spec.marker)).toEqual([]);
  });

  it('stopAll stops every server it started', async () => {
    const from = launcher();
    const servers: RunningServer[] = [];
    const markers: string[] = [];
    for (const label of ['base', 'head']) {
      const spec = await specFor(
        from,
        '/usr/bin/python3 -m http.server --bind 127.0.0.1 $PORT',
        { label },
        '/',
      );
      servers.push(await from.start(spec));
      markers.push(spec.marker);
    }
    expect(servers.map((server) => server.label)).toEqual(['base', 'head']);
    await from.stopAll();
    expect(servers.map((server) => server.isAlive())).toEqual([false, false]);
    expect(markers.flatMap((marker) => markedProcesses(marker))).toEqual([]);
  });

  it('serves, measures and stops a server that daemonizes (its command exits 0), and names what it hunted', async () => {
    const from = launcher(2_000);
    const spec = await specFor(
      from,
      'setsid -f /usr/bin/python3 -m http.server --bind 127.0.0.1 $PORT; echo "daemon started"',
      {},
      '/',
    );
    const server = await from.start(spec);
    expect(server.isAlive()).toBe(true);
    const daemonPid = server.pid;
    expect(readFileSync(`/proc/${daemonPid}/cmdline`, 'utf8')).toContain('http.server');
    const watch = await createProcStats().watch(server.pid);
    expect(await load(`${server.baseUrl}/`, 2, 500)).toBeGreaterThan(5);
    expect((await watch.stop()).cpuMs).toBeGreaterThan(0);
    await server.stop();
    expect(server.isAlive()).toBe(false);
    expect(markedProcesses(spec.marker)).toEqual([]);
    expect(await isListening(spec.port)).toBe(false);
    expect(from.detachedStops()).toEqual([
      { label: 'head', pids: [daemonPid], commands: [expect.stringContaining('http.server')] },
    ]);
  });

  it('stopping one daemonized side leaves the other side serving (each is hunted by its own tag)', async () => {
    const from = launcher(2_000);
    const command = 'setsid -f /usr/bin/python3 -m http.server --bind 127.0.0.1 $PORT';
    const baseSpec = await specFor(from, command, { label: 'base' }, '/');
    const headSpec = await specFor(from, command, { label: 'head' }, '/');
    const base = await from.start(baseSpec);
    const head = await from.start(headSpec);
    await head.stop();
    expect(markedProcesses(headSpec.marker)).toEqual([]);
    expect(await isListening(headSpec.port)).toBe(false);
    expect(base.isAlive()).toBe(true);
    expect((await fetch(`${base.baseUrl}/`)).ok).toBe(true);
    await from.stopAll();
    expect(markedProcesses(baseSpec.marker)).toEqual([]);
    expect(await isListening(baseSpec.port)).toBe(false);
    expect(from.detachedStops().map((stop) => stop.label)).toEqual(['head', 'base']);
  });

  it('stops gunicorn --daemon: its master and workers, none left listening', async () => {
    const from = launcher(3_000);
    const spec = await specFor(from, 'gunicorn --daemon -w 2 -b 127.0.0.1:$PORT flask_app:app');
    const server = await from.start(spec);
    // Ready means the first worker answers; the second may still be booting: wait for it.
    const deadline = Date.now() + 10_000;
    while (markedProcesses(spec.marker).length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(markedProcesses(spec.marker).length).toBeGreaterThanOrEqual(3);
    expect(readFileSync(`/proc/${server.pid}/cmdline`, 'utf8')).toContain('gunicorn');
    await server.stop();
    expect(markedProcesses(spec.marker)).toEqual([]);
    expect(await isListening(spec.port)).toBe(false);
    expect(from.detachedStops()[0]?.pids.length).toBeGreaterThanOrEqual(3);
  });

  it('still reports a daemonizing command whose daemon dies before it is ready', async () => {
    const from = launcher(1_000);
    const spec = await specFor(from, 'setsid -f sh -c "sleep 0.5; exit 4"', {}, '/');
    const error = await startFailure(from, spec);
    expect(error.message).toBe('head server exited with code 0 before it became ready');
    expect(markedProcesses(spec.marker)).toEqual([]);
  });
});
