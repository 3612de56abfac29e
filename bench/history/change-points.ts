/**
 * `npm run bench:changepoints [-- --seeds 1000 --no-write]`
 *
 * How E-Divisive (src/history/e-divisive.ts, default options) behaves on synthetic histories:
 * - false steps: series with no step (n = 30 and 100; Gaussian noise and Student t with 3 degrees
 *   of freedom, both of sd 3% of the level): the share of series where any change point is found;
 * - detection: one step of +5%, +10% or +20% in the middle of n = 30 and n = 100 points with
 *   Gaussian noise of sd 3% (and of +10%, +20% with only minSize points after it): the share where
 *   a change point lies within ±1 of the step, the position error of the nearest change point, and
 *   the extra change points; the false-step table also counts false steps among the newest
 *   minSize entries, what `newChangePoints(…, { withinLast: minSize })` would fail a push on;
 * - cost: wall time of one call on 200 points (no step, one step, two steps).
 * Each series and its permutations have their own seed (1..seeds), so the figures reproduce.
 * Writes bench/results/change-points.json and prints its section for BENCHMARKS.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { E_DIVISIVE_DEFAULTS, eDivisive, type EDivisiveOptions } from '../../src/history/e-divisive.js';
import { createSeededRandom } from '../../src/stats/seeded-random.js';
import { clopperPearson } from '../stats/math/clopper-pearson.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1000' },
    'no-write': { type: 'boolean', default: false },
  },
});
const seeds = Number(values.seeds);
if (!Number.isInteger(seeds) || seeds < 1)
  throw new RangeError(`--seeds must be a positive integer, got ${values.seeds}`);

type Noise = 'gaussian' | 'student-t3';
const NOISE_SD = 0.03;

/** Noise of sd 1: standard normal (Box–Muller), or Student t(3) scaled by 1/√3 (its sd is √3). */
function noiseSource(kind: Noise, random: () => number): () => number {
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  if (kind === 'gaussian') return gaussian;
  return () => {
    const chiSquare = gaussian() ** 2 + gaussian() ** 2 + gaussian() ** 2;
    return gaussian() / Math.sqrt(chiSquare / 3) / Math.sqrt(3);
  };
}

/** A level of 100, × (1 + step) from `stepAt` on, times (1 + NOISE_SD·noise). */
function series(n: number, noise: Noise, seed: number, stepAt = n, step = 0): number[] {
  const draw = noiseSource(noise, createSeededRandom(seed * 7919 + n));
  return Array.from(
    { length: n },
    (_, i) => (i >= stepAt ? 100 * (1 + step) : 100) * (1 + NOISE_SD * draw()),
  );
}

const rate = (hits: number, total: number) => {
  const [low, high] = clopperPearson(hits, total);
  return { hits, total, rate: hits / total, ci95: [low, high] };
};

function falseSteps(n: number, noise: Noise, options: EDivisiveOptions) {
  let withAny = 0;
  let atNewest = 0;
  let changePoints = 0;
  for (let seed = 1; seed <= seeds; seed += 1) {
    const found = eDivisive(series(n, noise, seed), { ...options, seed });
    if (found.length > 0) withAny += 1;
    // what newChangePoints(…, { withinLast: minSize }) would fail a push run on
    if (found.some((cp) => cp.index >= n - E_DIVISIVE_DEFAULTS.minSize)) atNewest += 1;
    changePoints += found.length;
  }
  return {
    n,
    noise,
    ...rate(withAny, seeds),
    atNewestEntries: rate(atNewest, seeds),
    changePointsPerSeries: changePoints / seeds,
  };
}

function detection(n: number, step: number, stepAt = Math.floor(n / 2)) {
  let within1 = 0;
  let anyFound = 0;
  let extra = 0;
  const errors: number[] = [];
  for (let seed = 1; seed <= seeds; seed += 1) {
    const found = eDivisive(series(n, 'gaussian', seed, stepAt, step), { seed });
    if (found.length === 0) continue;
    anyFound += 1;
    const distances = found.map((cp) => Math.abs(cp.index - stepAt));
    const nearest = Math.min(...distances);
    errors.push(nearest);
    if (nearest <= 1) within1 += 1;
    extra += found.length - 1;
  }
  errors.sort((a, b) => a - b);
  const quantile = (q: number) => errors[Math.min(errors.length - 1, Math.floor(q * errors.length))] ?? null;
  return {
    n,
    stepAt,
    step,
    noiseSd: NOISE_SD,
    within1: rate(within1, seeds),
    anyFound: rate(anyFound, seeds),
    positionError: {
      mean: errors.length === 0 ? null : errors.reduce((a, b) => a + b, 0) / errors.length,
      median: quantile(0.5),
      p90: quantile(0.9),
    },
    extraChangePointsPerSeries: extra / seeds,
  };
}

function cost(label: string, values200: number[]) {
  const times: number[] = [];
  let found = 0;
  for (let run = 0; run < 5; run += 1) {
    const start = performance.now();
    found = eDivisive(values200, { seed: run + 1 }).length;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return {
    series: label,
    n: 200,
    changePoints: found,
    medianMs: times[2] ?? Number.NaN,
    maxMs: times[4] ?? Number.NaN,
  };
}

const started = Date.now();
const nulls = [30, 100].flatMap((n) =>
  (['gaussian', 'student-t3'] as const).flatMap((noise) => [
    { retest: true, ...falseSteps(n, noise, {}) },
    { retest: false, ...falseSteps(n, noise, { retest: false }) },
  ]),
);
const detections = [30, 100].flatMap((n) => [
  ...[0.05, 0.1, 0.2].map((step) => detection(n, step)),
  // the first push that can see a step: minSize entries after it
  ...[0.1, 0.2].map((step) => detection(n, step, n - E_DIVISIVE_DEFAULTS.minSize)),
]);
const costs = [
  cost('no step', series(200, 'gaussian', 1)),
  cost('+10% at 100', series(200, 'gaussian', 2, 100, 0.1)),
  cost(
    '+10% at 70, +10% at 140',
    (() => {
      const s = series(200, 'gaussian', 3);
      return s.map((v, i) => v * (i >= 70 ? 1.1 : 1) * (i >= 140 ? 1.1 : 1));
    })(),
  ),
];
const elapsedS = (Date.now() - started) / 1000;

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const ci = (r: { ci95: readonly number[] }) => `${percent(r.ci95[0] ?? 0)}–${percent(r.ci95[1] ?? 0)}`;
const heading = '## Change points (`npm run bench:changepoints`)';
const section = [
  heading,
  '',
  `E-Divisive means (src/history/e-divisive.ts: Matteson & James 2014, alpha = 1, ${E_DIVISIVE_DEFAULTS.permutations} permutations, ` +
    `p = (b+1)/(B+1) ≤ ${E_DIVISIVE_DEFAULTS.pValue}, segments of at least ${E_DIVISIVE_DEFAULTS.minSize}, then each change point re-tested ` +
    `between its neighbours as in Otava's merge step) on synthetic histories, ${seeds} seeds each; noise of sd 3% of the level. ` +
    `Raw figures: bench/results/change-points.json (${elapsedS.toFixed(0)} s on this machine).`,
  '',
  'False steps: share of no-step series where any change point is found (95% Clopper–Pearson interval); "bisection only" skips the re-test.',
  '',
  `| n | noise | series with a false step | 95% CI | change points per series | bisection only | false step at the newest ${E_DIVISIVE_DEFAULTS.minSize} entries |`,
  '|---|---|---|---|---|---|---|',
  ...[30, 100].flatMap((n) =>
    (['gaussian', 'student-t3'] as const).map((noise) => {
      const merged = nulls.find((r) => r.n === n && r.noise === noise && r.retest);
      const plain = nulls.find((r) => r.n === n && r.noise === noise && !r.retest);
      if (merged === undefined || plain === undefined) throw new Error('missing null result');
      const label = noise === 'gaussian' ? 'Gaussian' : 'Student t, 3 df';
      return `| ${n} | ${label} | ${percent(merged.rate)} | ${ci(merged)} | ${merged.changePointsPerSeries.toFixed(3)} | ${percent(plain.rate)} | ${percent(merged.atNewestEntries.rate)} |`;
    }),
  ),
  '',
  `Detection: one step in the middle (at n/2), or at n − ${E_DIVISIVE_DEFAULTS.minSize} (the newest step a series can show: ${E_DIVISIVE_DEFAULTS.minSize} entries after it), Gaussian noise of sd 3%.`,
  '',
  '| n | step at | step | found within ±1 | 95% CI | any change point | position error: median / p90 | extra change points per series |',
  '|---|---|---|---|---|---|---|---|',
  ...detections.map(
    (d) =>
      `| ${d.n} | ${d.stepAt} | +${(100 * d.step).toFixed(0)}% | ${percent(d.within1.rate)} | ${ci(d.within1)} | ${percent(d.anyFound.rate)} | ` +
      `${d.positionError.median ?? '–'} / ${d.positionError.p90 ?? '–'} | ${d.extraChangePointsPerSeries.toFixed(3)} |`,
  ),
  '',
  'Cost of one call on 200 points (median of 5 runs):',
  '',
  '| series | change points | median | max |',
  '|---|---|---|---|',
  ...costs.map(
    (c) => `| ${c.series} | ${c.changePoints} | ${c.medianMs.toFixed(0)} ms | ${c.maxMs.toFixed(0)} ms |`,
  ),
  '',
].join('\n');

const data = {
  seeds,
  noiseSd: NOISE_SD,
  options: E_DIVISIVE_DEFAULTS,
  falseSteps: nulls,
  detection: detections,
  cost: costs,
  elapsedS,
};
if (!values['no-write']) {
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(path.join(root, 'bench/results/change-points.json'), JSON.stringify(data, null, 2) + '\n');
}
process.stdout.write(section);
