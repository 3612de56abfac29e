/**
 * `node --import tsx bench/stats/stored-mode.ts [-- --pools bench/pools --trials 10,20 --no-write]`
 *
 * Stored-baseline mode's false alarms and power next to same-runner mode on the same recorded pools
 * (bench/pools/*.jsonl, recorded one after another, so blocks of pairs stand in for runs at
 * different times). Writes bench/results/stored-mode.json and prints the BENCHMARKS.md section
 * (it does not edit BENCHMARKS.md).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_BETWEEN_RUN_SD } from '../../src/compare/compare-stored.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { clopperPearson } from './math/clopper-pearson.js';
import { measureTrueEffect } from './measure-true-effect.js';
import { readPool } from './pool-file.js';
import { simulateStoredMode, type StoredModeResult, type Tally } from './stored-mode-gates.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    pools: { type: 'string', default: path.join(root, 'bench/pools') },
    trials: { type: 'string', default: '10,20' },
    'no-write': { type: 'boolean', default: false },
  },
});

const pools = readdirSync(values.pools)
  .filter((f) => f.endsWith('.jsonl'))
  .map((f) => readPool(path.join(values.pools, f)))
  .sort((a, b) => a.header.startedAt.localeCompare(b.header.startedAt));
const gate = { ...DEFAULTS.gate };
const trialCounts = values.trials.split(',').map(Number);

const trueEffects = Object.fromEntries(
  pools.map((p) => [p.header.condition, measureTrueEffect(p.pairs, 'cpu_per_request').change]),
);
const runs: { trials: number; result: StoredModeResult }[] = trialCounts.map((trials) => ({
  trials,
  result: simulateStoredMode({ pools, gate, trials }),
}));

const rate = (t: Tally): { rate: number; ci95: readonly [number, number] } => ({
  rate: t.verdicts.regression / t.gates,
  ci95: clopperPearson(t.verdicts.regression, t.gates),
});

const data = {
  generatedBy: 'node --import tsx bench/stats/stored-mode.ts',
  gate: { threshold: gate.threshold, alpha: gate.alpha, metrics: gate.metrics, looks: 1 },
  pools: pools.map((p) => ({
    condition: p.header.condition,
    startedAt: p.header.startedAt,
    pairs: p.pairs.length,
    nominalSlowdown: p.header.nominalSlowdown,
    trueCpuChange: trueEffects[p.header.condition],
  })),
  defaultBetweenRunSd: DEFAULT_BETWEEN_RUN_SD,
  results: runs.map(({ trials, result }) => ({
    trials,
    learnedCpuSpread: result.learnedCpuSpread,
    defaultSpreadGates: result.defaultSpreadGates,
    tallies: result.tallies.map((t) => ({ ...t, regressionRate: rate(t) })),
  })),
};

const percent = (x: number, digits = 1): string => `${(100 * x).toFixed(digits)}%`;
const MODES = [
  'same-runner',
  'stored-shipped',
  'stored-learned',
  'stored-learned-mssd',
  'stored-default',
  'stored-none',
] as const;
const LABEL: Record<(typeof MODES)[number], string> = {
  'same-runner': 'same runner (paired)',
  'stored-shipped': 'stored, as shipped: learned spread, the default as its floor',
  'stored-learned': 'stored, spread learned (robust: MAD of successive differences)',
  'stored-learned-mssd': 'stored, spread learned (plain MSSD, steps count)',
  'stored-default': 'stored, default spread',
  'stored-none': 'stored, no spread (rank test only)',
};
const conditions = [
  'aa',
  ...pools
    .map((p) => p.header.condition)
    .filter((c) => c !== 'aa')
    .sort(),
];

function table(trials: number, result: StoredModeResult): string {
  const header = `| mode | ${conditions.map((c) => (c === 'aa' ? 'A/A false alarms' : `${c} (true ${percent(trueEffects[c] ?? NaN)})`)).join(' | ')} |`;
  const rule = `| :-- | ${conditions.map(() => '--:').join(' | ')} |`;
  const rows = MODES.map((mode) => {
    const cells = conditions.map((c) => {
      const t = result.tallies.find((x) => x.mode === mode && x.condition === c);
      if (t === undefined) return '–';
      const { rate: r, ci95 } = rate(t);
      return `${percent(r)} (${t.verdicts.regression}/${t.gates}; ${percent(ci95[0], 0)}–${percent(ci95[1], 0)})`;
    });
    return `| ${LABEL[mode]} | ${cells.join(' | ')} |`;
  });
  const spread = result.learnedCpuSpread;
  return [
    `**${trials} trials per side** (same runner: ${trials} pairs; stored: ${trials} head trials against a run of ${trials}).`,
    '',
    header,
    rule,
    ...rows,
    '',
    spread === undefined
      ? ''
      : `Learned cpu_per_request spread over the stored gates: ${percent(spread[0])} … ${percent(spread[2])} (median ${percent(spread[1])}); ${result.defaultSpreadGates} gate(s) used the default. ` +
        `The stored A/A false alarms with the learned spread read CPU per request ${percent(Math.min(...result.learnedFalseAlarmCpuChanges))} … ${percent(Math.max(...result.learnedFalseAlarmCpuChanges))} higher: each baseline and head lie on the two sides of a step in the machine's own CPU per request (the history's medians jump that much within minutes; in these pools the steps coincide with the machine's 1-minute load average moving between about 3 and 10, CPU per request about 20% lower while the load was high), which the robust estimate is built to ignore and a paired gate cancels.`,
  ].join('\n');
}

const section = [
  '## Stored-baseline mode',
  '',
  `Generated by \`npm run bench:stored\` (bench/stats/stored-mode.ts) from bench/pools (${pools.map((p) => `${p.header.condition} ${p.pairs.length} pairs`).join(', ')}), recorded one after another from ${pools[0]?.header.startedAt.slice(0, 16).replace('T', ' ')} UTC. A block of consecutive pairs stands in for one run; the pools' base sides (unchanged code) in recording order are the history of runs.`,
  '',
  '- Stored A/A: every run of unchanged code is the baseline of the 1st, 2nd and 3rd run after it (the base readings of those blocks).',
  "- Stored power: every run of a slowdown pool's head readings against the unchanged runs 1–3 blocks before it (never the base readings interleaved with it, which would be a same-runner comparison). Its true change against that baseline is the slowdown plus whatever drifted between the two times, as in real use.",
  '- Spread: learned by `estimateBetweenRunSpread` from the medians of the unchanged runs up to the baseline (default until there are 5), for comparison the plain mean square successive difference of the same runs (which counts steps as spread), the fixed `DEFAULT_BETWEEN_RUN_SD` throughout, or none (the plain Mann–Whitney interval, as benchstat compares).',
  '- Same runner: `compareGate` on every window of that many consecutive pairs (start every 2 pairs; windows overlap).',
  `- Every gate: one look at alpha ${gate.alpha}, threshold ${percent(gate.threshold, 0)}, gated ${gate.metrics.join(', ')}; a gate's verdict \`regression\` counts (Clopper–Pearson 95% interval). True change: Hodges–Lehmann paired change of CPU per request over the whole pool.`,
  '',
  ...runs.map(({ trials, result }) => table(trials, result) + '\n'),
].join('\n');

if (!values['no-write']) {
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(path.join(root, 'bench/results/stored-mode.json'), JSON.stringify(data, null, 2) + '\n');
}
process.stdout.write(section + '\n');
