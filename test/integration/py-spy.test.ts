// py-spy attached to real servers of the examples under real load: what the profiling phase records.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServerLauncher } from '../../src/adapters/server-launcher.js';
import { createAutocannonLoad } from '../../src/adapters/autocannon-load.js';
import { ProfilerUnavailable, pySpyVersion, startPySpy } from '../../src/adapters/py-spy.js';
import { diffFunctions, relativizeFrames, type Profile } from '../../src/profile/index.js';
import type { RunningServer } from '../../src/ports.js';
import { repoRoot } from '../e2e/make-repo.js';
import { chooseProfiler } from '../../src/adapters/choose-profiler.js';
import { DEFAULTS } from '../../src/config/defaults.js';

const workDir = mkdtempSync(path.join(tmpdir(), 'perfgate-py-spy-'));
const launcher = createServerLauncher();
const load = createAutocannonLoad();
afterAll(async () => {
  await launcher.stopAll();
  rmSync(workDir, { recursive: true, force: true });
});

async function serve(label: string, command: string, cwd: string, ready: string): Promise<RunningServer> {
  const port = await launcher.freePort();
  return launcher.start({
    label,
    command: command.replace('$PORT', String(port)),
    cwd,
    env: { PORT: String(port), PYTHONDONTWRITEBYTECODE: '1' },
    port,
    readyUrl: `http://127.0.0.1:${port}${ready}`,
    startupTimeoutMs: 30_000,
    logFile: path.join(workDir, `${label}.log`),
  });
}

/** Profiles `server` under load on `route` for `seconds`, the way the profiling phase does. */
async function profileUnderLoad(server: RunningServer, route: string, name: string, connections = 8) {
  const url = `${server.baseUrl}${route}`;
  const spec = { url, method: 'GET', headers: {}, connections, pipelining: 1 };
  await load.run({ ...spec, durationMs: 1000 }); // warm-up
  const recording = await startPySpy(server.pid, { rateHz: 200, durationMs: 3000, outDir: workDir, name });
  await load.run({ ...spec, durationMs: 3500 });
  return { recording, ...(await recording.finish()) };
}

const stdlib = path.join(repoRoot, 'examples/stdlib');
const stdlibRoute = '/search?tag=garden&q=solar+lamp&limit=20';

describe('py-spy on the examples', () => {
  it('is installed here (the tests install it from PyPI)', async () => {
    expect(await pySpyVersion()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('finds the stdlib example’s regression: score grows most in the diff table', async () => {
    const profiles: Profile[] = [];
    for (const [label, dir] of [
      ['base', stdlib],
      ['head', path.join(stdlib, 'variants/regressed')],
    ] as const) {
      const server = await serve(label, 'python3 app.py', dir, '/healthz');
      const { profile } = await profileUnderLoad(server, stdlibRoute, label);
      await server.stop();
      expect(profile.sampleCount).toBeGreaterThan(100);
      profiles.push(relativizeFrames(profile, [dir]));
    }
    const [first] = diffFunctions(profiles[0]!, profiles[1]!, { z: 2.576 }); // one 3 s window: the per-row mark (the gate uses two windows and a table-wide z);
    expect(first?.frame).toMatchObject({ name: 'score', file: 'app.py' });
    expect(first?.noise).toBe(false);
  }, 60_000);

  it('records every gunicorn worker (2 workers, one profile per side)', async () => {
    const flask = path.join(repoRoot, 'examples/flask');
    const server = await serve(
      'flask',
      'gunicorn -k gthread -w 2 --threads 4 -b 127.0.0.1:$PORT app:app',
      flask,
      '/healthz',
    );
    const { recording, files } = await profileUnderLoad(server, '/api/customers/42/summary', 'flask', 16);
    await server.stop();
    // Attached to the master only; its workers come in through --subprocesses.
    expect(recording.pids).toHaveLength(1);
    const raw = JSON.parse(readFileSync(files[0]!, 'utf8')) as {
      profiles: { name: string; samples: unknown[] }[];
    };
    const workers = new Set(
      raw.profiles.filter((p) => p.samples.length > 20).map((p) => /Process (\d+)/.exec(p.name)?.[1]),
    );
    workers.delete(String(recording.pids[0]));
    expect(workers.size).toBe(2);
  }, 60_000);

  it('says why it cannot profile a server with no Python process', async () => {
    const server = await serve(
      'node',
      `node -e "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT, '127.0.0.1')"`,
      workDir,
      '/',
    );
    try {
      await expect(
        startPySpy(server.pid, { rateHz: 100, durationMs: 1000, outDir: workDir, name: 'node' }),
      ).rejects.toThrow(/no Python process in the server's process tree/);
    } finally {
      await server.stop();
    }
  });

  it('says how to install py-spy when it is missing', async () => {
    const server = await serve('missing', 'python3 app.py', stdlib, '/healthz');
    try {
      const attempt = startPySpy(server.pid, {
        rateHz: 100,
        durationMs: 1000,
        outDir: workDir,
        name: 'missing',
        binary: path.join(workDir, 'no-such-py-spy'),
      });
      await expect(attempt).rejects.toThrow(ProfilerUnavailable);
      await expect(attempt).rejects.toThrow(/pip install py-spy/);
    } finally {
      await server.stop();
    }
  });

  it('auto chooses py-spy when it runs; without it the Python bootstrap, yappi for asyncio servers', async () => {
    const gunicorn = 'gunicorn -k gthread -w 2 -b 127.0.0.1:$PORT app:app';
    const uvicorn = '/usr/bin/python3 -m uvicorn app:app --port $PORT';
    const found = await chooseProfiler(DEFAULTS.profile, { outDir: workDir, serverCommand: gunicorn });
    expect(found.profiler?.tool).toMatch(/^py-spy \d+\.\d+\.\d+$/);
    expect(found.reason).toBe('auto: py-spy is installed');
    const pySpyBinary = path.join(workDir, 'no-such-py-spy');
    const threaded = await chooseProfiler(DEFAULTS.profile, {
      outDir: workDir,
      serverCommand: gunicorn,
      pySpyBinary,
    });
    expect(threaded.profiler?.tool).toBe('cProfile');
    expect(threaded.reason).toMatch(/py-spy is not installed, so cProfile.*pip install py-spy/);
    const asyncio = await chooseProfiler(DEFAULTS.profile, {
      outDir: workDir,
      serverCommand: uvicorn,
      pySpyBinary,
    });
    expect(asyncio.profiler?.tool).toBe('yappi or cProfile');
    expect(asyncio.reason).toMatch(/asyncio, so yappi/);
    const node = await chooseProfiler(DEFAULTS.profile, {
      outDir: workDir,
      serverCommand: 'node server.mjs',
    });
    expect(node.profiler?.tool).toBe('node inspector');
    expect(node.reason).toMatch(/^auto: the server command runs Node/);
  });

  it('profile.tool: py-spy without py-spy: no profiler, saying what to install', async () => {
    const profile = { ...DEFAULTS.profile, tool: 'py-spy' as const };
    const pySpyBinary = path.join(workDir, 'no-such-py-spy');
    const missing = await chooseProfiler(profile, {
      outDir: workDir,
      serverCommand: 'python3 app.py',
      pySpyBinary,
    });
    expect(missing.profiler).toBeUndefined();
    expect(missing.reason).toMatch(/py-spy is not installed.*pip install py-spy/);
  });
});
