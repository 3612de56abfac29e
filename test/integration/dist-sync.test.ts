// The action runs dist/, not src/: a commit whose dist/ was not rebuilt would ship old code.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { VERSION } from '../../src/version.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('dist/', () => {
  it('is what `npm run build` makes from the current src/ (run `npm run build` and commit dist/)', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'perfgate-dist-'));
    try {
      execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), out], { cwd: root });
      for (const file of ['index.js', 'cli.js']) {
        const fresh = readFileSync(path.join(out, file), 'utf8');
        const committed = readFileSync(path.join(root, 'dist', file), 'utf8');
        expect(committed === fresh, `dist/${file} is out of date: run npm run build`).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
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
