/**
 * `npm run bench:layout [-- --pool bench/pools/layout/flask.jsonl]`
 *
 * Does a gate's pair of worktrees carry a bias of its own? Reads A/A pairs recorded through sets of
 * folders (`npm run bench:noise:record -- --folders N --out bench/pools/layout`: base and head
 * served from two fresh copies of the app named like perfgate's worktrees, new copies every N
 * rounds) and splits, per candidate, the variance of the per-pair ln(head / base) into a part that
 * holds for every pair of one set of folders (τ: a gate cannot average it away, it reads as a real
 * change) and the pair-to-pair part (σ), with bench/stats/process-effect-analysis.ts. Writes the
 * section "Layout bias" of BENCHMARKS.md and bench/results/layout.json.
 *
 * The question comes from a live A/A gate that claimed a 14% improvement (BENCHMARKS.md "Gate runs:
 * flask-regression, flask-aa") and from Mytkowicz et al., "Producing wrong data without doing
 * anything obviously wrong!" (ASPLOS 2009): a process's memory layout, set by its environment and
 * paths, biases it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { MetricName } from '../../src/model/metrics.js';
import { whyRerun } from '../../src/measure/why-rerun.js';
import { analyseProcessEffect } from '../stats/process-effect-analysis.js';
import { writeResults } from '../stats/write-results.js';
import { CANDIDATES } from './candidates.js';
import { withCpuAccounting, type NoiseRecord } from './noise-analysis.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: { pool: { type: 'string', default: path.join(root, 'bench/pools/layout/flask.jsonl') } },
});

interface Header {
  readonly startedAt: string;
  readonly machine: string;
  readonly roundsPerFolderSet?: number;
  readonly app: {
    readonly name: string;
    readonly command: string;
    readonly path: string;
    readonly connections: number;
  };
}
type FolderRecord = NoiseRecord & { readonly folderSet: number };

const [headerLine, ...lines] = readFileSync(values.pool, 'utf8').trim().split('\n');
const header = JSON.parse(headerLine ?? '{}') as Header;
const perSet = header.roundsPerFolderSet;
if (perSet === undefined) throw new Error(`${values.pool} was not recorded with --folders`);
const records = withCpuAccounting(
  lines.map((line) => JSON.parse(line) as FolderRecord),
  'steal-adjusted',
) as FolderRecord[];
const metrics: MetricName[] = ['cpu_per_request', 'throughput', 'latency_p50'];
const percent = (x: number, digits = 1): string => `${(100 * x).toFixed(digits)}%`;

const results = CANDIDATES.filter((c) => records.some((r) => r.candidate === c.name)).map((candidate) => {
  const mine = records.filter((r) => r.candidate === candidate.name).sort((a, b) => a.round - b.round);
  const sets = new Set(mine.map((r) => r.folderSet)).size;
  // Whole sets only, in round order: the analysis cuts the pairs into blocks of `perSet`.
  const whole = mine.filter((r) => mine.filter((o) => o.folderSet === r.folderSet).length === perSet);
  const unfair = whole.filter(
    (r) => whyRerun(r.readings.base) !== undefined || whyRerun(r.readings.head) !== undefined,
  ).length;
  const analysis = analyseProcessEffect(
    whole.map((r) => ({ pair: r.round, base: r.readings.base, head: r.readings.head })),
    perSet,
    metrics,
  );
  return {
    candidate: candidate.name,
    describe: candidate.describe,
    sets,
    pairs: whole.length,
    unfair,
    ...analysis,
  };
});

const rows = results.map((r) => {
  const cpu = r.effects.find((e) => e.metric === 'cpu_per_request');
  const tput = r.effects.find((e) => e.metric === 'throughput');
  if (!cpu || !tput) throw new Error('cpu_per_request and throughput are always analysed');
  const offsets = r.blocks.map((b) => percent(b.offset.cpu_per_request ?? Number.NaN, 0)).join(', ');
  const kw = cpu.kruskalWallis;
  const verdict = kw.h > kw.critical01 ? 'p < 0.01' : kw.h > kw.critical05 ? 'p < 0.05' : 'p ≥ 0.05';
  return (
    `| ${r.candidate} | ${r.pairs} (${r.unfair}) | ${r.blocks.length} | ${offsets} | ${percent(cpu.tau)} | ` +
    `${percent(cpu.sigma)} | ${kw.h.toFixed(1)} (${verdict}) | ${percent(tput.tau)} |`
  );
});

/** The figures a reader needs, from the rows above. */
function reading(): string {
  const cpu = (name: string) =>
    results.find((r) => r.candidate === name)?.effects.find((e) => e.metric === 'cpu_per_request');
  const own = cpu('process-5s');
  const shared = [cpu('process-5s-seed'), cpu('process-5s-seed0')].filter((e) => e !== undefined);
  const lines = results.map((r) => {
    const e = r.effects.find((x) => x.metric === 'cpu_per_request');
    return `\`${r.candidate}\`: τ ${percent(e?.tau ?? Number.NaN)}, σ ${percent(e?.sigma ?? Number.NaN)}`;
  });
  const ratio =
    own === undefined || shared.length === 0
      ? ''
      : ` A hash seed shared by both sides of a pair (fixed, or drawn anew per pair) against one per process: a per-pair variance ${(own.sigma ** 2 / Math.max(...shared.map((e) => e.sigma ** 2))).toFixed(1)}× smaller or more, so as many times fewer pairs for the same precision.`;
  return `Per candidate, ${lines.join('; ')}.${ratio}`;
}

const section = `## Layout bias: does a gate's pair of worktrees bias it? (\`npm run bench:layout\`)

Recorded ${header.startedAt} on ${header.machine}: \`npm run bench:noise:record -- --apps ${header.app.name} --candidates ${results.map((r) => r.candidate).join(',')} --rounds ${Math.max(...records.map((r) => r.round)) + 1} --folders ${perSet} --connections ${header.app.connections} --out bench/pools/layout\`, then \`npm run bench:layout\`. Raw results: \`bench/results/layout.json\`.

**Data.** A/A pairs of \`${header.app.command}\` on \`${header.app.path}\`, ${header.app.connections} connections, fresh servers every pair. Base and head are served from two copies of the app in fresh folders named as perfgate names its worktrees (\`perfgate-base-…\`, \`perfgate-head-…\`); every ${perSet} rounds new copies are made, so each set of folders stands for one gate's two worktrees. Every round runs one pair of each candidate, in a seeded random order:

${results.map((r) => `- \`${r.candidate}\`: ${r.describe}${CANDIDATES.find((c) => c.name === r.candidate)?.pairEnv === undefined ? ' (each server process draws its own PYTHONHASHSEED, Python’s default)' : ''}`).join('\n')}

| candidate | pairs (unfair¹) | folder sets | mean cpu/req change per set | τ: sd of a set's own bias² | σ: sd per pair within a set | Kruskal–Wallis H³ | τ of throughput |
| :-- | --: | --: | :-- | --: | --: | --: | --: |
${rows.join('\n')}

**Reading.**

${reading()}

¹ Pairs with a reading a gate would set aside (\`whyRerun\`); kept here, so that every set has ${perSet} pairs. ² One-way random-effects ANOVA by the method of moments (Searle, Casella & McCulloch 1992, §3.5) on ln(head / base) of cpu_per_request less steal, grouped by set of folders: τ is the part of the spread shared by every pair of a set. A gate's pairs all come from one set, so τ is a false change no number of pairs removes; σ is the noise a gate averages. ³ Rank test of "no set effect" against χ²(sets − 1); p < 0.05 says the sets differ.
`;

writeResults(root, 'layout.json', { header, results }, '## Layout bias', section);
console.log(section);
