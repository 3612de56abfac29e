/**
 * The noise mark of tracing profiles (cProfile, yappi) on real windows: every window's self shares
 * from `npm run bench:profiles -- --windows` (stdlib, Flask and FastAPI examples, 5 runs each; per
 * run two A windows, two B windows of the same base code, two windows of the regressed head, each on
 * a fresh server), replayed through the phase's own estimateDispersion and diffFunctions.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffFunctions, estimateDispersion, mergeProfiles, type Profile } from '../../src/profile/index.js';

interface Window {
  example: string;
  tool: string;
  run: number;
  window: string;
  self: Record<string, number>;
}
const data = JSON.parse(
  readFileSync(new URL('../fixtures/profiles/traced-window-shares.json', import.meta.url), 'utf8'),
) as { windows: Window[] };

/** A tracing profile with the window's self shares (one stack per function, the rest as one frame). */
function profileOf(window: Window): Profile {
  const keys = Object.keys(window.self);
  const frames = keys.map((key) => {
    const match = /^(.*) \((.*)\)$/.exec(key);
    return match ? { name: match[1] ?? key, file: match[2] ?? '' } : { name: key };
  });
  const rest = 1 - Object.values(window.self).reduce((a, b) => a + b, 0);
  return {
    unit: 'milliseconds',
    frames: [...frames, { name: '(below 0.3%)' }],
    stacks: [
      ...keys.map((key, i) => ({ frames: [i], weight: window.self[key] ?? 0 })),
      { frames: [keys.length], weight: Math.max(0, rest) },
    ],
  };
}

const runs = new Map<string, Record<string, Profile>>();
for (const window of data.windows) {
  const key = `${window.example} ${window.tool} run ${window.run + 1}`;
  const run = runs.get(key) ?? {};
  run[window.window] = profileOf(window);
  runs.set(key, run);
}
const RESPONSIBLE: Record<string, string> = {
  stdlib: 'score',
  flask: 'find_product',
  fastapi: 'comment_count',
};

function table(a: readonly Profile[], b: readonly Profile[]) {
  return diffFunctions(mergeProfiles(a), mergeProfiles(b), {
    dispersion: estimateDispersion([a, b]),
    windows: { base: a.length, head: b.length },
  });
}

describe('noise mark of tracing profiles, on 30 recorded runs', () => {
  it('has the windows of 30 runs', () => {
    expect(runs.size).toBe(30);
  });

  it('marks no row of any A/A table (base against a second base)', () => {
    const marked = [...runs].flatMap(([name, w]) =>
      table([w.a1!, w.a2!], [w.b1!, w.b2!])
        .filter((row) => !row.noise)
        .map((row) => `${name}: ${row.key} ${row.selfChangePp.toFixed(2)} pp`),
    );
    expect(marked).toEqual([]);
  });

  it('puts the function the regression made slower first and above the mark in nearly every run', () => {
    const found = [...runs].filter(([name, w]) => {
      const [example] = name.split(' ');
      const rows = table([w.a1!, w.a2!], [w.h1!, w.h2!]);
      return rows[0]?.frame.name === RESPONSIBLE[example ?? ''] && rows[0]?.noise === false;
    });
    expect(found.length).toBeGreaterThanOrEqual(29);
  });
});
