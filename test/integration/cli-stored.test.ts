// The CLI against a store folder, for real on the stdlib example: the first run has no baseline
// (notice, exit 0) and becomes one; a run of a clearly slower commit against it exits 1, having
// built and measured head alone; the history then holds both runs.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeRepo, PROFILES_OFF, runCli, STDLIB_SEARCH_CONFIG, slowedStdlibApp } from '../e2e/make-repo.js';
import { parseHistory } from '../../src/history/history-file.js';
import type { GateReport } from '../../src/model/results.js';

const config = `${STDLIB_SEARCH_CONFIG}gate:
  trials: 12
  min-trials: 6
${PROFILES_OFF}`;
// Twice the CPU per request: a stored comparison adds the run-to-run spread (7% per run by
// default) to its uncertainty, so the step must stand well clear of it.
const regressed = slowedStdlibApp(1.0);
const repo = makeRepo('stdlib', { 'app.py': regressed }, { 'perfgate.yml': config });
const store = path.join(repo.dir, 'store');
afterAll(() => repo.remove());

const readReport = (out: string): GateReport =>
  JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as GateReport;

describe('perfgate run --baseline stored --store DIR', () => {
  it('refuses a stored run without --store, or with --base, before anything runs', () => {
    const noStore = runCli(repo.dir, 'run', '--baseline', 'stored');
    expect(noStore.code).toBe(2);
    expect(noStore.stderr).toMatch(/--baseline stored needs --store <dir>/);
    const withBase = runCli(repo.dir, 'run', '--baseline', 'stored', '--store', store, '--base', 'HEAD~1');
    expect(withBase.code).toBe(2);
    expect(withBase.stderr).toMatch(/--base is not used with --baseline stored/);
    const unknown = runCli(repo.dir, 'run', '--baseline', 'nightly', '--base', 'HEAD~1');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--baseline must be same-runner or stored/);
    expect(existsSync(store)).toBe(false);
  });

  it('first run: no baseline yet, exits 0, measures head alone and stores it', () => {
    const out = path.join(repo.dir, 'out-1');
    const result = runCli(
      repo.dir,
      'run',
      '--baseline',
      'stored',
      '--store',
      store,
      '--head',
      'HEAD~1',
      '--out',
      out,
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr + result.stdout).toMatch(/no baseline yet in /);
    expect(result.stdout).toMatch(/Stored: .*runs.*report\.json \(history: 1 run\)/);
    const report = readReport(out);
    expect(report).toMatchObject({
      status: 'complete',
      mode: 'stored',
      verdict: 'inconclusive',
      comparisons: [],
    });
    expect(report.baseline).toBeUndefined();
    expect(report.trials.length).toBeGreaterThanOrEqual(6);
    expect(report.trials.every((trial) => trial.side === 'head')).toBe(true);
    expect(readdirSync(path.join(store, 'runs'))).toHaveLength(1);
  });

  it('second run on a clearly slower commit: compares with the stored run and exits 1', () => {
    const out = path.join(repo.dir, 'out-2');
    const result = runCli(
      repo.dir,
      'run',
      '--baseline',
      'stored',
      '--store',
      store,
      '--head',
      'HEAD',
      '--out',
      out,
    );
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/performance regression/);
    expect(result.stdout).toMatch(/against the stored baseline/);
    const report = readReport(out);
    const baseSha = repo.git('rev-parse', 'HEAD~1');
    expect(report).toMatchObject({
      status: 'complete',
      mode: 'stored',
      verdict: 'regression',
      base: { sha: baseSha },
      head: { sha: repo.git('rev-parse', 'HEAD') },
      baseline: { sha: baseSha, configHash: report.configHash },
    });
    // Base was neither built nor served: every reading is head's.
    expect(report.trials.every((trial) => trial.side === 'head')).toBe(true);
    const cpu = report.comparisons.find((c) => c.scenario === 'search' && c.metric === 'cpu_per_request');
    expect(cpu?.verdict).toBe('regression');
    expect(cpu?.change).toBeGreaterThan(0.1);
    const history = parseHistory(readFileSync(path.join(store, 'history.json'), 'utf8'));
    expect(history.entries.map((entry) => entry.sha)).toEqual([baseSha, repo.git('rev-parse', 'HEAD')]);
    expect(readdirSync(path.join(store, 'runs'))).toHaveLength(2);
    // The history so far, as change points and trend charts of the gated metric.
    expect(result.stdout).toMatch(/History: .*out-2.*history\.md/);
    const section = readFileSync(path.join(out, 'history.md'), 'utf8');
    expect(section).toMatch(/No change point in 2 runs/);
    expect(section).toMatch(/search · cpu\\_per\\_request/);
    expect(section).toContain('xychart-beta');
  });
});
