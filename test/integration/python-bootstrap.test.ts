// cProfile, yappi and tracemalloc loaded into real servers of the examples through perfgate's
// sitecustomize bootstrap, under real load: what the profiling phase records with each.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServerLauncher } from '../../src/adapters/server-launcher.js';
import { createAutocannonLoad } from '../../src/adapters/autocannon-load.js';
import {
  createPythonBootstrapProfiler,
  type PythonBootstrapTool,
} from '../../src/adapters/python-bootstrap.js';
import { ProfilerUnavailableError } from '../../src/errors.js';
import {
  diffFunctions,
  relativizeFrames,
  summarizeFunctions,
  type Profile,
} from '../../src/profile/index.js';
import type { Side } from '../../src/model/results.js';
import { repoRoot } from '../e2e/make-repo.js';

const workDir = mkdtempSync(path.join(tmpdir(), 'perfgate-bootstrap-'));
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
  readonly connections?: number;
  readonly env?: Record<string, string>;
}

/**
 * Starts `target` with the profiler's launch environment, warms it up, profiles one 3 s load window
 * the way the profiling phase does, stops it.
 */
async function profileOnce(
  tools: readonly PythonBootstrapTool[],
  target: Target,
  side: Side,
  outDir: string,
) {
  const profiler = createPythonBootstrapProfiler({ tools, outDir });
  const launch = profiler.launch!(side);
  const port = await launcher.freePort();
  const server = await launcher.start({
    label: side,
    command: target.command.replace('$PORT', String(port)),
    cwd: target.dir,
    env: { PORT: String(port), PYTHONDONTWRITEBYTECODE: '1', ...target.env, ...launch.env },
    prepend: launch.prepend,
    port,
    readyUrl: `http://127.0.0.1:${port}/healthz`,
    startupTimeoutMs: 30_000,
    logFile: path.join(outDir, `${side}.log`),
  });
  try {
    const spec = {
      url: `${server.baseUrl}${target.route}`,
      method: 'GET',
      headers: {},
      connections: target.connections ?? 8,
      pipelining: 1,
    };
    await load.run({ ...spec, durationMs: 1000 });
    const recording = await profiler.start(server, {
      durationMs: 3000,
      rateHz: 200,
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

async function diffOf(tools: readonly PythonBootstrapTool[], base: Target, head: Target) {
  const outDir = mkdtempSync(path.join(workDir, 'run-'));
  const b = await profileOnce(tools, base, 'base', outDir);
  const h = await profileOnce(tools, head, 'head', outDir);
  return { base: b, head: h, diff: diffFunctions(b.profile, h.profile), outDir };
}

const stdlib = path.join(repoRoot, 'examples/stdlib');
const stdlibTarget = (dir: string): Target => ({
  command: 'python3 app.py',
  dir,
  route: '/search?tag=garden&q=solar+lamp&limit=20',
});

describe('the Python bootstrap on the examples', () => {
  it('cProfile finds the stdlib example’s regression: score grows most, and the pstats files load', async () => {
    const { diff, base, head } = await diffOf(
      ['cprofile'],
      stdlibTarget(stdlib),
      stdlibTarget(path.join(stdlib, 'variants/regressed')),
    );
    expect(diff.slice(0, 2).map((row) => row.frame.name)).toContain('score');
    expect(head.profile.exporter).toBe('cProfile');
    for (const file of [...(base.files ?? []), ...(head.files ?? [])]) {
      expect(file).toMatch(/\.pstats$/);
      const out = execFileSync(
        'python3',
        ['-c', 'import pstats,sys; s=pstats.Stats(sys.argv[1]); print(s.total_tt > 0, len(s.stats))', file],
        { encoding: 'utf8' },
      );
      expect(out).toMatch(/^True \d+/);
    }
  }, 90_000);

  it('cProfile records both workers of gunicorn -w 2', async () => {
    const flask = path.join(repoRoot, 'examples/flask');
    const target: Target = {
      command: 'gunicorn -k gthread -w 2 --threads 4 -b 127.0.0.1:$PORT app:app',
      dir: flask,
      route: '/api/customers/42/summary',
      connections: 16,
    };
    const outDir = mkdtempSync(path.join(workDir, 'flask-'));
    const { files = [], profile } = await profileOnce(['cprofile'], target, 'head', outDir);
    // One pstats file per process (the master and two workers); both workers ran the app's code.
    const withApp = files.filter((file) =>
      execFileSync('python3', ['-c', PRINT_FILES, file], { encoding: 'utf8' })
        .split('\n')
        .some((f) => f.endsWith('/app.py')),
    );
    expect(withApp.length).toBe(2);
    expect(summarizeFunctions(profile).some((row) => row.frame.name === 'find_product')).toBe(true);
  }, 90_000);

  it('yappi finds the FastAPI example’s regression under uvicorn: comment_count in the first two rows', async () => {
    const fastapi = path.join(repoRoot, 'examples/fastapi');
    const target = (dir: string): Target => ({
      command: '/usr/bin/python3 -m uvicorn app:app --no-access-log --host 127.0.0.1 --port $PORT',
      dir,
      route: '/api/authors/42/stats',
    });
    const { diff, head } = await diffOf(
      ['yappi'],
      target(fastapi),
      target(path.join(fastapi, 'variants/regressed')),
    );
    expect(head.profile.exporter).toMatch(/^yappi/);
    expect(diff.slice(0, 2).map((row) => row.frame.name)).toContain('comment_count');
  }, 90_000);

  it('falls back to the next tool where the first does not import, and runs the sitecustomize it hides', async () => {
    const userPath = mkdtempSync(path.join(workDir, 'user-path-'));
    const marker = path.join(userPath, 'user-sitecustomize-ran');
    writeFileSync(path.join(userPath, 'yappi.py'), 'raise ImportError("yappi is broken here")\n');
    writeFileSync(
      path.join(userPath, 'sitecustomize.py'),
      `open(${JSON.stringify(marker)}, "w").write("yes")\n`,
    );
    const outDir = mkdtempSync(path.join(workDir, 'fallback-'));
    const { profile } = await profileOnce(
      ['yappi', 'cprofile'],
      { ...stdlibTarget(stdlib), env: { PYTHONPATH: userPath } },
      'base',
      outDir,
    );
    expect(profile.exporter).toBe('cProfile');
    expect(summarizeFunctions(profile).some((row) => row.frame.name === 'score')).toBe(true);
    expect(readFileSync(marker, 'utf8')).toBe('yes');
  }, 60_000);

  it('tracemalloc names the allocation site that grows in a leaking server, and its snapshot loads', async () => {
    const dir = path.join(repoRoot, 'test/fixtures/python-leak');
    const target = (leak: string): Target => ({
      command: 'python3 app.py',
      dir,
      route: '/render',
      env: { LEAK: leak },
    });
    const { diff, head, base } = await diffOf(['tracemalloc'], target('0'), target('1'));
    expect(head.profile.unit).toBe('bytes');
    const [first] = diff;
    expect(first?.frame).toMatchObject({ file: 'app.py' });
    expect(first?.frame.name).toContain('RENDERED.append');
    expect(first?.noise).toBe(false);
    const totalGrowth = (p: Profile) => p.stacks.reduce((sum, s) => sum + s.weight, 0);
    expect(totalGrowth(head.profile)).toBeGreaterThan(3 * totalGrowth(base.profile));
    const snapshot = (head.files ?? []).find((file) => file.endsWith('.tracemalloc'));
    expect(snapshot).toBeDefined();
    const out = execFileSync(
      'python3',
      [
        '-c',
        'import tracemalloc,sys; print(len(tracemalloc.Snapshot.load(sys.argv[1]).traces) > 0)',
        snapshot!,
      ],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('True');
  }, 90_000);

  it('tracemalloc opens its windows in time on a gunicorn server with a Flask app loaded (2 workers)', async () => {
    // A first version snapshotted the whole heap when a window opened: over 5 s per process here.
    const target: Target = {
      command: 'gunicorn -k gthread -w 2 --threads 4 -b 127.0.0.1:$PORT app:app',
      dir: path.join(repoRoot, 'examples/flask'),
      route: '/api/customers/42/summary',
      connections: 16,
    };
    const outDir = mkdtempSync(path.join(workDir, 'flask-tm-'));
    const { profile, files = [] } = await profileOnce(['tracemalloc'], target, 'head', outDir);
    expect(profile.unit).toBe('bytes');
    expect(profile.stacks.length).toBeGreaterThan(0);
    expect(files.filter((file) => file.endsWith('.tracemalloc')).length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('a server that is not Python: ProfilerUnavailable, saying no process loaded the bootstrap', async () => {
    const outDir = mkdtempSync(path.join(workDir, 'node-'));
    const script =
      "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT, '127.0.0.1')";
    mkdirSync(outDir, { recursive: true });
    const attempt = profileOnce(
      ['cprofile'],
      { command: `node -e "${script}"`, dir: outDir, route: '/' },
      'head',
      outDir,
    );
    await expect(attempt).rejects.toBeInstanceOf(ProfilerUnavailableError);
    await expect(attempt).rejects.toThrow(/no process of the server loaded perfgate's Python bootstrap/);
  }, 30_000);
});

/** Prints the files of a pstats file's functions, one per line. */
const PRINT_FILES =
  'import pstats,sys; print("\\n".join(sorted({k[0] for k in pstats.Stats(sys.argv[1]).stats})))';
