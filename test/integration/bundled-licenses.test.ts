// The bundle carries third-party code without its files, so dist/licenses.txt must carry each
// bundled package's license: every package esbuild actually bundles, each with its full text.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildDist, root } from '../../scripts/bundle.mjs';
import { bundledPackages } from '../../scripts/bundled-packages.mjs';

/** dist/licenses.txt's sections: `name@version` → the license text under its `License:` line. */
function readLicenseSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const block of text.split(/^-{78}$/m).slice(1)) {
    const [title = '', licenseLine = '', ...rest] = block.trim().split('\n');
    expect(licenseLine).toMatch(/^License: \S/);
    sections.set(title.trim(), rest.join('\n').trim());
  }
  return sections;
}

describe('dist/licenses.txt', () => {
  it('names every npm package in a fresh bundle, each with a non-empty license text', async () => {
    const { inputs } = await buildDist(path.join(tmpdir(), 'perfgate-unwritten'), { write: false });
    const packages = bundledPackages(inputs, root);
    const names = packages.map((p) => p.name);
    // The bundle's known heavy dependencies, so an empty metafile cannot pass this test.
    expect(names).toEqual(
      expect.arrayContaining(['@actions/core', '@octokit/request', 'autocannon', 'yaml', 'zod']),
    );
    const sections = readLicenseSections(readFileSync(path.join(root, 'dist/licenses.txt'), 'utf8'));
    const missing = packages.map((p) => `${p.name}@${p.version}`).filter((id) => !sections.has(id));
    expect(missing, 'bundled but absent from dist/licenses.txt').toEqual([]);
    const empty = [...sections].filter(([, text]) => text.length < 100).map(([id]) => id);
    expect(empty, 'no (or a stub) license text').toEqual([]);
  });
});
