// The noise mark's dispersion from replicate windows (estimateDispersion), on real py-spy recordings
// of the stdlib example (two fresh processes of the same code) and on profiles built to a known spread.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildProfile,
  diffFunctions,
  estimateDispersion,
  fromSpeedscope,
  mergeProfiles,
  relativizeFrames,
} from '../../src/profile/index.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/profiles');
const load = (name: string, root: string) =>
  relativizeFrames(fromSpeedscope(JSON.parse(readFileSync(path.join(fixtures, name), 'utf8'))), [root]);
const base = load('stdlib-base.py-spy.speedscope.json', '/work/main/examples/stdlib');
const again = load('stdlib-base-again.py-spy.speedscope.json', '/work/main/examples/stdlib');
const head = load('stdlib-regressed.py-spy.speedscope.json', '/work/main/examples/stdlib/variants/regressed');

/** A sampled window of `n` samples: `hot` holds `share` of them, `rest` the others. */
const sampled = (n: number, share: number) =>
  buildProfile(
    'seconds',
    [
      { frames: [{ name: 'main' }, { name: 'hot', file: 'app.py' }], weight: share * n * 0.005 },
      { frames: [{ name: 'main' }, { name: 'rest', file: 'app.py' }], weight: (1 - share) * n * 0.005 },
    ],
    { sampleCount: n },
  );

describe('estimateDispersion', () => {
  it('is Pearson χ² over its degrees of freedom: two windows of 1000 samples at 30% and 40%', () => {
    // pooled 35%; χ² = Σ n(p−p̄)²/(p̄(1−p̄)) = 2·1000·0.05²/(0.35·0.65) = 21.98 for `hot`, the same
    // for `rest` (its share mirrors hot's), `main` (100%) adds nothing: φ = 43.96 / 2.
    const d = estimateDispersion([[sampled(1000, 0.3), sampled(1000, 0.4)]]);
    expect(d.df).toBe(2);
    expect(d.per).toBe('samples');
    expect(d.phi).toBeCloseTo((2 * (2 * 1000 * 0.05 ** 2)) / (0.35 * 0.65) / 2, 6);
  });

  it('is never below 1 for sampled windows, and measures nothing from one window per side', () => {
    expect(estimateDispersion([[sampled(1000, 0.3), sampled(1000, 0.3)]]).phi).toBe(1);
    expect(estimateDispersion([[base], [head]])).toEqual({ phi: 1, df: 0, per: 'samples' });
  });

  it('widens the mark when windows of one side disagree: a 5 pp change is then noise', () => {
    const spread = estimateDispersion([
      [sampled(5000, 0.3), sampled(5000, 0.4)],
      [sampled(5000, 0.33), sampled(5000, 0.42)],
    ]);
    const b = mergeProfiles([sampled(5000, 0.3), sampled(5000, 0.4)]);
    const h = mergeProfiles([sampled(5000, 0.38), sampled(5000, 0.42)]);
    const hot = (rows: ReturnType<typeof diffFunctions>) => rows.find((row) => row.frame.name === 'hot');
    expect(hot(diffFunctions(b, h))?.noise).toBe(false); // binomial × 2: a 5 pp change is real
    expect(hot(diffFunctions(b, h, { dispersion: spread }))?.noise).toBe(true);
  });

  it('on the recorded stdlib example, A/A processes spread beyond binomial, and the regression stays far above', () => {
    const aa = estimateDispersion([[base, again]]);
    expect(aa.df).toBeGreaterThan(5);
    expect(aa.phi).toBeGreaterThan(1);
    const [first] = diffFunctions(base, head, { dispersion: aa });
    expect(first).toMatchObject({ frame: { name: 'score' }, noise: false });
  });

  it('uses one observation per window for traced profiles (no sample counts)', () => {
    const traced = (share: number) =>
      buildProfile('seconds', [
        { frames: [{ name: 'hot', file: 'app.py' }], weight: share },
        { frames: [{ name: 'rest', file: 'app.py' }], weight: 1 - share },
      ]);
    const d = estimateDispersion([[traced(0.3), traced(0.4)]]);
    expect(d.per).toBe('windows');
    expect(d.phi).toBeCloseTo((2 * (2 * 0.05 ** 2)) / (0.35 * 0.65) / 2, 6);
    const rows = diffFunctions(
      mergeProfiles([traced(0.3), traced(0.4)]),
      mergeProfiles([traced(0.4), traced(0.5)]),
      {
        dispersion: d,
        windows: { base: 2, head: 2 },
      },
    );
    // Mark: 2.576·√(φ·p̄(1−p̄)·(1/2+1/2))·100 with p̄ 0.4 ≈ 12.7 pp > the 10 pp change.
    expect(rows.find((row) => row.frame.name === 'hot')?.noise).toBe(true);
  });

  it('widens the mark with the number of rows that could be marked (Bonferroni over the table)', () => {
    // One candidate row: z = 2.576; twenty: z = Φ⁻¹(1 − 0.01/40) ≈ 3.48. A change of about 3 z-units
    // of a lone function is real; the same change among twenty functions of like size is not.
    const profile = (hot: number, others: number) =>
      buildProfile(
        'seconds',
        [
          { frames: [{ name: 'hot', file: 'app.py' }], weight: hot },
          ...Array.from({ length: others }, (_, i) => ({
            frames: [{ name: `f${i}`, file: 'app.py' }],
            weight: (1 - hot) / others,
          })),
        ],
        { sampleCount: 10_000 },
      );
    const lone = diffFunctions(profile(0.3, 1), profile(0.33, 1));
    const crowd = diffFunctions(profile(0.3, 19), profile(0.33, 19));
    expect(lone.find((row) => row.frame.name === 'hot')?.noise).toBe(false);
    expect(crowd.find((row) => row.frame.name === 'hot')?.noise).toBe(true);
    expect(
      diffFunctions(profile(0.3, 19), profile(0.33, 19), { z: 2.576 }).find((row) => row.frame.name === 'hot')
        ?.noise,
    ).toBe(false);
  });
});
