// The store folder of `--baseline stored --store DIR`, on a real temporary folder: the newest run is
// the baseline, and what the folder holds that cannot be a baseline (nothing yet, a corrupt,
// oversized or other-version file, another config) is a notice, never a crash.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBaselineFolder } from '../../src/adapters/baseline-folder.js';
import { parseHistory } from '../../src/history/history-file.js';
import { renderJson } from '../../src/report/index.js';
import { makeReport } from './report-fixture.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'perfgate-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const report = makeReport('unchanged');
const hash = report.configHash;
const later = makeReport('regression', {
  head: { ref: 'main', sha: 'b'.repeat(40) },
  finishedAt: '2026-12-03T10:00:00.000Z',
  configHash: hash,
});

describe('a store folder', () => {
  it('has no baseline yet when the folder does not exist, and says what happens next', async () => {
    const read = await createBaselineFolder(path.join(dir, 'missing')).read(hash);
    expect(read.baseline).toBeUndefined();
    expect(read.notice).toMatch(
      /no baseline yet in .*missing: head was measured and is stored as the first baseline/,
    );
  });

  it('stores runs and history, and hands back the newest run as the baseline', async () => {
    const folder = createBaselineFolder(dir);
    const first = await folder.add(report);
    expect(first.historyEntries).toBe(1);
    const second = await folder.add(later);
    expect(second.historyEntries).toBe(2);
    expect(readdirSync(path.join(dir, 'runs'))).toHaveLength(2);
    const read = await folder.read(hash);
    expect(read.notice).toBeUndefined();
    expect(read.baseline?.report.head.sha).toBe('b'.repeat(40));
    expect(read.baseline?.source).toBe(second.reportPath);
    expect(read.history?.entries.map((entry) => entry.sha)).toEqual([report.head.sha, 'b'.repeat(40)]);
    const history = parseHistory(readFileSync(path.join(dir, 'history.json'), 'utf8'));
    expect(history.entries).toHaveLength(2);
  });

  it('refuses a failed run as a baseline: it is never stored', async () => {
    await expect(createBaselineFolder(dir).add(makeReport('failed'))).rejects.toThrow(/complete/);
  });

  it.each([
    ['corrupt', '{"schemaVersion": 2, "tool": {"name": "perfgate"', /not JSON|JSON/],
    ['of another tool', JSON.stringify({ ...report, tool: { name: 'other', version: '1' } }), /perfgate/],
    ['of an older schema', JSON.stringify({ ...report, schemaVersion: 1 }), /older perfgate|schema 1/],
    ['oversized', `${renderJson(report)}${' '.repeat(65 * 1024 * 1024)}`, /MiB/],
  ])('refuses a %s result file with a notice naming it, and no baseline', async (_kind, text, why) => {
    const run = path.join(dir, 'runs', '20261203T100000Z-aaaaaaa');
    mkdirSync(run, { recursive: true });
    writeFileSync(path.join(run, 'report.json'), text);
    const read = await createBaselineFolder(dir).read(hash);
    expect(read.baseline).toBeUndefined();
    expect(read.notice).toMatch(/the stored baseline was refused/);
    expect(read.notice).toContain(path.join(run, 'report.json'));
    expect(read.notice).toMatch(why);
  });

  it('does not compare across a config change', async () => {
    const folder = createBaselineFolder(dir);
    await folder.add(report);
    const read = await folder.read('f'.repeat(64));
    expect(read.baseline).toBeUndefined();
    expect(read.notice).toMatch(/measured with another config/);
  });

  it('sets an unreadable history aside instead of overwriting it, and starts a new one', async () => {
    const folder = createBaselineFolder(dir);
    writeFileSync(path.join(dir, 'history.json'), '{"tool": "perfgate", "schemaVersion": 9, "entries": []}');
    const read = await folder.read(hash);
    expect(read.history).toBeUndefined();
    expect(read.notice).toMatch(/history was not used/);
    const added = await folder.add(report);
    expect(added.warnings.join(' ')).toMatch(/renamed .*history\.json\.unreadable-/);
    expect(readdirSync(dir).some((name) => name.startsWith('history.json.unreadable-'))).toBe(true);
    expect(parseHistory(readFileSync(path.join(dir, 'history.json'), 'utf8')).entries).toHaveLength(1);
  });
});
