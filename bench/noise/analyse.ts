/**
 * `npm run bench:noise [-- --gates 2000 --seed 20261203]`
 *
 * Reads the side-by-side noise pools (bench/pools/noise/<app>.jsonl, `npm run bench:noise:record`)
 * and writes the section "Measurement noise" of BENCHMARKS.md and bench/results/noise.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULTS } from '../../src/config/defaults.js';
import { APPS, CANDIDATES } from './candidates.js';
import {
  summarizeCandidate,
  withCpuAccounting,
  type CandidateSummary,
  type NoiseRecord,
} from './noise-analysis.js';
import { writeResults } from '../stats/write-results.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    gates: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '20261203' },
    pools: { type: 'string', default: path.join(root, 'bench/pools/noise') },
  },
});

interface AppResult {
  readonly app: string;
  readonly header: {
    startedAt: string;
    machine: string;
    app: { command: string; path: string; connections: number };
  };
  readonly summaries: CandidateSummary[];
}

const percent = (fraction: number, digits = 1): string => `${(100 * fraction).toFixed(digits)}%`;

/** Suffix of a candidate's row with cpu_per_request less the steal share. */
const STEAL_SUFFIX = 'less steal';

const results: AppResult[] = [];
for (const app of APPS) {
  const file = path.join(values.pools, `${app.name}.jsonl`);
  if (!existsSync(file)) continue;
  const [headerLine, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const header = JSON.parse(headerLine ?? '{}') as AppResult['header'];
  const records = lines.map((line) => JSON.parse(line) as NoiseRecord);
  // Each candidate twice: CPU as the clocks counted it, and less the steal share (perfgate's metric
  // since issue 12); a duet's two sides see the same steal, so only sequential pairs can differ.
  const summaries = CANDIDATES.filter((c) => records.some((r) => r.candidate === c.name)).flatMap((c) =>
    (['raw', 'steal-adjusted'] as const).map((accounting) =>
      summarizeCandidate(
        accounting === 'raw' ? c.name : `${c.name} ${STEAL_SUFFIX}`,
        withCpuAccounting(
          records.filter((r) => r.candidate === c.name),
          accounting,
        ),
        { gates: Number(values.gates), seed: Number(values.seed) },
      ),
    ),
  );
  results.push({ app: app.name, header, summaries });
}

function row(s: CandidateSummary, reference: CandidateSummary | undefined): string {
  const at = (change: number) => s.power.find((p) => p.change === change);
  const aa = at(0);
  const five = at(0.05);
  const cpu = s.spread.cpu_per_request;
  const client =
    s.clientCpuPerRequestMs === undefined
      ? 'in perfgate'
      : `${(s.clientCpuPerRequestMs * 1000).toFixed(0)} µs (${percent(s.clientCpuPerRequestMs / s.serverCpuPerRequestMs, 0)})`;
  // Cost of the same precision: pairs needed grow with the variance, each pair costs its wall time.
  const relative =
    reference === undefined
      ? ''
      : (
          (cpu.robustSd ** 2 * s.pairWallMs) /
          (reference.spread.cpu_per_request.robustSd ** 2 * reference.pairWallMs)
        ).toFixed(2);
  return (
    `| ${s.candidate} | ${s.pairs} (${s.unfair}) | ${percent(cpu.robustSd)} (${percent(cpu.sd)}) | ` +
    `${percent(s.spread.latency_p50.robustSd)} | ${percent(s.spread.throughput.robustSd)} | ` +
    `${(s.pairWallMs / 1000).toFixed(1)} | ${s.pairsPerBudget} | ${client} | ${relative} | ` +
    `${aa ? percent(aa.regression) : ''} | ${aa ? percent(aa.unchanged, 0) : ''} | ${five ? percent(five.regression, 0) : ''} | ` +
    `${five ? five.meanPairs.toFixed(1) : ''} | ${s.smallestCaught80 === undefined ? '> 30%' : percent(s.smallestCaught80)} |`
  );
}

const sections = results.map((r) => {
  const reference = r.summaries.find((s) => s.candidate === 'inline-5s');
  return [
    `### ${r.app}: \`${r.header.app.command}\`, \`${r.header.app.path}\`, ${r.header.app.connections} connections`,
    '',
    `Recorded ${r.header.startedAt} on ${r.header.machine}.`,
    '',
    '| candidate | pairs (unfair¹) | sd of cpu/req per pair: robust² (plain) | robust sd latency p50 | robust sd throughput | s per pair³ | pairs per 160 s | load CPU per request (share of server’s) | cost of equal precision⁴ | false alarms (A/A gates)⁵ | A/A gates settled unchanged | power at +5% | pairs run at +5% | smallest change caught 80% |',
    '| :-- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
    ...r.summaries.map((s) => row(s, reference)),
  ].join('\n');
});

const recorded = new Set(results.flatMap((r) => r.summaries.map((s) => s.candidate)));
const candidateList = CANDIDATES.filter((c) => recorded.has(c.name))
  .map(
    (c) =>
      `- \`${c.name}\`: ${c.describe}${c.pairEnv === undefined ? ' (each server process draws its own PYTHONHASHSEED, Python’s default)' : ''}`,
  )
  .join('\n');
/** Per app, the candidate whose precision costs the least CI time, against the old default. */
const readings = results.map((r) => {
  const reference = r.summaries.find((s) => s.candidate === 'inline-5s');
  const cost = (s: CandidateSummary): number =>
    reference === undefined
      ? Number.NaN
      : (s.spread.cpu_per_request.robustSd ** 2 * s.pairWallMs) /
        (reference.spread.cpu_per_request.robustSd ** 2 * reference.pairWallMs);
  const best = [...r.summaries].sort((a, b) => cost(a) - cost(b))[0];
  return best === undefined
    ? ''
    : `- ${r.app}: cheapest precision from \`${best.candidate}\` (${cost(best).toFixed(2)} × the CI time of \`inline-5s\` for the same precision); per-pair robust sd of cpu_per_request ${r.summaries.map((s) => `${s.candidate} ${percent(s.spread.cpu_per_request.robustSd)}`).join(', ')}.`;
});
const section = `## Measurement noise: candidates side by side (\`npm run bench:noise\`)

Date ${new Date().toISOString()} (analysed on ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}). Commands: \`npm run bench:noise:record -- --rounds 30\` (pools: \`bench/pools/noise/<app>.jsonl\`), then \`npm run bench:noise -- --gates ${values.gates} --seed ${values.seed}\`. Raw results: \`bench/results/noise.json\`.

**Data.** A/A pairs (the same code on both sides) of each candidate, recorded side by side: every round runs one pair of each candidate in a seeded random order, each on two fresh servers warmed up for 1 s, so steal, drift and other jobs on this shared 2-core VM hit every candidate alike. Candidates:

${candidateList}

Each candidate has a second row, \`<candidate> ${STEAL_SUFFIX}\`: the same pairs with cpu_per_request less the machine's CPU steal share of each trial, \`CPU × (1 − steal)\` per response (perfgate's cpu_per_request since issue 12; the pools hold each process's measured CPU and the window's steal, so both rows come from the same readings). A duet's two sides run in the same window and see the same steal, so its two rows barely differ.

${sections.join('\n\n')}

**Reading.**

${readings.join('\n')}

¹ Pairs with a reading a gate would set aside and measure again (\`whyRerun\`: an idle worker, > 50% steal); they are left out of the spreads and the gates below, and their rate is charged to the pair cost. ² ln(head / base) per pair; robust sd = 1.4826 × median absolute deviation (the sd of the bulk of the pairs), plain sd in brackets (outliers included). ³ Median wall time of one pair: starting both servers, warm-ups, trials, stopping them. ⁴ robust sd² × s per pair, relative to \`inline-5s\`: the CI time a candidate needs for the same precision (below 1 is cheaper). ⁵ ${values.gates} gates per cell of the real sequential rule at the default gate (threshold ${percent(DEFAULTS.gate.threshold, 0)}, alpha ${DEFAULTS.gate.alpha}, looks planned for the pairs that fit the ${DEFAULTS.gate.budgetMs / 1000} s budget, at most ${DEFAULTS.gate.trials}), gating cpu_per_request, each on pairs drawn with replacement from the candidate's fair pairs, head's cpu_per_request scaled so that the true change is exactly 0 (A/A) or the column's change. A bootstrap of ~30 pairs: it keeps each pair's real noise, not the drift between pairs; rates carry a few points of uncertainty. Changes tried: ${[0, 2.5, 5, 7.5, 10, 15, 30].join(', ')}%.
`;

writeResults(root, 'noise.json', results, '## Measurement noise: candidates side by side', section);
console.log(section);
