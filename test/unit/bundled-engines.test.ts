// The bundle inlines its dependencies, so `engines` in package.json is the only promise a user gets
// about Node: every bundled package must run on the lowest Node it admits, and esbuild must emit
// syntax for that Node.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';
import { buildDist, nodeTarget, root } from '../../scripts/bundle.mjs';
import { bundledPackages } from '../../scripts/bundled-packages.mjs';

function ownEnginesNode(): string {
  const pkg: unknown = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  expect(pkg).toMatchObject({ engines: { node: expect.any(String) } });
  return (pkg as { engines: { node: string } }).engines.node;
}

describe('engines', () => {
  it("every bundled package's engines.node admits the lowest Node in package.json's engines", async () => {
    const lowest = semver.minVersion(ownEnginesNode());
    expect(lowest).not.toBeNull();
    const { inputs } = await buildDist(path.join(tmpdir(), 'perfgate-unwritten'), { write: false });
    const packages = bundledPackages(inputs, root);
    expect(packages.length).toBeGreaterThan(20);
    const refusing = packages
      .filter((p) => p.enginesNode !== undefined && !semver.satisfies(lowest!, p.enginesNode))
      .map((p) => `${p.name}@${p.version} wants node ${p.enginesNode}`);
    expect(refusing, `bundled packages that refuse Node ${lowest?.version}`).toEqual([]);
  });

  it("esbuild targets that lowest Node, and action.yml's runtime is admitted by engines", () => {
    const range = ownEnginesNode();
    expect(nodeTarget()).toBe(`node${semver.minVersion(range)?.major}`);
    const action: unknown = parse(readFileSync(path.join(root, 'action.yml'), 'utf8'));
    expect(action).toMatchObject({ runs: { using: expect.stringMatching(/^node\d+$/) } });
    const runtime = (action as { runs: { using: string } }).runs.using.slice('node'.length);
    expect(semver.satisfies(`${runtime}.0.0`, range)).toBe(true);
  });
});
