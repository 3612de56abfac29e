// `npm run bench [-- --runs N]`: the main job, repeated. Runs the demo gate (examples/stdlib, default
// config) N times on the known regression and N times on an unchanged pair (A/A), side by side in
// alternation, and records for each run: verdict, exit code, wall time, and perfgate's own overhead
// (wall time minus build, warm-up load and measured load). `--kinds` picks the gates (regression, aa,
// slow10). Writes bench/results/gate-runs-<kinds>.json and that kinds' "Gate runs" section of BENCHMARKS.md.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, kinds: { type: 'string', default: 'regression,aa' } },
});
const runs = Number(values.runs);
/** Each kind of gate: the demo's arguments, its results folder, and how the table names it. */
const KINDS = {
  regression: { args: [], out: 'demo', label: 'known regression' },
  aa: { args: ['--aa'], out: 'demo-aa', label: 'A/A (unchanged)' },
  slow10: { args: ['--slowdown', '0.10'], out: 'demo-slowdown', label: '10% more CPU per request (knob)' },
  'flask-regression': {
    args: ['--example', 'flask'],
    out: 'demo-flask',
    label: 'Flask under gunicorn 2 workers: its known regression (+40% CPU per request)',
  },
  'flask-aa': {
    args: ['--example', 'flask', '--aa'],
    out: 'demo-aa-flask',
    label: 'Flask under gunicorn 2 workers, A/A, 16 connections (its config)',
  },
  'flask-aa-c8': {
    args: ['--example', 'flask', '--aa', '--connections', '8'],
    out: 'demo-aa-flask',
    label: 'Flask under gunicorn 2 workers, A/A, 8 connections',
  },
};
const kinds = values.kinds.split(',');
for (const kind of kinds)
  if (!(kind in KINDS)) throw new Error(`unknown kind ${kind}: use ${Object.keys(KINDS).join(', ')}`);
const results = [];

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Wall time covered by the trials' windows, ms (the two trials of a duet pair overlap and count once). */
function unionMs(trials) {
  const spans = trials
    .map((t) => [Date.parse(t.startedAt), Date.parse(t.startedAt) + t.durationMs])
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [from, to] of spans) {
    if (to <= end) continue;
    total += to - Math.max(from, end);
    end = to;
  }
  return total;
}

for (let i = 0; i < runs; i++) {
  for (const kind of kinds) {
    const args = [path.join(root, 'scripts/demo.mjs'), ...KINDS[kind].args];
    const started = Date.now();
    const demo = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    const wallMs = Date.now() - started;
    const report = JSON.parse(
      readFileSync(path.join(root, 'perfgate-results', KINDS[kind].out, 'report.json'), 'utf8'),
    );
    const loadMs = unionMs(report.trials);
    // Server starts and warm-ups (before every pair with server.restart: pair) are the servers' time.
    const warmupMs = report.timings.warmup ?? 0;
    const serverStartMs = (report.timings.start ?? 0) + (report.timings.stop ?? 0);
    const overheadMs = report.timings.total - (report.timings.build ?? 0) - serverStartMs - warmupMs - loadMs;
    const row = {
      kind,
      run: i + 1,
      // The demo exits 0 when perfgate gave the expected answer: exit 1 (regression) or exit 0 (A/A).
      asExpected: demo.status === 0,
      pairs: report.sequential?.stoppedAfterPairs,
      verdict: report.verdict,
      regressions: report.regressions,
      wallMs,
      gateMs: report.timings.total,
      gateWithoutBuildMs: report.timings.total - (report.timings.build ?? 0),
      loadMs,
      warmupMs,
      overheadMs,
      serverStartMs,
      serverStarts: report.servers?.starts,
      stealMean: report.runner.stealMean,
      cpuChange: report.comparisons.find((c) => c.metric === 'cpu_per_request')?.change,
    };
    results.push(row);
    console.log(JSON.stringify(row));
  }
}

mkdirSync(path.join(root, 'bench/results'), { recursive: true });
const date = new Date().toISOString();
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}`;
const dataFile = `bench/results/gate-runs-${kinds.join('-')}.json`;
const title = `## Gate runs: ${kinds.join(', ')} (\`npm run bench -- --kinds ${kinds.join(',')}\`)`;
writeFileSync(path.join(root, dataFile), JSON.stringify({ date, machine, runs: results }, null, 2) + '\n');

const by = (kind) => results.filter((r) => r.kind === kind);
const pct = (x) => (x === undefined ? 'n/a' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);
const lines = [
  title,
  '',
  `Date ${date}; ${machine}. Command: \`npm run bench -- --runs ${runs} --kinds ${kinds.join(',')}\`. Raw data: \`${dataFile}\`.`,
  `Each run is one full demo gate (\`npm run demo -- <arguments>\`: ${kinds.map((kind) => `${kind} \`${KINDS[kind].args.join(' ') || '(none)'}\``).join(', ')}) with the example's config (examples/stdlib and examples/flask: 5 s trials, fresh servers and 1 s warm-up per side before every pair, the default 2m40s budget), the kinds alternating. Gate wall time is the CLI's own \`timings.total\` minus its build.`,
  '',
  '| pair | runs | verdicts | as expected | pairs run | median wall time | gate wall time without build (each run) | median server stops, starts + warm-ups | median overhead | cpu_per_request change (each run) |',
  '| :-- | --: | :-- | --: | :-- | --: | :-- | --: | --: | :-- |',
  ...kinds.map((kind) => {
    const rows = by(kind);
    return `| ${KINDS[kind].label} | ${rows.length} | ${rows.map((r) => r.verdict).join(', ')} | ${rows.filter((r) => r.asExpected).length} of ${rows.length} | ${rows.map((r) => r.pairs ?? 'n/a').join(', ')} | ${(median(rows.map((r) => r.wallMs)) / 1000).toFixed(1)} s | ${rows.map((r) => `${(r.gateWithoutBuildMs / 1000).toFixed(0)} s`).join(', ')} | ${(median(rows.map((r) => r.serverStartMs + r.warmupMs)) / 1000).toFixed(1)} s | ${(median(rows.map((r) => r.overheadMs)) / 1000).toFixed(2)} s | ${rows.map((r) => pct(r.cpuChange)).join(', ')} |`;
  }),
  '',
  'Server stops, starts + warm-ups = stopping the servers a restart replaces, spawning to ready, and the discarded warm-up load, summed over every (re)start. Overhead = gate wall time − build − server stops, starts + warm-ups − measured load (checkout, process sampling, statistics, report).',
  '',
];
const file = path.join(root, 'BENCHMARKS.md');
const previous = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\n';
const start = previous.indexOf(title);
const end = start < 0 ? -1 : previous.indexOf('\n## ', start + title.length);
const next =
  start >= 0
    ? previous.slice(0, start) + lines.join('\n') + (end < 0 ? '' : previous.slice(end))
    : previous.trimEnd() + '\n\n' + lines.join('\n');
writeFileSync(file, next);
console.log(lines.join('\n'));
