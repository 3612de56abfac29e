// The CLI gating the stdlib example for real: a large regression stops the gate at its first
// planned look, on fresh server processes for every pair, and everything measured is in report.json
// and trials.jsonl.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { makeRepo, PROFILES_OFF, repoRoot, runCli, STDLIB_SEARCH_CONFIG } from '../e2e/make-repo.js';

const config = `${STDLIB_SEARCH_CONFIG}gate:
  trials: 16
  min-trials: 8
${PROFILES_OFF}`;
const trialShape = z.object({
  side: z.enum(['base', 'head']),
  processes: z.array(z.object({ pid: z.number() })),
});

/** The distinct server process trees the trials ran on, each as its sorted pids. */
function serverProcesses(trials: readonly z.infer<typeof trialShape>[]): Set<string> {
  return new Set(
    trials.map((t) =>
      t.processes
        .map((p) => p.pid)
        .sort((a, b) => a - b)
        .join(','),
    ),
  );
}

const regressed = readFileSync(path.join(repoRoot, 'examples/stdlib/variants/regressed/app.py'), 'utf8');
const repo = makeRepo('stdlib', { 'app.py': regressed }, { 'perfgate.yml': config });
afterAll(() => repo.remove());

describe('perfgate run on a known regression', () => {
  it('exits 1 after the first look (8 of up to 16 pairs) and keeps every trial', () => {
    const out = path.join(repo.dir, 'out');
    const result = runCli(repo.dir, 'run', '--base', 'HEAD~1', '--out', out);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/performance regression/);
    expect(result.stderr).toMatch(/look 1 of 3 after 8 pairs: regression/);
    const report: unknown = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report).toMatchObject({
      status: 'complete',
      verdict: 'regression',
      sequential: { looks: [8, 12, 16], stoppedAfterPairs: 8 },
    });
    const lines = readFileSync(path.join(out, 'trials.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(16); // 8 pairs × (base + head)
    // server.restart defaults to pair: every pair ran on fresh server processes of both sides.
    expect(report).toMatchObject({ servers: { restart: 'pair', starts: 8 } });
    const trials = lines.map((line) => trialShape.parse(JSON.parse(line)));
    for (const side of ['base', 'head'])
      expect(serverProcesses(trials.filter((t) => t.side === side)).size).toBe(8);
    expect(serverProcesses(trials).size).toBe(16);
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/stopped after 8 pairs/);
  });
});
