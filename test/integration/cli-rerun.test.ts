// Noise hygiene against a real gunicorn: with one keep-alive connection, one of the two workers is
// always idle, so every pair is set aside and measured again, and the report says how often and why.
// With `restart: never` the re-runs use the same servers; with `restart: pair` fresh ones.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { makeRepo, PROFILES_OFF, runCli } from '../e2e/make-repo.js';

const configWith = (restart: 'never' | 'pair'): string => `server:
  command: gunicorn -k gthread -w 2 --threads 4 -b 127.0.0.1:$PORT app:app
  ready: /healthz
  restart: ${restart}
http:
  - name: customer-summary
    path: /api/customers/42/summary
    connections: 1
    duration: 1s
    warmup: 0s
gate:
  trials: 2
${PROFILES_OFF}`;
const repo = makeRepo('flask', {}, { 'perfgate.yml': configWith('never') });
const fresh = makeRepo('flask', {}, { 'perfgate.yml': configWith('pair') });
afterAll(() => {
  repo.remove();
  fresh.remove();
});

const reportShape = z.object({
  trials: z.array(
    z.object({
      pair: z.number(),
      side: z.enum(['base', 'head']),
      discarded: z.string().optional(),
      warnings: z.array(z.string()),
      processes: z.array(z.object({ pid: z.number() })),
    }),
  ),
  servers: z.object({ restart: z.string(), starts: z.number() }),
  reruns: z.object({
    count: z.number(),
    reasons: z.array(z.string()),
    spentMs: z.number(),
    capMs: z.number(),
    refused: z.number(),
    redeals: z.number(),
  }),
  warnings: z.array(z.string()),
});

const treeOf = (trial: { processes: { pid: number }[] }): string =>
  trial.processes
    .map((p) => p.pid)
    .sort()
    .join(',');

describe('a pair with a worker left idle', () => {
  it('is set aside and measured again, then kept with a warning once re-runs run out', () => {
    const out = path.join(repo.dir, 'out');
    const result = runCli(repo.dir, 'run', '--base', 'HEAD~1', '--out', out);
    expect([0, 1]).toContain(result.code);
    const report = reportShape.parse(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')));
    const setAside = report.trials.filter((t) => t.discarded !== undefined);
    expect(setAside.length).toBeGreaterThanOrEqual(2);
    expect(setAside[0]?.discarded).toMatch(/worker pid \d+ idle/);
    expect(report.trials.filter((t) => t.discarded === undefined)).toHaveLength(4); // 2 pairs × 2 sides
    expect(report.warnings.join('\n')).toMatch(/was kept although .*idle/);
    expect(report.trials.flatMap((t) => t.warnings).join('\n')).toMatch(/connections/);
    expect(result.stderr).toMatch(/set aside .*measuring it again/);
    // 2 pairs × 2 re-runs each, well inside the re-run cap (a quarter of the 160 s default budget).
    expect(report.reruns.count).toBe(4);
    expect(report.reruns.reasons[0]).toMatch(/^pair \d customer-summary: (base|head): worker pid \d+ idle/);
    expect(report.reruns.capMs).toBe(40_000);
    expect(report.reruns.spentMs).toBeLessThanOrEqual(report.reruns.capMs);
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(
      /Re-runs.*4 set-aside pairs measured again on the same servers/,
    );
    // server.restart: never: every trial of a side, re-runs included, ran on the same processes.
    expect(report.servers).toEqual({ restart: 'never', starts: 1 });
    for (const side of ['base', 'head']) {
      const trees = new Set(report.trials.filter((t) => t.side === side).map(treeOf));
      expect(trees.size).toBe(1);
    }
  });

  it('is measured again on fresh servers with `restart: pair`', () => {
    const out = path.join(fresh.dir, 'out');
    const result = runCli(fresh.dir, 'run', '--base', 'HEAD~1', '--out', out);
    expect([0, 1]).toContain(result.code);
    const report = reportShape.parse(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')));
    expect(report.reruns.count).toBe(4);
    // 1 + 4 re-runs + 1 more pair: every attempt on its own base and head processes.
    expect(report.servers).toEqual({ restart: 'pair', starts: 6 });
    expect(result.stderr).toMatch(/pair 1 again: fresh servers/);
    for (const side of ['base', 'head']) {
      const trials = report.trials.filter((t) => t.side === side);
      expect(new Set(trials.map(treeOf)).size).toBe(trials.length);
    }
  });
});
