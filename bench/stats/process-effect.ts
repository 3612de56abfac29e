/**
 * `npm run bench:process [-- --pool bench/pools/process-effect/aa.jsonl --fresh bench/pools/aa.jsonl]`
 *
 * Why perfgate restarts the servers before every pair (`server.restart: pair`): from an A/A pool
 * recorded with one process pair per block of pairs (`npm run bench:stats:record -- --conditions aa
 * --restart-every 20 --out bench/pools/process-effect`), how much two processes of the same code
 * differ (bench/stats/process-effect-analysis.ts), and what perfgate decides when a whole gate runs
 * on one such process pair (`server.restart: never`). Beside it, the pair-to-pair spread of the
 * fresh-per-pair A/A pool that the statistics evaluation replays. Writes
 * bench/results/process-effect.json and the "Process effect" section of BENCHMARKS.md.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeResults } from './write-results.js';
import { DEFAULT_GATED_METRICS, HEADLINE_METRICS, type MetricName } from '../../src/model/metrics.js';
import { analyseProcessEffect } from './process-effect-analysis.js';
import { readPool } from './pool-file.js';
import { createPerfgateRule } from './rules/perfgate.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    pool: { type: 'string', default: path.join(root, 'bench/pools/process-effect/aa.jsonl') },
    fresh: { type: 'string', default: path.join(root, 'bench/pools/aa.jsonl') },
    'no-write': { type: 'boolean', default: false },
  },
});

const SECTION_HEADING = '## Process effect: one process per side vs fresh processes per pair';
const metrics: readonly MetricName[] = HEADLINE_METRICS;
const pool = readPool(values.pool);
const blockPairs = pool.header.restartEveryPairs ?? 0;
if (blockPairs < 2)
  throw new Error(
    `${values.pool} was not recorded in blocks (restartEveryPairs ${blockPairs}): use --restart-every 20`,
  );
const rule = createPerfgateRule();
const analysis = analyseProcessEffect(pool.pairs, blockPairs, metrics, {
  rule,
  metrics: DEFAULT_GATED_METRICS,
});
const fresh = readPool(values.fresh);
const freshSpread = metrics.map((metric) => {
  const d = fresh.pairs.map((p) => Math.log(p.head.metrics[metric] / p.base.metrics[metric]));
  const m = d.reduce((s, v) => s + v, 0) / d.length;
  return { metric, sd: Math.sqrt(d.reduce((s, v) => s + (v - m) ** 2, 0) / (d.length - 1)) };
});

const pct = (x: number, digits = 1): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(digits)}%`;
const plain = (x: number): string => `${(100 * x).toFixed(1)}%`;
const alarms = analysis.blocks.filter((b) => b.alarm === true).length;
const decided = analysis.blocks.filter((b) => b.alarm !== undefined).length;
const date = new Date().toISOString();
const command = 'npm run bench:process';
const lines = [
  SECTION_HEADING,
  '',
  `Date ${date}; pool recorded ${pool.header.startedAt} on ${pool.header.machine}. Command: \`${command}\` (pool: \`npm run bench:stats:record -- --conditions aa --pairs ${pool.pairs.length} --restart-every ${blockPairs} --duration ${pool.header.trialDurationMs} --warmup ${pool.header.warmupMs} --out bench/pools/process-effect\`). Raw results: \`bench/results/process-effect.json\`.`,
  '',
  `**Data.** A/A (examples/stdlib, identical code on both sides), ${pool.header.trialDurationMs / 1000} s trials, ${pool.header.scenario.connections} connections, interleaved pairs; base and head started anew and warmed up every ${blockPairs} pairs, so each block of ${blockPairs} pairs ran on its own process pair: ${analysis.blocks.length} blocks.`,
  '',
  '| block (one base and one head process) | pairs | ' +
    metrics.map((m) => `mean change of ${m}`).join(' | ') +
    ' | perfgate verdict as a `restart: never` gate |',
  '| --: | --: | ' + metrics.map(() => '--:').join(' | ') + ' | :-- |',
  ...analysis.blocks.map(
    (b) =>
      `| ${b.block + 1} | ${b.pairs} | ${metrics.map((m) => pct(b.offset[m] ?? Number.NaN)).join(' | ')} | ${b.alarm === undefined ? 'n/a' : b.alarm ? 'regression (false alarm)' : 'no regression'} |`,
  ),
  '',
  '| metric | between-process sd τ of the block offset | within-process sd σ of a pair | Kruskal–Wallis H (df; 5% / 1% critical) | sd of a pair with fresh processes per pair (fresh A/A pool, ' +
    `${fresh.pairs.length} pairs) |`,
  '| :-- | --: | --: | :-- | --: |',
  ...analysis.effects.map((e) => {
    const spread = freshSpread.find((s) => s.metric === e.metric)?.sd ?? Number.NaN;
    const kw = e.kruskalWallis;
    const verdict = kw.h > kw.critical01 ? 'p < 0.01' : kw.h > kw.critical05 ? 'p < 0.05' : 'p ≥ 0.05';
    return `| ${e.metric} | ${plain(e.tau)} | ${plain(e.sigma)} | ${kw.h.toFixed(1)} (${kw.df}; ${kw.critical05} / ${kw.critical01}): ${verdict} | ${plain(spread)} |`;
  }),
  '',
  `**Reading.** τ is the offset a gate that keeps one process per side carries in every pair: more pairs narrow the interval around it, never remove it. Of ${decided} blocks decided as whole ${rule.windowPairs}-pair gates (perfgate's sequential rule, default gate: cpu_per_request gated), ${alarms} reported a regression on identical code. With fresh processes per pair the offset is drawn anew for every pair and becomes part of its noise (each pair's variance grows by τ²), which the signed-rank test counts; the statistics evaluation above replays gates on pools recorded that way. Method (variance components by ANOVA moments, Kruskal–Wallis across blocks) in \`bench/stats/process-effect-analysis.ts\`. Few blocks: τ is a rough estimate.`,
  '',
];
const section = lines.join('\n');
console.log(section);

if (!values['no-write']) {
  writeResults(
    root,
    'process-effect.json',
    { date, command, pool: pool.header, ...analysis, freshSpread },
    SECTION_HEADING,
    section,
  );
}
