// The action runs dist/, not src/: a commit whose dist/ was not rebuilt would ship old code.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { VERSION } from '../../src/version.js';
import { distFiles } from '../../scripts/bundle.mjs';
import { findStaleDistFiles } from '../../scripts/check-dist.mjs';

const root = path.resolve(import.meta.dirname, '../..');

describe('dist/', () => {
  it('is what `npm run build` makes from the current src/ (run `npm run build` and commit dist/)', async () => {
    // The same check as `npm run check:dist`: index.js, cli.js, load-worker.js and licenses.txt built afresh.
    expect(distFiles).toEqual([
      'index.js',
      'cli.js',
      'load-worker.js',
      'licenses.txt',
      'bootstrap/node-profile.cjs',
      'bootstrap/sitecustomize.py',
    ]);
    const stale = await findStaleDistFiles();
    expect(stale, `out of date in dist/: ${stale.join(', ')}; run npm run build`).toEqual([]);
  });

  it('`npm run check:dist` fails on a stale dist/, naming the file and what to run', () => {
    const stale = mkdtempSync(path.join(tmpdir(), 'perfgate-stale-dist-'));
    try {
      cpSync(path.join(root, 'dist'), stale, { recursive: true });
      appendFileSync(path.join(stale, 'cli.js'), '// edited by hand\n');
      const run = spawnSync(process.execPath, [path.join(root, 'scripts/check-dist.mjs'), stale], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`${stale}/cli.js`);
      expect(run.stderr).not.toContain('index.js');
      expect(run.stderr).toContain('Run `npm run build` and commit dist/');
    } finally {
      rmSync(stale, { recursive: true, force: true });
    }
  });

  it('`npm run all` checks dist/ before it rebuilds dist/', () => {
    const pkg: unknown = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      scripts: { all: expect.any(String), 'check:dist': 'node scripts/check-dist.mjs' },
    });
    const steps = (pkg as { scripts: { all: string } }).scripts.all.split('&&').map((s) => s.trim());
    expect(steps).toContain('npm run check:dist');
    expect(steps.indexOf('npm run check:dist')).toBeLessThan(steps.indexOf('npm run build'));
  });

  it('the CLI bundle runs and reports the package version', () => {
    const pkg: unknown = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ version: VERSION });
    const printed = execFileSync(process.execPath, [path.join(root, 'dist/cli.js'), '--version'], {
      encoding: 'utf8',
    });
    expect(printed.trim()).toBe(VERSION);
  });

  it('action.yml runs the bundled action on node24', () => {
    const action: unknown = parse(readFileSync(path.join(root, 'action.yml'), 'utf8'));
    expect(action).toMatchObject({ runs: { using: 'node24', main: 'dist/index.js' } });
  });
});
