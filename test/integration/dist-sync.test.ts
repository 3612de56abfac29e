// The action runs dist/, not src/: a commit whose dist/ was not rebuilt would ship old code.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { VERSION } from '../../src/version.js';
import { distFiles } from '../../scripts/bundle.mjs';
import { findStaleDistFiles } from '../../scripts/check-dist.mjs';

const root = path.resolve(import.meta.dirname, '../..');

describe('dist/', () => {
  it('is what `npm run build` makes from the current src/ (run `npm run build` and commit dist/)', async () => {
    // The same check as `npm run check:dist`: index.js, cli.js and licenses.txt built afresh.
    expect(distFiles).toEqual(['index.js', 'cli.js', 'licenses.txt']);
    const stale = await findStaleDistFiles();
    expect(stale, `out of date in dist/: ${stale.join(', ')}; run npm run build`).toEqual([]);
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
