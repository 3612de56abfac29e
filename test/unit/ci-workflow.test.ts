// .github/workflows/ci.yml is perfgate's own CI on GitHub: its `ci` job must run what .ci/run runs
// (so a change to one that forgets the other fails here), and its `gate` job must gate this
// repository's example with the action from the checkout, the way a user's workflow would.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { parseConfig } from '../../src/config/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

const step = z.object({
  uses: z.string().optional(),
  run: z.string().optional(),
  with: z.record(z.string(), z.unknown()).optional(),
});
const job = z.object({
  if: z.string().optional(),
  'runs-on': z.string(),
  permissions: z.record(z.string(), z.string()).optional(),
  steps: z.array(step),
});
const workflow = z.object({ on: z.record(z.string(), z.unknown()), jobs: z.record(z.string(), job) });
const ci = workflow.parse(parse(read('.github/workflows/ci.yml')));

/**
 * The commands of a shell script, one per logical line: comments, blank lines and the script's
 * own scaffolding (set, cd, echo, export) dropped, continuations joined, runs of spaces collapsed,
 * and `sudo ` removed (the runner's user is not root, .ci/run's is).
 */
function commands(script: string): string[] {
  return script
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .filter((line) => !/^(set|cd|echo|export) /.test(line))
    .map((line) => line.replace(/^sudo /, ''));
}

describe('.github/workflows/ci.yml', () => {
  it('runs on pull requests and on pushes to main', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
  });

  it('has a ci job on ubuntu-latest that runs the commands of .ci/run, in order', () => {
    const job = ci.jobs.ci;
    expect(job?.['runs-on']).toBe('ubuntu-latest');
    const expected = commands(read('.ci/run'));
    expect(expected).toContain('npm test');
    expect(expected.length).toBeGreaterThan(8);
    const ran = commands((job?.steps ?? []).flatMap((s) => (s.run === undefined ? [] : [s.run])).join('\n'));
    expect(ran).toEqual(expected);
  });

  it('has a gate job that runs the action from the checkout on the example, on pull requests', () => {
    const job = ci.jobs.gate;
    expect(job?.if).toBe("github.event_name == 'pull_request'");
    expect(job?.permissions).toMatchObject({ 'pull-requests': 'write' });
    const checkout = job?.steps.find((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with).toMatchObject({ 'fetch-depth': 0, 'persist-credentials': false });
    const gate = job?.steps.filter((s) => s.uses === './') ?? [];
    expect(gate).toHaveLength(1);
    const config = gate[0]?.with?.config;
    expect(config).toEqual(expect.stringMatching(/^examples\/\w+\/perfgate\.yml$/));
    const file = String(config);
    expect(existsSync(path.join(root, file))).toBe(true);
    expect(parseConfig(read(file), file).http.length).toBeGreaterThan(0);
    const action = z.object({ inputs: z.record(z.string(), z.unknown()) }).parse(parse(read('action.yml')));
    for (const input of Object.keys(gate[0]?.with ?? {})) expect(Object.keys(action.inputs)).toContain(input);
  });
});
