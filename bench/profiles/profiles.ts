/**
 * `npm run bench:profiles`: how well the profiling phase's py-spy profiles point at a regression, and
 * what attaching py-spy costs a server. Real servers of the three examples (stdlib, Flask under
 * gunicorn, FastAPI under uvicorn), real autocannon, real py-spy.
 *
 * 1. Ranking: per example, `--runs` times (default 5): fresh base and regressed-head servers, a 1 s
 *    warm-up each, one 5 s profiled window each (py-spy as the gate runs it), the diff table; records
 *    the rank of the function the regression made slower and whether it is above the noise mark. Also
 *    base against a second fresh base (A/A): how many functions are above the noise mark.
 * 2. Cost: on each example's base server, 5 s load windows without py-spy, with py-spy
 *    `--nonblocking` and with py-spy blocking, interleaved `--rounds` times (default 3); median
 *    throughput of each, as a ratio to "none" measured side by side.
 * Writes bench/results/profiles.json and the "Profiles" section of BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createServerLauncher } from '../../src/adapters/server-launcher.js';
import { createAutocannonLoad } from '../../src/adapters/autocannon-load.js';
import { pySpyVersion, removeFiles, startPySpy } from '../../src/adapters/py-spy.js';
import { diffFunctions, relativizeFrames, type Profile } from '../../src/profile/index.js';
import type { RunningServer } from '../../src/ports.js';
import { writeResults } from '../stats/write-results.js';

const root = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' } },
});
const RUNS = Number(values.runs);
const ROUNDS = Number(values.rounds);
const WINDOW_MS = 5000;

interface Example {
  readonly name: string;
  readonly command: string;
  readonly route: string;
  readonly connections: number;
  /** The function the known regression made slower. */
  readonly responsible: string;
}
const EXAMPLES: readonly Example[] = [
  {
    name: 'stdlib',
    command: 'python3 app.py',
    route: '/search?tag=garden&q=solar+lamp&limit=20',
    connections: 8,
    responsible: 'score',
  },
  {
    name: 'flask',
    command: 'gunicorn -k gthread -w 2 --threads 4 -b 127.0.0.1:$PORT app:app',
    route: '/api/customers/42/summary',
    connections: 16,
    responsible: 'find_product',
  },
  {
    name: 'fastapi',
    command: '/usr/bin/python3 -m uvicorn app:app --no-access-log --host 127.0.0.1 --port $PORT',
    route: '/api/authors/42/stats',
    connections: 16,
    responsible: 'comment_count',
  },
];

const work = mkdtempSync(path.join(tmpdir(), 'perfgate-bench-profiles-'));
const launcher = createServerLauncher();
const load = createAutocannonLoad();

async function serve(example: Example, dir: string, label: string): Promise<RunningServer> {
  const port = await launcher.freePort();
  return launcher.start({
    label,
    command: example.command.replace('$PORT', String(port)),
    cwd: dir,
    env: { PORT: String(port), PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: '0' },
    port,
    readyUrl: `http://127.0.0.1:${port}/healthz`,
    startupTimeoutMs: 30_000,
    logFile: path.join(work, `${example.name}-${label}.log`),
  });
}

const spec = (server: RunningServer, example: Example, durationMs: number) => ({
  url: `${server.baseUrl}${example.route}`,
  method: 'GET',
  headers: {},
  connections: example.connections,
  pipelining: 1,
  durationMs,
});

async function profileOnce(example: Example, dir: string, label: string): Promise<Profile> {
  const server = await serve(example, dir, label);
  try {
    await load.run(spec(server, example, 1000));
    const recording = await startPySpy(server.pid, {
      rateHz: 200,
      durationMs: WINDOW_MS,
      outDir: work,
      name: label,
    });
    await load.run(spec(server, example, WINDOW_MS + 500));
    return relativizeFrames((await recording.finish()).profile, [dir]);
  } finally {
    await server.stop();
  }
}

/** Throughput (req/s) of one window with py-spy attached as `mode` says. */
async function throughputWith(
  server: RunningServer,
  example: Example,
  mode: 'none' | 'nonblocking' | 'blocking',
): Promise<number> {
  // The recording outlasts the load window, so py-spy is attached for all of it.
  const recording =
    mode === 'none'
      ? undefined
      : await startPySpy(server.pid, {
          rateHz: 200,
          durationMs: WINDOW_MS + 2000,
          outDir: work,
          name: `cost-${mode}`,
          blocking: mode === 'blocking',
        });
  const result = await load.run(spec(server, example, WINDOW_MS));
  if (recording) await removeFiles((await recording.finish()).files);
  return result.ok / (result.durationMs / 1000);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

const version = await pySpyVersion();
if (version === undefined) throw new Error('py-spy is not installed: python3 -m pip install py-spy');
const results = [];
try {
  for (const example of EXAMPLES) {
    const baseDir = path.join(root, 'examples', example.name);
    const headDir = path.join(baseDir, 'variants/regressed');
    const ranks: number[] = [];
    const aboveNoise: boolean[] = [];
    const aaAboveNoise: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const base = await profileOnce(example, baseDir, `${example.name}-base-${run}`);
      const head = await profileOnce(example, headDir, `${example.name}-head-${run}`);
      const again = await profileOnce(example, baseDir, `${example.name}-again-${run}`);
      const rows = diffFunctions(base, head);
      const index = rows.findIndex(
        (row) => row.frame.name === example.responsible && row.frame.file === 'app.py',
      );
      ranks.push(index + 1);
      aboveNoise.push(index >= 0 && rows[index]?.noise === false);
      aaAboveNoise.push(diffFunctions(base, again).filter((row) => !row.noise).length);
      console.log(
        `${example.name} run ${run + 1}: ${example.responsible} ranked ${index + 1}; A/A rows above noise: ${aaAboveNoise.at(-1)}`,
      );
    }
    const server = await serve(example, baseDir, `${example.name}-cost`);
    const cost: Record<string, number[]> = { none: [], nonblocking: [], blocking: [] };
    try {
      await load.run(spec(server, example, 1000));
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const mode of ['none', 'nonblocking', 'blocking'] as const)
          cost[mode]?.push(await throughputWith(server, example, mode));
      }
    } finally {
      await server.stop();
    }
    const none = median(cost.none ?? []);
    results.push({
      example: example.name,
      responsible: example.responsible,
      ranks,
      firstOrSecond: ranks.filter((r) => r === 1 || r === 2).length,
      aboveNoise: aboveNoise.filter(Boolean).length,
      aaAboveNoise,
      throughput: {
        none,
        nonblocking: median(cost.nonblocking ?? []),
        blocking: median(cost.blocking ?? []),
        raw: cost,
      },
    });
    console.log(JSON.stringify(results.at(-1)));
  }
} finally {
  await launcher.stopAll();
  rmSync(work, { recursive: true, force: true });
}

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const section = [
  '## Profiles: does the diff table name the regressed function, and what does py-spy cost (`npm run bench:profiles`)',
  '',
  `py-spy ${version}, ${RUNS} runs per example: fresh base and regressed-head servers, 1 s warm-up, one ${WINDOW_MS / 1000} s profiled window each at 200 Hz (\`--subprocesses --gil --function --nonblocking\`), as the profiling phase runs it; A/A: base against a second fresh base. Cost: ${WINDOW_MS / 1000} s windows on the base server without py-spy, with it \`--nonblocking\`, and blocking, interleaved ${ROUNDS} times; medians, as a ratio to no profiler measured side by side.`,
  '',
  '| example | function | ranks (1 = top row) | 1st or 2nd | above noise | A/A rows above noise | throughput with py-spy, nonblocking | blocking |',
  '|---|---|---|--:|--:|---|--:|--:|',
  ...results.map(
    (r) =>
      `| ${r.example} | \`${r.responsible}\` | ${r.ranks.join(', ')} | ${r.firstOrSecond} of ${RUNS} | ${r.aboveNoise} of ${RUNS} | ${r.aaAboveNoise.join(', ')} | ${pct(r.throughput.nonblocking / r.throughput.none)} | ${pct(r.throughput.blocking / r.throughput.none)} |`,
  ),
  '',
].join('\n');
writeResults(
  root,
  'profiles.json',
  { pySpy: version, runs: RUNS, rounds: ROUNDS, results },
  '## Profiles:',
  section,
);
console.log(section);
