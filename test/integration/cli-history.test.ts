// `perfgate history` as a user switching from github-action-benchmark would run it: a real gab
// data.js imported into a store folder, printed as change points and trend charts, and exported
// again in gab's format; bad input is refused with exit 2 and the reason.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, runCli } from '../e2e/make-repo.js';
import { importGab } from '../../src/history/gab.js';
import { parseHistory } from '../../src/history/history-file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'perfgate-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const store = path.join(dir, 'store');
const tokio = path.join(repoRoot, 'test/fixtures/gab/tokio-cargo-data.js');

describe('perfgate history', () => {
  it('imports a github-action-benchmark data.js into the store and prints its trends', () => {
    const imported = runCli(dir, 'history', '--store', store, '--import-gab', tokio);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/Imported 7 runs from .*tokio-cargo-data\.js: .*history\.json holds 7/);
    expect(parseHistory(readFileSync(path.join(store, 'history.json'), 'utf8')).entries).toHaveLength(7);
    const shown = runCli(dir, 'history', '--store', store);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^## perfgate: history/);
    expect(shown.stdout).toMatch(/No change point in 7 runs/);
    expect(shown.stdout).toContain('xychart-beta');
    expect(shown.stdout).toContain('title "sync_mpsc: send_large (ns/iter, lower is better)"');
  });

  it('exports the store’s history as a data.js that imports back with the same runs and values', () => {
    const out = path.join(dir, 'data.js');
    const exported = runCli(dir, 'history', '--store', store, '--export-gab', out);
    expect(exported.code, exported.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('window.BENCHMARK_DATA = ')).toBe(true);
    const back = importGab(text);
    const original = importGab(readFileSync(tokio, 'utf8'));
    expect(back.entries.map((entry) => entry.sha)).toEqual(original.entries.map((entry) => entry.sha));
    const value = (h: typeof back) =>
      h.entries[6]?.points.find((p) => p.scenario === 'sync_mpsc' && p.metric === 'send_large')?.median;
    expect(value(back)).toBe(value(original));
  });

  it('refuses a tool gab does not know without --better, and a store-less call, with exit 2', () => {
    const file = path.join(dir, 'fork.js');
    const data = readFileSync(tokio, 'utf8').replaceAll('"tool": "cargo"', '"tool": "benchmarkjsInverse"');
    writeFileSync(file, data);
    const refused = runCli(dir, 'history', '--store', path.join(dir, 'other'), '--import-gab', file);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/benchmarkjsInverse/);
    expect(refused.stderr).toMatch(/better/);
    const accepted = runCli(
      dir,
      'history',
      '--store',
      path.join(dir, 'other'),
      '--import-gab',
      file,
      '--better',
      'lower',
    );
    expect(accepted.code, accepted.stderr).toBe(0);
    const noStore = runCli(dir, 'history');
    expect(noStore.code).toBe(2);
    expect(noStore.stderr).toMatch(/perfgate history needs --store <dir>/);
  });
});
