// The profile model on real py-spy recordings of the stdlib example (test/fixtures/profiles/README.md).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildProfile,
  diffFunctions,
  fromFolded,
  fromSpeedscope,
  ProfileFormatError,
  relativizeFrames,
  summarizeFunctions,
  toFolded,
  toSpeedscope,
  totalWeight,
  type Profile,
} from '../../src/profile/index.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/profiles');
const load = (name: string): unknown => JSON.parse(readFileSync(path.join(fixtures, name), 'utf8'));
const baseRoot = '/work/main/examples/stdlib';
const headRoot = '/work/main/examples/stdlib/variants/regressed';
const base = relativizeFrames(fromSpeedscope(load('stdlib-base.py-spy.speedscope.json')), [baseRoot]);
const again = relativizeFrames(fromSpeedscope(load('stdlib-base-again.py-spy.speedscope.json')), [baseRoot]);
const head = relativizeFrames(fromSpeedscope(load('stdlib-regressed.py-spy.speedscope.json')), [headRoot]);

describe('fromSpeedscope on py-spy output', () => {
  it('merges every thread into one profile and keeps py-spy’s sample count and unit', () => {
    const raw = load('stdlib-base.py-spy.speedscope.json') as { profiles: { samples: unknown[] }[] };
    const profile = fromSpeedscope(raw);
    expect(raw.profiles.length).toBeGreaterThan(1);
    const recorded = raw.profiles.reduce((n, p) => n + p.samples.length, 0);
    // Samples holding nothing but py-spy's process frame carry no function: at most a handful.
    expect(profile.sampleCount).toBeLessThanOrEqual(recorded);
    expect(profile.sampleCount).toBeGreaterThan(recorded * 0.98);
    expect(profile.unit).toBe('seconds');
    expect(profile.exporter).toMatch(/^py-spy@/);
    // 200 Hz: every sample weighs 5 ms.
    expect(totalWeight(profile)).toBeCloseTo((profile.sampleCount ?? 0) * 0.005, 6);
  });

  it('drops py-spy’s synthetic process root frames so base and head stacks line up', () => {
    for (const profile of [base, head]) {
      expect(profile.frames.some((f) => /^process \d+:/.test(f.name))).toBe(false);
    }
  });

  it('shows files relative to the checkout and the Python installation, never absolute', () => {
    const files = new Set([...base.frames, ...head.frames].map((f) => f.file));
    expect(files).toContain('app.py');
    expect([...files].some((f) => f?.startsWith('python3.11/'))).toBe(true);
    expect([...files].filter((f) => f?.startsWith('/'))).toEqual([]);
  });
});

describe('diffFunctions', () => {
  it('puts the function the regression made slower first, well above the noise mark', () => {
    const rows = diffFunctions(base, head);
    const first = rows[0];
    expect(first?.key).toBe('score (app.py)');
    expect(first?.noise).toBe(false);
    expect(first?.selfChangePp).toBeGreaterThan(15);
    expect(first?.base.self).toBeGreaterThan(0.2);
    expect(first?.head.self).toBeGreaterThan(first?.base.self ?? 1);
  });

  it('puts no function above the noise mark for an A/A pair (two recordings of base)', () => {
    const real = diffFunctions(base, again).filter((row) => !row.noise);
    expect(real.map((row) => `${row.key} ${row.selfChangePp.toFixed(1)} pp`)).toEqual([]);
  });

  it('mirrors when base and head swap, and shares on each side sum to 1', () => {
    const forward = diffFunctions(base, head);
    const backward = new Map(diffFunctions(head, base).map((row) => [row.key, row]));
    for (const row of forward) expect(backward.get(row.key)?.selfChangePp).toBeCloseTo(-row.selfChangePp, 9);
    for (const profile of [base, head]) {
      const selfSum = summarizeFunctions(profile).reduce((sum, row) => sum + row.self, 0);
      expect(selfSum).toBeCloseTo(1, 9);
    }
  });

  it('marks by the floor alone when a profile was traced, not sampled', () => {
    const traced = (weight: number): Profile =>
      buildProfile('milliseconds', [
        { frames: [{ name: 'main' }, { name: 'work', file: 'app.py', line: 3 }], weight },
        { frames: [{ name: 'main' }], weight: 100 - weight },
      ]);
    const [small] = diffFunctions(traced(50), traced(50.5));
    const [large] = diffFunctions(traced(50), traced(52));
    expect(small).toMatchObject({ key: 'work (app.py)', noise: true });
    expect(large).toMatchObject({ key: 'work (app.py)', noise: false });
  });
});

describe('functions whose lines moved', () => {
  it('meet themselves in the diff when an edit above them moved their first line', () => {
    const at = (line: number, weight: number): Profile =>
      buildProfile('none', [
        { frames: [{ name: 'main' }, { name: 'search.<locals>.<lambda>', file: 'app.py', line }], weight },
        { frames: [{ name: 'main' }], weight: 100 - weight },
      ]);
    const rows = diffFunctions(at(78, 7), at(84, 7));
    const lambda = rows.filter((row) => row.frame.name === 'search.<locals>.<lambda>');
    expect(lambda).toHaveLength(1);
    expect(lambda[0]).toMatchObject({ selfChangePp: 0, frame: { line: 84 } });
  });

  it('in the real recordings: no function of app.py appears from nothing or vanishes', () => {
    const appRows = diffFunctions(base, head).filter((row) => row.frame.file === 'app.py');
    const appeared = appRows.filter((row) => row.base.total === 0 && row.head.total > 0.02);
    expect(appeared.map((row) => row.key)).toEqual([]);
  });
});

describe('summarizeFunctions', () => {
  it('counts a recursive function once per stack in its total share', () => {
    const f = { name: 'walk', file: 't.py', line: 1 };
    const profile = buildProfile('none', [
      { frames: [{ name: 'main' }, f, f, f], weight: 3 },
      { frames: [{ name: 'main' }], weight: 1 },
    ]);
    const walk = summarizeFunctions(profile).find((row) => row.key === 'walk (t.py)');
    expect(walk).toMatchObject({ self: 0.75, total: 0.75 });
  });
});

describe('conversions', () => {
  it('round-trips through speedscope with the same hot functions', () => {
    const written = JSON.parse(JSON.stringify(toSpeedscope(head, 'head · search (py-spy)'))) as unknown;
    const read = fromSpeedscope(written);
    expect(summarizeFunctions(read)).toEqual(summarizeFunctions(head));
    expect(read.sampleCount).toBe(head.stacks.length);
  });

  it('round-trips through folded stacks (weights in whole ms) with the same shares', () => {
    const folded = toFolded(head, { scale: 0.001 });
    expect(folded.split('\n')[0]).toMatch(/^[^;]+(;[^;]+)* \d+$/);
    const read = fromFolded(folded, 'milliseconds');
    const shares = (p: Profile) => summarizeFunctions(p).map((row) => [row.key, row.self.toFixed(6)]);
    expect(shares(read)).toEqual(shares(head));
  });

  it('turns an evented profile into the time each stack was on top', () => {
    const evented = {
      $schema: 'https://www.speedscope.app/file-format-schema.json',
      shared: { frames: [{ name: 'main' }, { name: 'work', file: 'a.py', line: 2 }] },
      profiles: [
        {
          type: 'evented',
          name: 'one',
          unit: 'milliseconds',
          startValue: 0,
          endValue: 10,
          events: [
            { type: 'O', at: 0, frame: 0 },
            { type: 'O', at: 2, frame: 1 },
            { type: 'C', at: 9, frame: 1 },
            { type: 'C', at: 10, frame: 0 },
          ],
        },
      ],
    };
    const rows = summarizeFunctions(fromSpeedscope(evented));
    expect(rows.map((row) => [row.key, row.self, row.total])).toEqual([
      ['work (a.py)', 0.7, 0.7],
      ['main', 0.3, 1],
    ]);
  });

  it('refuses what is not a speedscope file, saying where', () => {
    expect(() => fromSpeedscope({ profiles: [] })).toThrow(ProfileFormatError);
    expect(() => fromSpeedscope({ profiles: [] })).toThrow(/\$schema/);
    const badIndex = {
      $schema: 'https://www.speedscope.app/file-format-schema.json',
      shared: { frames: [{ name: 'main' }] },
      profiles: [
        { type: 'sampled', unit: 'none', startValue: 0, endValue: 1, samples: [[0, 3]], weights: [1] },
      ],
    };
    expect(() => fromSpeedscope(badIndex)).toThrow(/frame 3 of 1/);
    expect(() => fromFolded('main;work 3\nmain;oops\n')).toThrow(/line 2/);
  });
});
