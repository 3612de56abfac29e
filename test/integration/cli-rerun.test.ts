// Noise hygiene against a real gunicorn: with one keep-alive connection, one of the two workers is
// always idle, so every pair is set aside and measured again, and the report says why. The servers
// are kept for the whole gate (`restart: never`).
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { makeRepo, runCli } from '../e2e/make-repo.js';

const config = `server:
  command: gunicorn -k gthread -w 2 --threads 4 -b 127.0.0.1:$PORT app:app
  ready: /healthz
  restart: never
http:
  - name: customer-summary
    path: /api/customers/42/summary
    connections: 1
    duration: 1s
    warmup: 0s
gate:
  trials: 2
`;
const repo = makeRepo('flask', {}, { 'perfgate.yml': config });
afterAll(() => repo.remove());

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
  warnings: z.array(z.string()),
});

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
    // server.restart: never: every trial of a side, re-runs included, ran on the same processes.
    expect(report.servers).toEqual({ restart: 'never', starts: 1 });
    for (const side of ['base', 'head']) {
      const trees = new Set(
        report.trials
          .filter((t) => t.side === side)
          .map((t) =>
            t.processes
              .map((p) => p.pid)
              .sort()
              .join(','),
          ),
      );
      expect(trees.size).toBe(1);
    }
  });
});
