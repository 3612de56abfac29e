// V8's CPU profiler loaded into real Node servers through perfgate's NODE_OPTIONS bootstrap, under
// real load: what the profiling phase records (test/fixtures/node-service/README.md).
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServerLauncher, withPrepended } from '../../src/adapters/server-launcher.js';
import { createAutocannonLoad } from '../../src/adapters/autocannon-load.js';
import { createNodeBootstrapProfiler } from '../../src/adapters/node-bootstrap.js';
import { ProfilerUnavailableError } from '../../src/errors.js';
import {
  diffFunctions,
  fromCpuProfile,
  relativizeFrames,
  summarizeFunctions,
  type Profile,
} from '../../src/profile/index.js';
import type { Side } from '../../src/model/results.js';
import type { RunningServer } from '../../src/ports.js';
import { repoRoot } from '../e2e/make-repo.js';

const workDir = mkdtempSync(path.join(tmpdir(), 'perfgate-node-bootstrap-'));
const launcher = createServerLauncher();
const load = createAutocannonLoad();
afterAll(async () => {
  await launcher.stopAll();
  rmSync(workDir, { recursive: true, force: true });
});

interface Target {
  readonly command: string;
  readonly dir: string;
  readonly route: string;
  /** Readiness path (default `/healthz`). */
  readonly ready?: string;
  readonly env?: Record<string, string>;
}

const service = path.join(repoRoot, 'test/fixtures/node-service');
const serviceTarget = (dir: string, env: Record<string, string> = {}): Target => ({
  command: 'node server.mjs',
  dir,
  route: '/search?q=solar+lamp&limit=20',
  env,
});

/** Starts `target` with the profiler's launch environment (as the profiling phase does). */
async function startWith(target: Target, side: Side, outDir: string) {
  const profiler = createNodeBootstrapProfiler({ outDir, rateHz: 1000 });
  const launch = profiler.launch!(side);
  const port = await launcher.freePort();
  const server = await launcher.start({
    label: side,
    command: target.command,
    cwd: target.dir,
    env: { PORT: String(port), ...target.env, ...launch.env },
    prepend: launch.prepend,
    port,
    readyUrl: `http://127.0.0.1:${port}${target.ready ?? '/healthz'}`,
    startupTimeoutMs: 30_000,
    logFile: path.join(outDir, `${side}.log`),
  });
  return { profiler, server };
}

/** Warms `target` up, profiles one 3 s load window the way the profiling phase does, stops it. */
async function profileOnce(target: Target, side: Side, outDir: string) {
  const { profiler, server } = await startWith(target, side, outDir);
  try {
    const spec = {
      url: `${server.baseUrl}${target.route}`,
      method: 'GET',
      headers: {},
      connections: 8,
      pipelining: 1,
    };
    await load.run({ ...spec, durationMs: 1000 });
    const recording = await profiler.start(server, {
      durationMs: 3000,
      rateHz: 1000,
      name: `search-${side}`,
      side,
    });
    await load.run({ ...spec, durationMs: 3000 });
    const capture = await recording.finish();
    return { ...capture, profile: relativizeFrames(capture.profile, [target.dir]) };
  } finally {
    await server.stop();
  }
}

/** A kept `.cpuprofile` read back as V8's JSON and converted. */
function readCpuProfile(file: string): { json: Record<string, unknown>; profile: Profile } {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return { json, profile: fromCpuProfile(json) };
}

const names = (profile: Profile) => new Set(profile.frames.map((f) => f.name));

describe('the Node bootstrap on real servers', () => {
  it('finds the regression: search grows most, and every .cpuprofile is V8’s JSON and converts', async () => {
    const outDir = mkdtempSync(path.join(workDir, 'run-'));
    const base = await profileOnce(serviceTarget(service), 'base', outDir);
    const head = await profileOnce(serviceTarget(path.join(service, 'variants/regressed')), 'head', outDir);
    const diff = diffFunctions(base.profile, head.profile);
    expect(diff.slice(0, 2).map((row) => row.frame.name)).toContain('search');
    const search = diff.find((row) => row.frame.name === 'search');
    expect(search?.frame.file).toBe('server.mjs');
    expect(search?.noise).toBe(false);
    expect(head.profile.unit).toBe('microseconds');
    expect(head.profile.exporter).toMatch(/^node \d+\.\d+\.\d+ inspector$/);
    expect(head.profile.sampleCount).toBeGreaterThan(500);
    // The bootstrap's own timer is not in the merged profile.
    expect(head.profile.frames.some((f) => f.file?.endsWith('node-profile.cjs'))).toBe(false);
    const files = [...(base.files ?? []), ...(head.files ?? [])];
    expect(files.length).toBe(2);
    for (const file of files) {
      expect(path.dirname(file)).toBe(path.join(outDir, 'profiles'));
      expect(path.basename(file)).toMatch(/^search-(base|head)-\d+\.cpuprofile$/);
      const { json, profile } = readCpuProfile(file);
      expect(Object.keys(json).sort()).toEqual(['endTime', 'nodes', 'samples', 'startTime', 'timeDeltas']);
      expect(names(profile).has('search')).toBe(true);
    }
    // The control folders keep no converted leftovers.
    expect(existsSync(path.join(outDir, 'profiles/raw/node/bootstrap/node-profile.cjs'))).toBe(true);
  }, 90_000);

  it('a node:cluster server with 2 workers: one .cpuprofile per process, both workers ran the service', async () => {
    const outDir = mkdtempSync(path.join(workDir, 'cluster-'));
    const { files = [], profile } = await profileOnce(
      serviceTarget(service, { WORKERS: '2' }),
      'head',
      outDir,
    );
    // The primary, which only hands out connections, and two workers.
    expect(files.length).toBe(3);
    const withService = files.filter((file) => names(readCpuProfile(file).profile).has('search'));
    expect(withService.length).toBe(2);
    const search = summarizeFunctions(profile).find((row) => row.frame.name === 'search');
    expect(search?.frame.file).toBe('server.mjs');
    expect(search?.total).toBeGreaterThan(0.2);
  }, 90_000);

  it('a server that is not Node: ProfilerUnavailable, saying no process loaded the bootstrap', async () => {
    const outDir = mkdtempSync(path.join(workDir, 'python-'));
    const attempt = (async () => {
      const { profiler, server } = await startWith(
        { command: 'python3 -m http.server $PORT --bind 127.0.0.1', dir: outDir, route: '/', ready: '/' },
        'head',
        outDir,
      );
      try {
        await profiler.start(server, { durationMs: 3000, rateHz: 1000, name: 'search-head', side: 'head' });
      } finally {
        await server.stop();
      }
    })();
    await expect(attempt).rejects.toBeInstanceOf(ProfilerUnavailableError);
    await expect(attempt).rejects.toThrow(/no process of the server loaded perfgate's Node bootstrap/);
  }, 30_000);

  it('never keeps a server alive: stop during a window is prompt, and a server ending by itself keeps its exit code and profile', async () => {
    const outDir = mkdtempSync(path.join(workDir, 'exit-'));
    const { profiler, server } = await startWith(serviceTarget(service), 'base', outDir);
    await profiler.start(server, { durationMs: 3000, rateHz: 1000, name: 'stop-base', side: 'base' });
    const stopping = Date.now();
    await server.stop();
    expect(Date.now() - stopping).toBeLessThan(2_000); // the launcher's SIGKILL comes after 5 s

    // A script that ends by itself during a window: its exit code stays, its window's profile is
    // written at exit, and it does not wait for the bootstrap's 50 ms timer.
    const script =
      "const http = require('http');" +
      "const s = http.createServer((q, r) => { r.end('ok'); if (q.url === '/quit') { s.close(); process.exitCode = 7; } });" +
      "s.listen(Number(process.env.PORT), '127.0.0.1');";
    const quitter = await startWith(
      { command: `node -e "${script}"`, dir: outDir, route: '/' },
      'head',
      outDir,
    );
    const recording = await quitter.profiler.start(quitter.server, {
      durationMs: 3000,
      rateHz: 1000,
      name: 'quit-head',
      side: 'head',
    });
    await fetch(`${quitter.server.baseUrl}/quit`, { headers: { connection: 'close' } }).then((r) => r.text());
    await waitUntilExited(quitter.server, 2_000);
    const { files = [] } = await recording.finish();
    expect(files.map((f) => path.basename(f))).toEqual([
      expect.stringMatching(/^quit-head-\d+\.cpuprofile$/),
    ]);
    await quitter.server.stop();

    const { env, prepend } = createNodeBootstrapProfiler({ outDir }).launch!('base');
    const run = spawnSync(process.execPath, ['-e', 'setTimeout(() => { process.exitCode = 7; }, 20)'], {
      env: withPrepended({ ...process.env, ...env } as Record<string, string>, prepend),
      timeout: 5_000,
    });
    expect(run.status).toBe(7);
    expect(run.stderr.toString()).toBe('');
    expect(readFileSync(path.join(env.PERFGATE_PROFILE_DIR!, `ready-${run.pid}.json`), 'utf8')).toContain(
      `"tool":"node ${process.versions.node} inspector"`,
    );
  }, 60_000);
});

async function waitUntilExited(server: RunningServer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (server.isAlive()) {
    if (Date.now() > deadline) throw new Error(`${server.label} still runs after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
