// Two profiled windows per side, each on its own fresh server, measure how far two processes of the
// same code differ (the dispersion φ); the known regression's function stays above the mark built on it. Real stdlib servers, autocannon, py-spy.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServerLauncher } from '../../src/adapters/server-launcher.js';
import { createAutocannonLoad } from '../../src/adapters/autocannon-load.js';
import { startPySpy } from '../../src/adapters/py-spy.js';
import {
  diffFunctions,
  estimateDispersion,
  mergeProfiles,
  relativizeFrames,
  type Profile,
} from '../../src/profile/index.js';
import { repoRoot } from '../e2e/make-repo.js';

const workDir = mkdtempSync(path.join(tmpdir(), 'perfgate-dispersion-'));
const launcher = createServerLauncher();
const load = createAutocannonLoad();
afterAll(async () => {
  await launcher.stopAll();
  rmSync(workDir, { recursive: true, force: true });
});

const stdlib = path.join(repoRoot, 'examples/stdlib');
const route = '/search?tag=garden&q=solar+lamp&limit=20';

/** One window of 2.5 s on a fresh server of `dir`, as the profiling phase records it. */
async function window(dir: string, name: string): Promise<Profile> {
  const port = await launcher.freePort();
  const server = await launcher.start({
    label: name,
    command: 'python3 app.py',
    cwd: dir,
    env: { PORT: String(port), PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: '0' },
    port,
    readyUrl: `http://127.0.0.1:${port}/healthz`,
    startupTimeoutMs: 30_000,
    logFile: path.join(workDir, `${name}.log`),
  });
  try {
    const spec = {
      url: `${server.baseUrl}${route}`,
      method: 'GET',
      headers: {},
      connections: 8,
      pipelining: 1,
    };
    await load.run({ ...spec, durationMs: 1000 });
    const recording = await startPySpy(server.pid, { rateHz: 200, durationMs: 2500, outDir: workDir, name });
    await load.run({ ...spec, durationMs: 3000 });
    return relativizeFrames((await recording.finish()).profile, [dir]);
  } finally {
    await server.stop();
  }
}

describe('the noise mark from two windows per side', () => {
  it('measures the dispersion between real processes, and keeps the regression’s function above the wider mark', async () => {
    const regressed = path.join(stdlib, 'variants/regressed');
    // Interleaved as the phase runs them (ABBA), so a drift of the machine over time shows up
    // within each side as well as between the sides.
    const a1 = await window(stdlib, 'a1');
    const b1 = await window(stdlib, 'b1');
    const h1 = await window(regressed, 'h1');
    const h2 = await window(regressed, 'h2');
    const b2 = await window(stdlib, 'b2');
    const a2 = await window(stdlib, 'a2');
    const [a, b, h] = [
      [a1, a2],
      [b1, b2],
      [h1, h2],
    ];
    // How often A/A tables still mark a row is a rate, measured by `npm run bench:profiles -- --windows`
    // (BENCHMARKS.md "Profile windows"); here: the dispersion is measured from real processes, and the
    // wider mark still shows the regression.
    const aa = estimateDispersion([a, b]);
    expect(aa.df).toBeGreaterThan(5);
    expect(aa.phi).toBeGreaterThanOrEqual(1);
    const ab = estimateDispersion([a, h]);
    const rows = diffFunctions(mergeProfiles(a), mergeProfiles(h), {
      dispersion: { ...ab, phi: Math.max(2, ab.phi) },
    });
    expect(rows[0]).toMatchObject({ frame: { name: 'score' }, noise: false });
    // Two windows of the same code on separate processes differ by less than base and head do.
    const spread = diffFunctions(mergeProfiles(a), mergeProfiles(b)).find(
      (row) => row.frame.name === 'score',
    );
    expect(Math.abs(spread?.selfChangePp ?? 0)).toBeLessThan(Math.abs(rows[0]?.selfChangePp ?? 0) / 2);
  }, 120_000);
});
