// One real trial of the Flask example under gunicorn (gthread, 2 workers) through the real
// adapters: every metric must come out plausible, in its documented unit.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config/index.js';
import { measureTrial, warmUp } from '../../src/measure/measure-trial.js';
import { createServerLauncher } from '../../src/adapters/server-launcher.js';
import { createAutocannonLoad } from '../../src/adapters/autocannon-load.js';
import { createProcStats } from '../../src/adapters/proc-stats.js';
import { repoRoot } from '../e2e/make-repo.js';

const exampleDir = path.join(repoRoot, 'examples', 'flask');
const logDir = mkdtempSync(path.join(tmpdir(), 'perfgate-flask-'));
const launcher = createServerLauncher();
afterAll(async () => {
  await launcher.stopAll();
  rmSync(logDir, { recursive: true, force: true });
});

describe('measuring the Flask example', () => {
  it('yields plausible numbers for every metric', async () => {
    const config = parseConfig(readFileSync(path.join(exampleDir, 'perfgate.yml'), 'utf8'), 'perfgate.yml');
    const scenario = { ...config.http[0]!, durationMs: 2000, warmupMs: 1000 };
    const port = await launcher.freePort();
    const server = await launcher.start({
      label: 'base',
      command: config.server.command.replace('$PORT', String(port)),
      cwd: exampleDir,
      env: { PORT: String(port), PYTHONDONTWRITEBYTECODE: '1' },
      port,
      readyUrl: `http://127.0.0.1:${port}${config.server.ready}`,
      startupTimeoutMs: config.server.startupTimeoutMs,
      logFile: path.join(logDir, 'server.log'),
    });
    const deps = { load: createAutocannonLoad(), stats: createProcStats(), clock: { now: () => Date.now() } };
    await warmUp(deps, server, scenario);
    const reading = await measureTrial(deps, server, scenario, { side: 'base', pair: 0, position: 0 });
    const m = reading.metrics;

    expect(reading.durationMs).toBeGreaterThan(1500);
    expect(reading.durationMs).toBeLessThan(4000);
    expect(m.throughput).toBeGreaterThan(50); // req/s; ~1,000 here, far less would mean a broken setup
    expect(m.throughput).toBeLessThan(50_000);
    expect(m.latency_p50).toBeGreaterThan(0.05); // decimal ms, not autocannon's whole ms
    expect(Number.isInteger(m.latency_p50) && Number.isInteger(m.latency_p90)).toBe(false);
    expect(m.latency_p50).toBeLessThanOrEqual(m.latency_p90);
    expect(m.latency_p90).toBeLessThanOrEqual(m.latency_p99);
    expect(m.cpu_per_request).toBeGreaterThan(0.05); // CPU ms per request: a Flask request costs real CPU
    expect(m.cpu_per_request).toBeLessThan(50);
    expect(m.rss_peak).toBeGreaterThan(20 * 1024 * 1024); // master + 2 workers of Python + Flask
    expect(m.rss_peak).toBeLessThan(2 * 1024 * 1024 * 1024);
    expect(m.error_rate).toBe(0);
    expect(reading.stealFraction).toBeGreaterThanOrEqual(0);
    expect(reading.stealFraction).toBeLessThan(1);
    // sh wrapper or master plus two workers, each with its own CPU reading
    expect(reading.processes.length).toBeGreaterThanOrEqual(3);
    expect(reading.processes.reduce((sum, p) => sum + p.cpuMs, 0)).toBeGreaterThan(0);
    expect(reading.warnings.filter((w) => w.includes('Connection: close'))).toEqual([]);
  });
});
