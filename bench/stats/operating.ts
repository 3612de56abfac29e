/**
 * `npm run bench:oc [-- --gates 2000 --seed 20261202]`
 *
 * The operating characteristic of perfgate's verdict rule (docs/statistics.md): P(regression),
 * P(unchanged), P(inconclusive) of whole sequential gates at true changes of 0, ½, 1, 1.5 and 2 ×
 * the threshold, by simulation at several per-pair noise levels and by replay of the recorded A/A
 * pool (bench/pools/aa.jsonl) with head's cpu_per_request scaled by the true change. Looks planned for
 * the 12 pairs the default budget fits, and for all 20 pairs (a budget that never binds). Writes
 * bench/results/operating-characteristic.json and its section of BENCHMARKS.md.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULTS } from '../../src/config/defaults.js';
import type { GateConfig } from '../../src/config/types.js';
import {
  measureOperatingPoint,
  replayedPairs,
  simulatedPairs,
  type OperatingPoint,
  type PairSource,
} from './operating-characteristic.js';
import { measureTrueEffect } from './measure-true-effect.js';
import { readPool } from './pool-file.js';
import { DEFAULT_BUDGET_PAIRS } from './rules/perfgate.js';
import { writeResults } from './write-results.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    gates: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '20261202' },
    'no-write': { type: 'boolean', default: false },
  },
});
const gates = Number(values.gates);
const seed = Number(values.seed);
if (!Number.isInteger(gates) || gates < 1)
  throw new Error(`--gates must be a positive integer, got ${values.gates}`);

const gate: GateConfig = {
  ...DEFAULTS.gate,
  budgetMs: Number.MAX_SAFE_INTEGER,
  metrics: ['cpu_per_request'],
};
const threshold = gate.threshold;
const MULTIPLES = [0, 0.5, 1, 1.5, 2];
/** Per-pair sd of ln(head/base): 3% a quiet runner, 6.5% cpu_per_request on examples/stdlib (2 s trials), 11.5% its latency_p50. */
const NOISE = [0.03, 0.065, 0.115];
const DESIGNS = [
  {
    name: `looks planned for ${DEFAULT_BUDGET_PAIRS} pairs (what the default budget fits)`,
    fitPairs: DEFAULT_BUDGET_PAIRS,
  },
  { name: `looks planned for ${gate.trials} pairs (a budget that never binds)`, fitPairs: gate.trials },
];

interface Row {
  readonly source: string;
  readonly design: string;
  readonly multiple: number;
  readonly trueChange: number;
  readonly point: OperatingPoint;
}

const aaFile = path.join(root, 'bench/pools/aa.jsonl');
const aa = existsSync(aaFile) ? readPool(aaFile) : undefined;
const aaChange = aa === undefined ? 0 : measureTrueEffect(aa.pairs, 'cpu_per_request').change;
const sources: { name: string; make: (change: number) => PairSource }[] = [
  ...NOISE.map((sd) => ({
    name: `simulated, per-pair sd ${(sd * 100).toFixed(1)}%`,
    make: (change: number) => simulatedPairs('cpu_per_request', change, sd),
  })),
  ...(aa === undefined
    ? []
    : [
        {
          name: `replayed: recorded A/A pool (${aa.pairs.length} pairs, examples/stdlib)`,
          make: (change: number) => replayedPairs(aa.pairs, 'cpu_per_request', change, aaChange),
        },
      ]),
];

const started = Date.now();
const rows: Row[] = [];
for (const design of DESIGNS) {
  for (const [s, source] of sources.entries()) {
    for (const [m, multiple] of MULTIPLES.entries()) {
      const trueChange = multiple * threshold;
      const point = measureOperatingPoint({
        gate,
        fitPairs: design.fitPairs,
        source: source.make(trueChange),
        gates,
        seed: seed + 1000 * s + m,
      });
      rows.push({ source: source.name, design: design.name, multiple, trueChange, point });
    }
  }
}

const HEADING = '## Operating characteristic of the verdict rule (`npm run bench:oc`)';
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}`;
const lines = [
  HEADING,
  '',
  `Date ${new Date().toISOString()} (${machine}). Command: \`npm run bench:oc -- --gates ${gates} --seed ${seed}\`. ` +
    'Raw results: `bench/results/operating-characteristic.json`.',
  '',
  `**What is measured.** ${gates} whole gates per row through the real planned looks (\`planSequentialDesign\`, ` +
    '`evaluateLook`: alpha spending, the threshold rule, the stop rules), gating cpu_per_request at the defaults ' +
    `(threshold ${pct(threshold)}, alpha ${gate.alpha}, first look after ${gate.minTrials} pairs, then every 4). ` +
    'Each gate ends on one verdict; the columns are the share of gates that ended on each. ' +
    '"Simulated" pairs have a log-ratio of ln(1 + change) + sd·z (normal z); "replayed" pairs are random windows of ' +
    "consecutive pairs of the recorded A/A pool with head's cpu_per_request multiplied by (1 + change) / " +
    `(1 ${aaChange < 0 ? '−' : '+'} ${pct(Math.abs(aaChange))}), the pool's own A/A change (Hodges–Lehmann over all its pairs), ` +
    "so the whole pool's change is exactly the true change and the noise is the runner's own (steal, drift, " +
    'process differences, and windows that depart from the pool as a whole).',
  '',
  `**What the rule promises** (docs/statistics.md): a true change of half the threshold (${pct(threshold / 2)}) or less ` +
    `fails a gate at most alpha = ${gate.alpha} of the time (column P(regression) at 0 and ½ × threshold); a true ` +
    `change of the threshold or more is called unchanged at most alpha of the time (P(unchanged) at 1, 1.5, 2 ×). ` +
    'Between ½ and 1 × the threshold either verdict may be given. Binomial standard error of a rate p: √(p(1−p)/gates); ' +
    `replayed windows overlap heavily (the ${aa?.pairs.length ?? 0}-pair pool holds only a dozen or so disjoint windows), ` +
    'so replayed rates are less certain than that, and they also carry whatever departs from independent pairs in the ' +
    "runner's real noise, which the guarantees assume away.",
  '',
];
for (const design of DESIGNS) {
  lines.push(`### ${design.name[0]?.toUpperCase()}${design.name.slice(1)}`, '');
  lines.push(
    '| pairs | true change | P(regression) | P(unchanged) | P(inconclusive) | P(improvement) | mean pairs run |',
    '| :-- | --: | --: | --: | --: | --: | --: |',
  );
  for (const row of rows.filter((r) => r.design === design.name)) {
    const { point } = row;
    lines.push(
      `| ${row.source} | ${row.multiple} × t = ${pct(row.trueChange)} | ${pct(point.regression)} | ${pct(point.unchanged)} | ` +
        `${pct(point.inconclusive)} | ${pct(point.improvement)} | ${point.meanPairs.toFixed(1)} |`,
    );
  }
  lines.push('');
}
const section = lines.join('\n');
console.log(section);
console.log(`computed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (!values['no-write']) {
  writeResults(root, 'operating-characteristic.json', { gates, seed, gate, rows }, HEADING, section);
}
