import { describe, expect, it } from 'vitest';
import { signedRankNullCounts } from '../../src/stats/signed-rank-null-counts.js';
import { SIGNED_RANK_EXACT_BELOW_N, signedRankInference } from '../../src/stats/signed-rank-inference.js';
import { createSeededRandom } from '../../src/stats/seeded-random.js';
import { relativeError, signedRankReference } from '../fixtures/stats/reference.js';

const twoSided = (d: readonly number[]): number => {
  const inference = signedRankInference(d);
  return Math.min(1, 2 * Math.min(inference.pAbove(0), inference.pBelow(0)));
};

// The SciPy/NumPy reference (test/fixtures/stats): where no difference is zero and no |d| ties, our
// statistic is Wilcoxon's, so p, estimate and interval must agree with it exactly.
const untied = signedRankReference.cases.filter(
  (c) => c.method === 'exact' && c.d.every((x) => x !== 0) && c.n < SIGNED_RANK_EXACT_BELOW_N,
);

describe('signedRankInference against the SciPy/NumPy reference (untied, no zeros, n < 50)', () => {
  it('covers the reference cases it should', () => {
    expect(untied.map((c) => c.name)).toContain('Hollander-Wolfe depression');
    expect(untied.length).toBeGreaterThanOrEqual(10);
  });

  it.each(untied)(
    '$name: p, Hodges–Lehmann estimate and interval',
    ({ d, pValue, hodgesLehmann, level, ci }) => {
      const inference = signedRankInference(d);
      expect(relativeError(twoSided(d), pValue)).toBeLessThan(1e-12);
      expect(relativeError(inference.estimate, hodgesLehmann)).toBeLessThan(1e-14);
      const interval = inference.interval((1 - level) / 2);
      expect([interval.low, interval.high]).toEqual(ci);
    },
  );

  it('switches to the normal approximation at n = 50, as R (exact = n < 50), not SciPy (n ≤ 50)', () => {
    const boundary = signedRankReference.cases.find((c) => c.name === 'n=50 exact boundary');
    const d49 = Array.from({ length: 49 }, (_, i) => 0.001 * (i + 1));
    // Exact: every Walsh average above 0 has probability 2⁻⁴⁹.
    expect(signedRankInference(d49).pAbove(0)).toBe(2 ** -49);
    expect(boundary).toBeDefined();
    if (boundary === undefined) return;
    // SciPy's exact p and our normal one differ at n = 50; both are small for this shifted sample.
    expect(twoSided(boundary.d)).not.toBe(boundary.pValue);
    expect(relativeError(twoSided(boundary.d), boundary.pValue)).toBeLessThan(0.5);
  });
});

describe('signedRankInference: the test and its interval never disagree', () => {
  // Data with zeros and ties (quantised metrics, identical readings), where R's and SciPy's test
  // (zeros dropped) and interval (zeros kept) can disagree.
  const samples: number[][] = [];
  const random = createSeededRandom(42);
  for (let s = 0; s < 60; s += 1) {
    const n = 3 + Math.floor(random() * 30);
    samples.push(
      Array.from({ length: n }, () => {
        const u = random();
        if (u < 0.25) return 0;
        return Math.round((random() - 0.35) * 20) / 100;
      }),
    );
  }

  it('rejects H0 θ ≤ δ at one-sided level a exactly when the interval at a starts above δ, for every δ', () => {
    for (const d of samples) {
      const inference = signedRankInference(d);
      for (const tail of [0.0068, 0.0261, 0.05]) {
        const { low, high, confidence } = inference.interval(tail);
        // Below its reachable level the widest interval is used and says so.
        if (confidence < 1 - 2 * tail) continue;
        const deltas = [...new Set([...d, ...d.map((x) => x / 2), 0, low, high, low - 1e-9, high + 1e-9])];
        for (const delta of deltas) {
          expect(inference.pAbove(delta) <= tail, `d=${d.join(',')} tail=${tail} δ=${delta}`).toBe(
            low > delta,
          );
          expect(inference.pBelow(delta) <= tail, `d=${d.join(',')} tail=${tail} δ=${delta}`).toBe(
            high < delta,
          );
        }
      }
    }
  });

  it('does not call 10 unchanged pairs and 10 slower ones significant while the interval touches 0', () => {
    // The repro: R/SciPy drop the zeros (p = 0.0059) while the interval keeps them ([0, +9%]).
    const d = [
      ...Array.from({ length: 10 }, () => 0),
      ...Array.from({ length: 10 }, (_, i) => Math.log(1.08 + 0.01 * i)),
    ];
    const inference = signedRankInference(d);
    const interval = inference.interval(0.025);
    expect(interval.low).toBe(0);
    expect(twoSided(d)).toBeGreaterThan(0.05);
    expect(Math.expm1(inference.estimate)).toBeCloseTo(0.0607, 3);
  });

  it('mirrors when base and head swap and scales with the data', () => {
    const d = [0.12, -0.03, 0.08, 0.15, 0.02, 0.11, -0.01, 0.09, 0.05];
    const forward = signedRankInference(d);
    const mirrored = signedRankInference(d.map((x) => -x));
    const scaled = signedRankInference(d.map((x) => x * 4));
    expect(mirrored.estimate).toBe(-forward.estimate);
    expect(mirrored.pAbove(0)).toBe(forward.pBelow(0));
    const [f, m, s] = [forward, mirrored, scaled].map((x) => x.interval(0.025));
    expect([m?.low, m?.high]).toEqual([-(f?.high ?? 0), -(f?.low ?? 0)]);
    expect([s?.low, s?.high]).toEqual([(f?.low ?? 0) * 4, (f?.high ?? 0) * 4]);
    expect(scaled.pAbove(0.2)).toBe(forward.pAbove(0.05));
  });

  it('labels the interval with the confidence it has: the widest one when n cannot reach the level', () => {
    const three = signedRankInference([0.3, -0.1, 0.2]).interval(0.025);
    expect([three.low, three.high]).toEqual([-0.1, 0.3]);
    expect(three.confidence).toBe(0.75); // 1 − 2·2⁻³
    const ten = signedRankInference([0.1, 0.2, -0.05, 0.3, 0.12, 0.07, 0.01, 0.22, 0.15, -0.02]).interval(
      0.025,
    );
    // n = 10: k = 9, P(V ≤ 8) = 25/1024, so 1 − 2·25/1024.
    expect(ten.confidence).toBeCloseTo(1 - 50 / 1024, 12);
    const counts = signedRankNullCounts(10);
    expect(counts.slice(0, 9).reduce((a, b) => a + b, 0)).toBe(25);
  });

  it('keeps zeros in the estimate and counts them as no change in the test', () => {
    expect(signedRankInference([0, 0, 0, 0, 0.1]).estimate).toBe(0);
    expect(signedRankInference([0, 0, 0, 0, 0, 0]).pAbove(0)).toBe(1);
    // Six positive differences: 2⁻⁶; with six more zeros, far from significant.
    expect(signedRankInference([1, 2, 3, 4, 5, 6]).pAbove(0)).toBe(1 / 64);
    expect(signedRankInference([0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6]).pAbove(0)).toBeGreaterThan(0.05);
  });

  it('covers the true centre about as often as its confidence says (n = 10 and n = 60)', () => {
    const random = createSeededRandom(7);
    for (const [n, repetitions] of [
      [10, 3000],
      [60, 600],
    ] as const) {
      let covered = 0;
      let confidence = 0;
      for (let i = 0; i < repetitions; i += 1) {
        const d = Array.from(
          { length: n },
          () => 0.05 + 0.1 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
        );
        const interval = signedRankInference(d).interval(0.025);
        confidence = interval.confidence;
        if (interval.low <= 0.05 && 0.05 <= interval.high) covered += 1;
      }
      const sd = Math.sqrt((confidence * (1 - confidence)) / repetitions);
      expect(covered / repetitions).toBeGreaterThan(confidence - 4 * sd);
      expect(covered / repetitions).toBeLessThan(confidence + 4 * sd);
    }
  });

  it('rejects empty and non-finite samples and impossible levels', () => {
    expect(() => signedRankInference([])).toThrow(RangeError);
    expect(() => signedRankInference([0.1, Number.NaN])).toThrow(RangeError);
    expect(() => signedRankInference([0.1, 0.2]).interval(0.5)).toThrow(RangeError);
  });
});
