import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAutocannonLoad } from '../../src/adapters/autocannon-load.js';
import { RunError } from '../../src/errors.js';
import type { LoadResult, LoadSpec } from '../../src/ports.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const load = createAutocannonLoad();

function spec(url: string, overrides: Partial<LoadSpec> = {}): LoadSpec {
  return { url, method: 'GET', headers: {}, connections: 4, pipelining: 1, durationMs: 1_000, ...overrides };
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

async function close(server: http.Server | net.Server): Promise<void> {
  if (server instanceof http.Server) server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await close(server);
  return port;
}

/** Counts the requests the server itself saw, to check the load generator's count against. */
function helloServer(connectionHeader?: 'close'): { server: http.Server; served: () => number } {
  let served = 0;
  const server = http.createServer((req, res) => {
    served += 1;
    const body = req.url === '/missing' ? 'not found' : 'hello from a keep-alive server';
    res.statusCode = req.url === '/missing' ? 404 : 200;
    if (connectionHeader) res.setHeader('Connection', connectionHeader);
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  });
  return { server, served: () => served };
}

function expectOrderedDecimalLatencies(result: LoadResult): void {
  const { p50, p90, p99 } = result.latencyMs;
  expect(p50).toBeGreaterThan(0);
  expect(p50).toBeLessThanOrEqual(p90);
  expect(p90).toBeLessThanOrEqual(p99);
  // autocannon's own percentiles are whole ms; ours must carry the fraction.
  expect([p50, p90, p99].some((value) => !Number.isInteger(value))).toBe(true);
}

describe('autocannon load against a local node:http server', () => {
  const hello = helloServer();
  let baseUrl = '';
  beforeAll(async () => {
    baseUrl = `http://127.0.0.1:${await listen(hello.server)}`;
  });
  afterAll(() => close(hello.server));

  it('counts every response, reports decimal ordered latencies, and sees keep-alive', async () => {
    const result = await load.run(spec(`${baseUrl}/`));
    expect(result.ok).toBeGreaterThan(100);
    expect(result.responses).toBe(result.ok);
    expect(result).toMatchObject({ non2xx: 0, errors: 0, timeouts: 0, connectionClose: false });
    // Requests still in flight when the run stops were served but never answered to us.
    expect(hello.served()).toBeGreaterThanOrEqual(result.responses);
    expect(hello.served()).toBeLessThanOrEqual(result.responses + 4);
    expect(result.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(result.durationMs).toBeLessThan(1_500);
    expect(result.bytes).toBeGreaterThan(result.responses * 'hello from a keep-alive server'.length);
    expectOrderedDecimalLatencies(result);
  });

  it('counts 4xx responses as non-2xx, not as ok', async () => {
    const result = await load.run(spec(`${baseUrl}/missing`, { durationMs: 500 }));
    expect(result.ok).toBe(0);
    expect(result.non2xx).toBe(result.responses);
    expect(result.non2xx).toBeGreaterThan(10);
  });

  it('rejects an invalid spec with a RunError', async () => {
    await expect(load.run(spec('not a url'))).rejects.toBeInstanceOf(RunError);
    await expect(load.run(spec(`${baseUrl}/`, { connections: 0 }))).rejects.toThrow(/connections/);
    await expect(load.run(spec(`${baseUrl}/`, { durationMs: 0 }))).rejects.toThrow(/duration/);
    await expect(load.run(spec(`${baseUrl}/`, { method: 'BREW' }))).rejects.toThrow(/method/);
  });

  it('leaves no socket or timer behind', async () => {
    const before = process.getActiveResourcesInfo();
    await load.run(spec(`${baseUrl}/`, { durationMs: 300 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const count = (list: string[], kind: string): number => list.filter((entry) => entry === kind).length;
    const after = process.getActiveResourcesInfo();
    expect(count(after, 'TCPSocketWrap')).toBeLessThanOrEqual(count(before, 'TCPSocketWrap'));
    expect(count(after, 'Timeout')).toBeLessThanOrEqual(count(before, 'Timeout'));
  });
});

describe('autocannon load against servers that close connections', () => {
  const servers: net.Server[] = [];
  afterAll(() => Promise.all(servers.map(close)));

  it('flags `Connection: close` on HTTP/1.1', async () => {
    const closing = helloServer('close');
    servers.push(closing.server);
    const port = await listen(closing.server);
    const result = await load.run(spec(`http://127.0.0.1:${port}/`, { durationMs: 500 }));
    expect(result.responses).toBeGreaterThan(0);
    expect(result.connectionClose).toBe(true);
  });

  it('flags an HTTP/1.0 answer without keep-alive (Python http.server by default)', async () => {
    const http10 = net.createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'));
      socket.on('error', () => undefined);
    });
    servers.push(http10);
    const port = await listen(http10);
    const result = await load.run(spec(`http://127.0.0.1:${port}/`, { durationMs: 500 }));
    expect(result.responses).toBeGreaterThan(0);
    expect(result.connectionClose).toBe(true);
  });

  it('resolves with errors and no responses when nothing listens', async () => {
    const port = await freePort();
    const result = await load.run(spec(`http://127.0.0.1:${port}/`, { durationMs: 300 }));
    expect(result.responses).toBe(0);
    expect(result.errors).toBeGreaterThan(0);
    expect(result.latencyMs).toEqual({ p50: 0, p90: 0, p99: 0 });
  });
});

describe('autocannon load against the stdlib example app', () => {
  const children: ChildProcess[] = [];
  const logs: string[] = [];

  async function startExample(appFile: string): Promise<string> {
    const port = await freePort();
    const child = spawn('python3', [appFile], {
      cwd: path.dirname(appFile),
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${appFile} exited: ${logs.join('')}`);
      const ok = await new Promise<boolean>((resolve) => {
        http
          .get(`${url}/healthz`, { agent: false }, (res) => {
            res.resume();
            resolve(res.statusCode === 200);
          })
          .on('error', () => resolve(false));
      });
      if (ok) return url;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${appFile} not ready in 15 s: ${logs.join('')}`);
  }

  afterAll(async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
  });

  it('measures plausible numbers, and the regressed variant serves fewer requests per second', async () => {
    const dir = path.join(repoRoot, 'examples/stdlib');
    const baseUrl = await startExample(path.join(dir, 'app.py'));
    const headUrl = await startExample(path.join(dir, 'variants/regressed/app.py'));
    const searchPath = '/search?tag=garden&q=solar+lamp&limit=20';
    const run = (url: string, durationMs: number): Promise<LoadResult> =>
      load.run(spec(`${url}${searchPath}`, { connections: 8, durationMs }));
    await run(baseUrl, 500);
    await run(headUrl, 500);

    const throughput: { base: number[]; head: number[] } = { base: [], head: [] };
    for (let pair = 0; pair < 3; pair += 1) {
      for (const [side, url] of [
        ['base', baseUrl],
        ['head', headUrl],
      ] as const) {
        const result = await run(url, 1_500);
        expect(result).toMatchObject({ non2xx: 0, errors: 0, timeouts: 0, connectionClose: false });
        expect(result.ok).toBeGreaterThan(50);
        expectOrderedDecimalLatencies(result);
        throughput[side].push(result.ok / (result.durationMs / 1_000));
      }
    }
    const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
    // Measured ~40% fewer req/s; 10% leaves room for a noisy, shared 2-core machine.
    expect(mean(throughput.head)).toBeLessThan(mean(throughput.base) * 0.9);
  });
});
