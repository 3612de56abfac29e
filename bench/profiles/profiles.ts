/**
 * `npm run bench:profiles`: how well each Python profiler perfgate has (py-spy, cProfile, yappi,
 * tracemalloc) points at a regression, what it costs a server, and what share of a gate's wall time
 * the profiling phase takes. Real servers of the three examples (stdlib, Flask under gunicorn,
 * FastAPI under uvicorn), real autocannon, the real Profiler adapters (src/adapters/py-spy.ts,
 * src/adapters/python-bootstrap.ts), the real CLI.
 *
 * 1. Ranking, for py-spy, cProfile and yappi: per example, `--runs` times (default 5), for each
 *    profiler in turn: fresh base and regressed-head servers (started with the profiler's launch
 *    environment for the bootstrap tools), a 1 s warm-up each, one 5 s profiled window each (as the
 *    profiling phase runs it), the diff table; records the rank of the function the regression made
 *    slower and whether it is above the noise mark. Also base against a second fresh base (A/A): how
 *    many functions are above the noise mark. tracemalloc measures memory growth, not CPU, so it has
 *    no ranking here.
 * 2. Cost: on each example's base code, 5 s load windows with no profiler, py-spy `--nonblocking`,
 *    py-spy blocking (on one plain server), cProfile, yappi and tracemalloc (each on its own server
 *    started with the bootstrap; cProfile and tracemalloc are on from process start, yappi only
 *    during a window), interleaved `--rounds` times (default 3, the order rotated each round); median
 *    throughput of each, as a ratio to "none" measured in the same rounds.
 * 3. Phase share: one default gate of the stdlib demo (`scripts/demo.mjs`: the bundled CLI, base
 *    against the regressed head, default profile config); the `profile` phase's wall time over the
 *    total, from report.json's `timings`. Needs `npm run build` first.
 *
 * When the pyenv `python3` lacks yappi, the stdlib example's yappi servers run `/usr/bin/python3`,
 * and yappi's cost there is a ratio to a plain `/usr/bin/python3` server measured alongside.
 * Writes bench/results/profiles.json and the "Profiles" section of BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createServerLauncher } from '../../src/adapters/server-launcher.js';
import { createAutocannonLoad } from '../../src/adapters/autocannon-load.js';
import { createPySpyProfiler, pySpyVersion, removeFiles, startPySpy } from '../../src/adapters/py-spy.js';
import { createPythonBootstrapProfiler } from '../../src/adapters/python-bootstrap.js';
import type { BootstrapTimeouts } from '../../src/adapters/bootstrap-control.js';
import {
  diffFunctions,
  estimateDispersion,
  mergeProfiles,
  relativizeFrames,
  summarizeFunctions,
  type Profile,
} from '../../src/profile/index.js';
import type { GateReport } from '../../src/model/results.js';
import type { Profiler, ProfilerLaunch, RunningServer } from '../../src/ports.js';
import { writeResults } from '../stats/write-results.js';

const root = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    'skip-gate': { type: 'boolean', default: false },
    render: { type: 'boolean', default: false },
    windows: { type: 'boolean', default: false },
    /** `--windows` only: comma-separated examples and tools to run (default all), e.g. `fastapi`, `cprofile`. */
    examples: { type: 'string' },
    tools: { type: 'string' },
  },
});
const RESULTS_FILE = path.join(root, 'bench/results/profiles.json');
/** `--render`: no measurement; the section is written again from bench/results/profiles.json. */
const saved = values.render ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Saved) : undefined;
const RUNS = saved?.runs ?? Number(values.runs);
const ROUNDS = saved?.rounds ?? Number(values.rounds);
const WINDOW_MS = 5000;
const RATE_HZ = 200;

/** Profilers whose diff table is ranked (tracemalloc's growth in bytes is not a CPU measure). */
const RANKED = ['py-spy', 'cprofile', 'yappi'] as const;
type RankedTool = (typeof RANKED)[number];
type BootstrapTool = 'cprofile' | 'yappi' | 'tracemalloc';
const LABEL: Readonly<Record<RankedTool | 'tracemalloc', string>> = {
  'py-spy': 'py-spy',
  cprofile: 'cProfile',
  yappi: 'yappi',
  tracemalloc: 'tracemalloc',
};

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

/** Whether `python3` on PATH (pyenv's) imports yappi; when not, the stdlib example's yappi runs on /usr/bin/python3. */
const pathPythonHasYappi =
  saved?.pathPythonHasYappi ?? spawnSync('python3', ['-c', 'import yappi'], { stdio: 'ignore' }).status === 0;
const SYSTEM_STDLIB = '/usr/bin/python3 app.py';
/** The server command for `tool` on `example`. */
const commandFor = (example: Example, tool: string): string =>
  example.name === 'stdlib' && tool === 'yappi' && !pathPythonHasYappi ? SYSTEM_STDLIB : example.command;

const work = mkdtempSync(path.join(tmpdir(), 'perfgate-bench-profiles-'));
const launcher = createServerLauncher();
const load = createAutocannonLoad();

async function serve(
  command: string,
  dir: string,
  label: string,
  launch?: ProfilerLaunch,
): Promise<RunningServer> {
  const port = await launcher.freePort();
  return launcher.start({
    label,
    command: command.replace('$PORT', String(port)),
    cwd: dir,
    env: { PORT: String(port), PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: '0', ...launch?.env },
    ...(launch ? { prepend: launch.prepend } : {}),
    port,
    readyUrl: `http://127.0.0.1:${port}/healthz`,
    startupTimeoutMs: 30_000,
    logFile: path.join(work, `${label}.log`),
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

/** A profiler of `tool` keeping its files under a fresh folder in the work dir. */
function profilerFor(
  tool: RankedTool | BootstrapTool,
  version: string,
  timeouts?: BootstrapTimeouts,
): Profiler {
  const outDir = mkdtempSync(path.join(work, `${tool}-`));
  return tool === 'py-spy'
    ? createPySpyProfiler(version, path.join(outDir, 'raw'))
    : createPythonBootstrapProfiler({ tools: [tool], outDir, ...(timeouts ? { timeouts } : {}) });
}

/**
 * Timeouts of the cost servers' bootstrap windows: opening a tracemalloc window snapshots and
 * filters every live allocation first (7.5 s on the stdlib example's 74 000 traces here), beyond the
 * 5 s the profiling phase waits; the cost is about the load window, so it waits longer.
 */
const COST_TIMEOUTS: BootstrapTimeouts = { startMs: 90_000, finishMs: 180_000 };

/** One profiled window of a fresh server of `dir`, the way the profiling phase records it. */
async function profileOnce(
  example: Example,
  dir: string,
  label: string,
  tool: RankedTool,
  version: string,
  windowMs = WINDOW_MS,
): Promise<Profile> {
  const profiler = profilerFor(tool, version);
  const launch = profiler.launch?.('base');
  const server = await serve(commandFor(example, tool), dir, label, launch);
  try {
    await load.run(spec(server, example, 1000));
    const recording = await profiler.start(server, {
      durationMs: windowMs,
      rateHz: RATE_HZ,
      name: label,
      side: 'base',
    });
    await load.run(spec(server, example, windowMs + (tool === 'py-spy' ? 500 : 0)));
    const { profile, files = [] } = await recording.finish();
    await removeFiles(files);
    return relativizeFrames(profile, [dir]);
  } finally {
    await server.stop();
    await profiler.dispose?.();
  }
}

const COST_VARIANTS = [
  'none',
  'py-spy nonblocking',
  'py-spy blocking',
  'cProfile',
  'yappi',
  'tracemalloc',
] as const;
type CostVariant = (typeof COST_VARIANTS)[number] | 'none (/usr/bin/python3)';

/** Throughput (req/s) of one load window on `server`, with `variant`'s profiler recording it. */
async function throughputWith(
  server: RunningServer,
  example: Example,
  variant: CostVariant,
  bootstrap: Profiler | undefined,
  round: number,
  opening: Partial<Record<CostVariant, number[]>>,
): Promise<number> {
  const name = `cost-${variant.replace(/[^a-z]+/gi, '-')}-${round}`;
  // Every recording outlasts the load window, so the profiler records all of it.
  const durationMs = WINDOW_MS + 2000;
  const recording = variant.startsWith('py-spy')
    ? await startPySpy(server.pid, {
        rateHz: RATE_HZ,
        durationMs,
        outDir: work,
        name,
        blocking: variant === 'py-spy blocking',
      })
    : bootstrap
      ? await timed(opening, variant, () =>
          bootstrap.start(server, { durationMs, rateHz: RATE_HZ, name, side: 'base' }),
        )
      : undefined;
  const result = await load.run(spec(server, example, WINDOW_MS));
  if (recording) await removeFiles((await recording.finish()).files ?? []);
  return result.ok / (result.durationMs / 1000);
}

/** Runs `fn`, adding its wall time (ms) to `into[key]`. */
async function timed<T>(
  into: Partial<Record<CostVariant, number[]>>,
  key: CostVariant,
  fn: () => Promise<T>,
): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    (into[key] ??= []).push(Date.now() - t0);
  }
}

/** The median of `xs`, NaN and null (a failed window, as JSON keeps NaN) left out; NaN when none is left. */
const median = (xs: readonly (number | null)[]): number => {
  const s = xs.filter((x): x is number => x !== null && !Number.isNaN(x)).sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

/** The rank (1 = top row, 0 = absent) of `example.responsible` in head against base, and whether it is above noise. */
function rankOf(example: Example, base: Profile, head: Profile) {
  const rows = diffFunctions(base, head);
  const index = rows.findIndex(
    (row) => row.frame.name === example.responsible && row.frame.file === 'app.py',
  );
  return { rank: index + 1, aboveNoise: index >= 0 && rows[index]?.noise === false };
}

/** Part 3: one default gate of the stdlib demo through the bundled CLI; its phase timings. */
function gateShare() {
  const cli = path.join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  const started = Date.now();
  const demo = spawnSync(process.execPath, [path.join(root, 'scripts', 'demo.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  const wallMs = Date.now() - started;
  const reportFile = path.join(root, 'perfgate-results', 'demo', 'report.json');
  if (!existsSync(reportFile))
    throw new Error(`scripts/demo.mjs exited ${demo.status} without ${reportFile}`);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as GateReport;
  const profileMs = report.timings.profile;
  const totalMs = report.timings.total;
  if (profileMs === undefined || totalMs === undefined)
    throw new Error(`${reportFile} has no timings.profile or timings.total (profiling phase off?)`);
  return {
    verdict: report.verdict,
    pairs: Math.max(0, ...report.trials.map((t) => t.pair + 1)),
    profiler: report.profiles?.tool,
    timings: report.timings,
    profileMs,
    totalMs,
    wallMs,
    share: profileMs / totalMs,
  };
}

/**
 * Each variant's throughput as a ratio to its baseline's in the same round (yappi on the stdlib
 * example: the plain `/usr/bin/python3` server; else "none"), median over the rounds.
 */
function ratios(
  raw: Partial<Record<CostVariant, readonly (number | null)[]>>,
): Partial<Record<CostVariant, number>> {
  const none = raw.none ?? [];
  const system = raw['none (/usr/bin/python3)'];
  return Object.fromEntries(
    Object.entries(raw).map(([variant, xs]) => {
      const baseline = variant === 'yappi' && system ? system : none;
      return [variant, median(xs.map((x, i) => (x ?? NaN) / (baseline[i] ?? NaN)))];
    }),
  );
}

type Gate = ReturnType<typeof gateShare>;
interface RankingResult {
  readonly tool: string;
  readonly command: string;
  readonly ranks: number[];
  readonly aboveNoise: boolean[];
  readonly aaAboveNoise: number[];
  readonly errors: string[];
}
interface ExampleResult {
  readonly example: string;
  readonly responsible: string;
  readonly ranking: readonly (RankingResult & {
    readonly firstOrSecond: number;
    readonly aboveNoiseCount: number;
  })[];
  readonly throughput: {
    /** Median req/s of each variant. */
    readonly medians: Partial<Record<CostVariant, number>>;
    /** Median over the rounds of the ratio to the baseline in the same round (see {@link ratios}). */
    readonly ratio: Partial<Record<CostVariant, number>>;
    /** req/s per round (NaN, saved as null, for a failed window). */
    readonly raw: Partial<Record<CostVariant, (number | null)[]>>;
    /** How long each bootstrap window took to open, ms. */
    readonly openingMs: Partial<Record<CostVariant, number[]>>;
    readonly errors: string[];
  };
}
/** bench/results/profiles.json. */
interface Saved {
  readonly pySpy: string;
  readonly runs: number;
  readonly rounds: number;
  readonly windowMs: number;
  readonly pathPythonHasYappi: boolean;
  readonly results: ExampleResult[];
  readonly gate?: Gate;
}

const version = saved?.pySpy ?? (await pySpyVersion());
if (version === undefined) throw new Error('py-spy is not installed: python3 -m pip install py-spy');
if (values.windows) {
  await windowed(version);
  process.exit(0);
}

/**
 * `--windows`: the profiling phase's default, two windows of half the profiled time per side, each on
 * a fresh server, in ABBA order (a1 b1 h1 h2 b2 a2: base, second base, regressed head), the noise mark
 * from the dispersion between each side's windows (at least the design effect 2), as
 * src/measure/profile-phase.ts builds it. Per example, tool and run: the responsible function's rank
 * against head, and the rows above the mark of base against second base (A/A). Writes
 * bench/results/profile-windows.json and BENCHMARKS.md "Profile windows".
 */
async function windowed(pySpy: string): Promise<void> {
  const half = WINDOW_MS / 2;
  const rows: {
    example: string;
    tool: string;
    ranks: number[];
    above: boolean[];
    aa: number[];
    phi: number[];
    errors: string[];
  }[] = [];
  const shares: {
    example: string;
    tool: string;
    run: number;
    window: string;
    samples?: number;
    self: Record<string, number>;
  }[] = [];
  const mark = (groups: readonly (readonly Profile[])[]) => {
    const d = estimateDispersion(groups);
    return d.df > 0 && d.per === 'samples' ? { ...d, phi: Math.max(2, d.phi) } : d;
  };
  try {
    const pick = (list: string | undefined, name: string) =>
      list === undefined || list.split(',').includes(name);
    for (const example of EXAMPLES.filter((e) => pick(values.examples, e.name))) {
      const baseDir = path.join(root, 'examples', example.name);
      const headDir = path.join(baseDir, 'variants/regressed');
      for (const tool of RANKED.filter((t) => pick(values.tools, t))) {
        const row = {
          example: example.name,
          tool: LABEL[tool],
          ranks: [] as number[],
          above: [] as boolean[],
          aa: [] as number[],
          phi: [] as number[],
          errors: [] as string[],
        };
        rows.push(row);
        for (let run = 0; run < RUNS; run += 1) {
          const once = (dir: string, label: string) =>
            profileOnce(example, dir, `${example.name}-${tool}-${label}-${run}`, tool, pySpy, half);
          try {
            const a1 = await once(baseDir, 'a1');
            const b1 = await once(baseDir, 'b1');
            const h1 = await once(headDir, 'h1');
            const h2 = await once(headDir, 'h2');
            const b2 = await once(baseDir, 'b2');
            const a2 = await once(baseDir, 'a2');
            // Every window's self shares, for evaluating noise marks offline.
            for (const [label, p] of Object.entries({ a1, a2, b1, b2, h1, h2 })) {
              shares.push({
                example: example.name,
                tool,
                run,
                window: label,
                ...(p.sampleCount === undefined ? {} : { samples: p.sampleCount }),
                // Functions of at least 0.2% self share (the noise marks use 0.5% and up), to 6 digits (the file stays small).
                self: Object.fromEntries(
                  summarizeFunctions(p)
                    .filter((r) => r.self >= 0.002)
                    .map((r) => [r.key, Number(r.self.toFixed(6))]),
                ),
              });
            }
            const windows = { base: 2, head: 2 };
            const aaMark = mark([
              [a1, a2],
              [b1, b2],
            ]);
            const aa = diffFunctions(mergeProfiles([a1, a2]), mergeProfiles([b1, b2]), {
              dispersion: aaMark,
              windows,
            });
            const ab = diffFunctions(mergeProfiles([a1, a2]), mergeProfiles([h1, h2]), {
              dispersion: mark([
                [a1, a2],
                [h1, h2],
              ]),
              windows,
            });
            const index = ab.findIndex(
              (r) => r.frame.name === example.responsible && r.frame.file === 'app.py',
            );
            row.ranks.push(index + 1);
            row.above.push(index >= 0 && ab[index]?.noise === false);
            row.aa.push(aa.filter((r) => !r.noise).length);
            row.phi.push(Number(aaMark.phi.toFixed(2)));
            console.log(
              `${example.name} ${tool} run ${run + 1}: rank ${index + 1}, A/A rows above the mark ${row.aa.at(-1)} (φ ${aaMark.phi.toFixed(2)})`,
            );
          } catch (error) {
            row.errors.push(`run ${run + 1}: ${(error as Error).message}`);
          }
        }
      }
    }
  } finally {
    await launcher.stopAll();
    rmSync(work, { recursive: true, force: true });
  }
  const section = [
    '## Profile windows',
    '',
    `\`npm run bench:profiles -- --windows --runs ${RUNS}\`: the profiling phase as it runs by default, two ${half / 1000} s windows per side, each on a fresh server, ABBA order; the noise mark's variance multiplied by the dispersion measured between each side's windows (at least 2; φ of A/A shown). Same examples and regressions as "Profiles"; A/A is base against a second fresh base, each with its own two windows. The machine has 2 cores and was busy with other work.`,
    '',
    '| example | profiler | ranks of the responsible function | 1st or 2nd | above the mark | A/A rows above the mark | A/A φ |',
    '|---|---|---|--:|--:|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.example} | ${r.tool} | ${r.ranks.join(', ')}${r.errors.length ? ` (${r.errors.length} failed)` : ''} | ${r.ranks.filter((k) => k === 1 || k === 2).length} of ${r.ranks.length} | ${r.above.filter(Boolean).length} of ${r.ranks.length} | ${r.aa.join(', ')} | ${r.phi.join(', ')} |`,
    ),
    '',
  ].join('\n');
  writeFileSync(
    path.join(root, 'bench/results/profile-window-shares.json'),
    `${JSON.stringify({ runs: RUNS, windowMs: half, windows: shares })}\n`,
  );
  // A filtered run (--examples, --tools) is for study: it leaves BENCHMARKS.md alone.
  if (values.examples === undefined && values.tools === undefined) {
    writeResults(
      root,
      'profile-windows.json',
      { runs: RUNS, windowMs: half, rows },
      '## Profile windows',
      section,
    );
  }
  console.log(section);
}
const gate = saved ? saved.gate : values['skip-gate'] ? undefined : gateShare();
if (gate) console.log(`gate: profile ${gate.profileMs} ms of ${gate.totalMs} ms (${gate.verdict})`);

const results: ExampleResult[] =
  saved?.results.map((r) => ({
    ...r,
    throughput: { ...r.throughput, ratio: ratios(r.throughput.raw) },
  })) ?? [];
if (saved) rmSync(work, { recursive: true, force: true });
else
  try {
    for (const example of EXAMPLES) {
      const baseDir = path.join(root, 'examples', example.name);
      const headDir = path.join(baseDir, 'variants/regressed');
      const ranking: Record<RankedTool, RankingResult> = Object.fromEntries(
        RANKED.map((tool): [RankedTool, RankingResult] => [
          tool,
          {
            tool: LABEL[tool],
            command: commandFor(example, tool),
            ranks: [],
            aboveNoise: [],
            aaAboveNoise: [],
            errors: [],
          },
        ]),
      ) as Record<RankedTool, RankingResult>;
      for (let run = 0; run < RUNS; run += 1) {
        for (const tool of RANKED) {
          const r = ranking[tool];
          const stem = `${example.name}-${tool}`;
          try {
            const base = await profileOnce(example, baseDir, `${stem}-base-${run}`, tool, version);
            const head = await profileOnce(example, headDir, `${stem}-head-${run}`, tool, version);
            const again = await profileOnce(example, baseDir, `${stem}-again-${run}`, tool, version);
            const { rank, aboveNoise } = rankOf(example, base, head);
            r.ranks.push(rank);
            r.aboveNoise.push(aboveNoise);
            r.aaAboveNoise.push(diffFunctions(base, again).filter((row) => !row.noise).length);
            console.log(
              `${example.name} ${tool} run ${run + 1}: ${example.responsible} ranked ${rank}${aboveNoise ? '' : ' (noise)'}; A/A rows above noise: ${r.aaAboveNoise.at(-1)}`,
            );
          } catch (error) {
            r.errors.push(`run ${run + 1}: ${(error as Error).message}`);
            console.log(`${example.name} ${tool} run ${run + 1} failed: ${(error as Error).message}`);
          }
        }
      }

      // Cost: one plain server (none, py-spy both ways), one per bootstrap tool, all on base code.
      const bootstraps = Object.fromEntries(
        (['cprofile', 'yappi', 'tracemalloc'] as const).map((tool) => [
          tool,
          profilerFor(tool, version, COST_TIMEOUTS),
        ]),
      ) as Record<BootstrapTool, Profiler>;
      const servers: Partial<Record<CostVariant, RunningServer>> = {};
      const cost: Partial<Record<CostVariant, (number | null)[]>> = {};
      const opening: Partial<Record<CostVariant, number[]>> = {};
      const costErrors: string[] = [];
      const variants: CostVariant[] = [...COST_VARIANTS];
      if (commandFor(example, 'yappi') !== example.command) variants.push('none (/usr/bin/python3)');
      const bootstrapOf = (variant: CostVariant): Profiler | undefined =>
        variant === 'cProfile'
          ? bootstraps.cprofile
          : variant === 'yappi'
            ? bootstraps.yappi
            : variant === 'tracemalloc'
              ? bootstraps.tracemalloc
              : undefined;
      try {
        const plain = await serve(example.command, baseDir, `${example.name}-cost`);
        for (const variant of variants) {
          const bootstrap = bootstrapOf(variant);
          const server =
            variant.startsWith('py-spy') || variant === 'none'
              ? plain
              : variant === 'none (/usr/bin/python3)'
                ? await serve(SYSTEM_STDLIB, baseDir, `${example.name}-cost-system`)
                : await serve(
                    commandFor(example, variant === 'yappi' ? 'yappi' : ''),
                    baseDir,
                    `${example.name}-cost-${variant}`,
                    bootstrap?.launch?.('base'),
                  );
          servers[variant] = server;
          if (server !== plain || variant === 'none') await load.run(spec(server, example, 1000));
        }
        for (let round = 0; round < ROUNDS; round += 1) {
          // Rotated each round, so no variant always runs first or right after another.
          const order = variants.map((_, i) => variants[(i + round) % variants.length] as CostVariant);
          for (const variant of order) {
            const server = servers[variant];
            if (!server) continue;
            try {
              const rps = await throughputWith(
                server,
                example,
                variant,
                bootstrapOf(variant),
                round,
                opening,
              );
              (cost[variant] ??= []).push(rps);
              console.log(
                `${example.name} cost round ${round + 1} ${variant}: ${rps.toFixed(0)} req/s (window opened in ${opening[variant]?.at(-1) ?? 0} ms)`,
              );
            } catch (error) {
              (cost[variant] ??= []).push(NaN); // keeps the rounds aligned
              costErrors.push(`round ${round + 1} ${variant}: ${(error as Error).message}`);
              console.log(
                `${example.name} cost round ${round + 1} ${variant} failed: ${(error as Error).message}`,
              );
            }
          }
        }
      } finally {
        for (const server of new Set(Object.values(servers))) await server.stop();
        for (const profiler of Object.values(bootstraps)) await profiler.dispose?.();
      }
      const medians = Object.fromEntries(
        Object.entries(cost).map(([variant, xs]) => [variant, median(xs)]),
      ) as Partial<Record<CostVariant, number>>;
      results.push({
        example: example.name,
        responsible: example.responsible,
        ranking: RANKED.map((tool) => {
          const r = ranking[tool];
          return {
            ...r,
            firstOrSecond: r.ranks.filter((x) => x === 1 || x === 2).length,
            aboveNoiseCount: r.aboveNoise.filter(Boolean).length,
          };
        }),
        throughput: { medians, ratio: ratios(cost), raw: cost, openingMs: opening, errors: costErrors },
      });
      console.log(JSON.stringify(results.at(-1)));
      // Kept as the run goes, so a late failure loses no measurement.
      writeFileSync(
        `${RESULTS_FILE}.tmp`,
        JSON.stringify({ pySpy: version, runs: RUNS, rounds: ROUNDS, results, gate }, null, 2),
      );
    }
  } finally {
    await launcher.stopAll();
    rmSync(work, { recursive: true, force: true });
  }

const pct = (x: number | undefined) =>
  x === undefined || Number.isNaN(x) ? '–' : `${(x * 100).toFixed(0)}%`;
const seconds = (ms: number) => (Number.isNaN(ms) ? '–' : `${(ms / 1000).toFixed(1)} s`);
const stdlibYappi = pathPythonHasYappi
  ? ''
  : ' The pyenv `python3` the stdlib example runs has no yappi, so its yappi servers run `/usr/bin/python3 app.py` (Debian 3.11 with yappi from apt), and its yappi cost is a ratio to a plain `/usr/bin/python3` server’s throughput in the same round.';
/** What the tracemalloc window-opening medians say about its use in a gate (5 s: the phase's wait). */
function tracemallocOpening(): string {
  const medians = results.map((r) => median(r.throughput.openingMs.tracemalloc ?? []));
  if (medians.some((ms) => Number.isNaN(ms))) return '';
  const slowest = Math.max(...medians);
  return slowest <= 5000
    ? `: tracemalloc traces only during each window and opened it within ${seconds(slowest)} on every example, inside the phase's 5 s`
    : `: tracemalloc's slowest median, ${seconds(slowest)}, is above those 5 s, so \`profile.tool: tracemalloc\` cannot open its window on every example in a gate`;
}

const section = [
  '## Profiles: does the diff table name the regressed function, and what does each profiler cost (`npm run bench:profiles`)',
  '',
  `py-spy ${version}, cProfile, yappi and tracemalloc through perfgate's Profiler adapters (py-spy attaches; the others load into the server through the sitecustomize bootstrap), ${RUNS} runs per example and profiler: fresh base and regressed-head servers, 1 s warm-up, one ${WINDOW_MS / 1000} s profiled window each (py-spy at ${RATE_HZ} Hz, \`--subprocesses --gil --function --nonblocking\`), as the profiling phase runs it; A/A: base against a second fresh base. tracemalloc records memory growth, not CPU time, so it is not ranked.${stdlibYappi}`,
  '',
  '| example | function | profiler | ranks (1 = top row) | 1st or 2nd | above noise | A/A rows above noise |',
  '|---|---|---|---|--:|--:|---|',
  ...results.flatMap((r) =>
    r.ranking.map(
      (t) =>
        `| ${r.example} | \`${r.responsible}\` | ${t.tool}${t.command === SYSTEM_STDLIB ? ' (`/usr/bin/python3`)' : ''} | ${t.ranks.join(', ')}${t.errors.length ? ` (${t.errors.length} failed)` : ''} | ${t.firstOrSecond} of ${t.ranks.length} | ${t.aboveNoiseCount} of ${t.ranks.length} | ${t.aaAboveNoise.join(', ')} |`,
    ),
  ),
  '',
  `Cost: ${WINDOW_MS / 1000} s load windows on the base code with no profiler, py-spy \`--nonblocking\` and py-spy blocking (one plain server), cProfile, yappi and tracemalloc (each on its own server started with the bootstrap: cProfile is on from process start, yappi and tracemalloc only during the window), interleaved ${ROUNDS} times in rotated order; each window's throughput as a ratio to no profiler's in the same round, median over the rounds. The machine has 2 cores and other work runs on it, so these figures are noisy: differences of ±10% between runs of this benchmark are common, and a ratio above 100% is noise. "Window opens in" is the median time from asking the bootstrap to open a window to every process having opened it (the profiling phase waits at most 5 s; this benchmark waits longer)${tracemallocOpening()}.`,
  '',
  `| example | no profiler (req/s) | ${COST_VARIANTS.slice(1).join(' | ')} | window opens in: cProfile, yappi, tracemalloc |`,
  `|---|--:|${COST_VARIANTS.slice(1)
    .map(() => '--:')
    .join('|')}|--:|`,
  ...results.map(
    (r) =>
      `| ${r.example} | ${(r.throughput.medians.none ?? NaN).toFixed(0)} | ${COST_VARIANTS.slice(1)
        .map((v) => pct(r.throughput.ratio[v]))
        .join(' | ')} | ${(['cProfile', 'yappi', 'tracemalloc'] as const)
        .map((v) => seconds(median(r.throughput.openingMs[v] ?? [])))
        .join(', ')} |`,
  ),
  '',
  ...(gate
    ? [
        `Share of a gate's wall time: one default gate of \`npm run demo\` (the bundled CLI on the stdlib example, base against the regressed head, default \`profile\` config: ${gate.profiler ?? 'no profiler'}, one ${WINDOW_MS / 1000} s window per side on fresh servers), phase timings from report.json.`,
        '',
        '| verdict | pairs | profile phase | whole gate | profile share |',
        '|---|--:|--:|--:|--:|',
        `| ${gate.verdict} | ${gate.pairs} | ${(gate.profileMs / 1000).toFixed(1)} s | ${(gate.totalMs / 1000).toFixed(1)} s | ${pct(gate.share)} |`,
        '',
      ]
    : []),
].join('\n');
writeResults(
  root,
  'profiles.json',
  {
    pySpy: version,
    runs: RUNS,
    rounds: ROUNDS,
    windowMs: WINDOW_MS,
    pathPythonHasYappi,
    results,
    ...(gate ? { gate } : {}),
  },
  '## Profiles:',
  section,
);
rmSync(`${RESULTS_FILE}.tmp`, { force: true });
console.log(section);
