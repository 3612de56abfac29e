/**
 * `npm run bench:stats [-- --gates 500 --seed 20261125 --pools bench/pools]`
 *
 * Replays every rule of bench/stats/rules on simulated gates drawn from the recorded pools
 * (bench/pools/<condition>.jsonl, from `npm run bench:stats:record`) and writes
 * bench/results/stats-evaluation.json and the "Statistics evaluation" section of BENCHMARKS.md
 * (only that section: other scripts own the others).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeResults } from './write-results.js';
import { CONDITIONS } from './conditions.js';
import { evaluate } from './evaluation.js';
import { readPool, type Pool } from './pool-file.js';
import { renderSection, SECTION_HEADING } from './render-section.js';
import { createAllRules } from './rules/all-rules.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    gates: { type: 'string', default: '500' },
    seed: { type: 'string', default: '20261125' },
    pools: { type: 'string', default: path.join(root, 'bench/pools') },
    'no-write': { type: 'boolean', default: false },
  },
});
const gates = Number(values.gates);
const seed = Number(values.seed);
if (!Number.isInteger(gates) || gates < 1)
  throw new Error(`--gates must be a positive integer, got ${values.gates}`);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);

const rules = createAllRules();
const windowPairs = Math.max(...rules.map((r) => r.windowPairs));
const pools: Pool[] = CONDITIONS.map((c) => path.join(values.pools, `${c.name}.jsonl`))
  .filter((file) => existsSync(file))
  .map((file) => readPool(file))
  .filter((pool) => {
    if (pool.pairs.length >= windowPairs) return true;
    console.warn(`skipped ${pool.header.condition}: ${pool.pairs.length} pairs, a gate needs ${windowPairs}`);
    return false;
  });
if (!pools.some((p) => p.header.condition === 'aa'))
  throw new Error(`no A/A pool (aa.jsonl) in ${values.pools}: record one with npm run bench:stats:record`);

const started = Date.now();
const evaluation = evaluate(pools, rules, gates, seed);
const date = new Date().toISOString();
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}`;
const command = `npm run bench:stats -- --gates ${gates} --seed ${seed}`;
const section = renderSection(evaluation, {
  date: `${date} (replayed on ${machine}; pools recorded on ${pools[0]?.header.machine ?? 'n/a'})`,
  command,
});
console.log(section);
console.log(`replayed in ${((Date.now() - started) / 1000).toFixed(1)} s`);

if (!values['no-write']) {
  writeResults(
    root,
    'stats-evaluation.json',
    { date, machine, command, ...evaluation },
    SECTION_HEADING,
    section,
  );
}
