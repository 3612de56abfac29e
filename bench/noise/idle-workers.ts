/**
 * `npm run bench:idle-workers [-- --runs 5 --connections 4,8,16,32]`
 *
 * How often a trial measures half a server: for pre-fork servers (gunicorn gthread, uvicorn
 * --workers) with 2 and 4 workers, at the connection counts users choose, each run starts a fresh
 * server, warms it up as a gate does (1 s, re-dealing connections up to twice while a worker took no
 * load: src/measure/measure-trial.ts warmUp), then measures one 2 s trial and counts it when a
 * worker still got (almost) no load (src/measure/find-idle-workers.ts). Strategies: `keep-alive`
 * (perfgate's load: connections opened 10 ms apart, kept for the whole trial) and `reconnect-N`
 * (autocannon's reconnectRate: each connection reconnects after N requests, so the kernel deals
 * them anew all the time). Runs interleave every configuration in seeded random order. Writes
 * bench/results/idle-workers.json and the section "Whole servers" of BENCHMARKS.md.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { HttpScenario } from '../../src/config/types.js';
import type { LoadGenerator, TrialDeps } from '../../src/ports.js';
import { createLoadProcesses } from '../../src/adapters/load-process.js';
import { createProcStats } from '../../src/adapters/proc-stats.js';
import { createServerLauncher } from '../../src/adapters/server-launcher.js';
import { onTerminationSignal } from '../../src/adapters/signal-cleanup.js';
import { findIdleWorkers, findWorkers } from '../../src/measure/find-idle-workers.js';
import { measureTrial, warmUp } from '../../src/measure/measure-trial.js';
import { createSeededRandom } from '../../src/stats/seeded-random.js';
import { median } from '../../src/stats/median.js';
import { writeResults } from '../stats/write-results.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    connections: { type: 'string', default: '4,8,16,32' },
    reconnect: { type: 'string', default: '100' },
    seed: { type: 'string', default: '20261203' },
  },
});
const runs = Number(values.runs);
const connectionCounts = values.connections.split(',').map(Number);
const reconnectRate = Number(values.reconnect);

interface ServerKind {
  readonly name: string;
  readonly example: string;
  readonly command: string;
  readonly path: string;
  readonly workers: number;
}
const SERVERS: readonly ServerKind[] = [2, 4].flatMap((workers) => [
  {
    name: `gunicorn gthread ${workers}×4`,
    example: 'examples/flask',
    command: `exec gunicorn -k gthread -w ${workers} --threads 4 -b 127.0.0.1:$PORT app:app`,
    path: '/api/customers/42/summary',
    workers,
  },
  {
    name: `uvicorn --workers ${workers}`,
    example: 'examples/fastapi',
    command: `exec /usr/bin/python3 -m uvicorn app:app --no-access-log --workers ${workers} --host 127.0.0.1 --port $PORT`,
    path: '/api/authors/42/stats',
    workers,
  },
]);
const STRATEGIES = ['keep-alive', `reconnect-${reconnectRate}`] as const;

interface Run {
  readonly server: string;
  readonly connections: number;
  readonly strategy: string;
  readonly redeals: number;
  /** Workers that got no load in the measured trial. */
  readonly idleWorkers: number;
  readonly workers: number;
  readonly cpuPerRequestMs: number;
  readonly throughput: number;
}

async function main(): Promise<void> {
  const launcher = createServerLauncher();
  const processes = createLoadProcesses();
  const dispose = onTerminationSignal(async () => {
    processes.close();
    await launcher.stopAll();
  });
  const random = createSeededRandom(Number(values.seed));
  const cells = SERVERS.flatMap((server) =>
    connectionCounts.flatMap((connections) =>
      STRATEGIES.map((strategy) => ({ server, connections, strategy })),
    ),
  );
  const results: Run[] = [];
  try {
    for (let run = 0; run < runs; run += 1) {
      const order = [...cells].sort(() => random() - 0.5);
      for (const { server, connections, strategy } of order) {
        const load: LoadGenerator =
          strategy === 'keep-alive'
            ? processes
            : { run: (spec) => processes.run({ ...spec, reconnectRate }) };
        const deps: TrialDeps = { load, stats: createProcStats(), clock: { now: () => Date.now() } };
        const scenario: HttpScenario = {
          name: 'idle',
          path: server.path,
          method: 'GET',
          headers: {},
          connections,
          durationMs: 2_000,
          warmupMs: 1_000,
          pipelining: 1,
        };
        const port = await launcher.freePort();
        const running = await launcher.start({
          label: 'base',
          command: server.command,
          cwd: path.join(root, server.example),
          env: { PORT: String(port) },
          port,
          readyUrl: `http://127.0.0.1:${port}/healthz`,
          startupTimeoutMs: 30_000,
          logFile: path.join(os.tmpdir(), 'perfgate-idle-workers.log'),
        });
        try {
          const warm = await warmUp(deps, running, scenario);
          const reading = await measureTrial(deps, running, scenario, {
            side: 'base',
            pair: run,
            position: 0,
          });
          const row: Run = {
            server: server.name,
            connections,
            strategy,
            redeals: warm.redeals,
            idleWorkers: findIdleWorkers(reading.processes).length,
            workers: findWorkers(reading.processes).length,
            cpuPerRequestMs: reading.metrics.cpu_per_request,
            throughput: reading.metrics.throughput,
          };
          results.push(row);
          console.log(JSON.stringify(row));
        } finally {
          await running.stop();
        }
      }
    }
  } finally {
    processes.close();
    await launcher.stopAll();
    dispose();
  }

  const rows = SERVERS.flatMap((server) =>
    connectionCounts.map((connections) => {
      const cell = (strategy: string) =>
        results.filter(
          (r) => r.server === server.name && r.connections === connections && r.strategy === strategy,
        );
      const keep = cell('keep-alive');
      const again = cell(`reconnect-${reconnectRate}`);
      const idle = (rs: Run[]) => `${rs.filter((r) => r.idleWorkers > 0).length}/${rs.length}`;
      const redealt = (rs: Run[]) => `${rs.filter((r) => r.redeals > 0).length}/${rs.length}`;
      const ratio =
        median(again.map((r) => r.cpuPerRequestMs)) / median(keep.map((r) => r.cpuPerRequestMs)) - 1;
      return `| ${server.name} | ${connections} | ${redealt(keep)} | ${idle(keep)} | ${idle(again)} | ${ratio >= 0 ? '+' : ''}${(100 * ratio).toFixed(1)}% |`;
    }),
  );
  const section = `## Whole servers: idle workers by server, workers and connections (\`npm run bench:idle-workers\`)

Date ${new Date().toISOString()}; ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}. Command: \`npm run bench:idle-workers -- --runs ${runs} --connections ${values.connections} --reconnect ${reconnectRate}\`. Raw results: \`bench/results/idle-workers.json\`.

Each run: a fresh server, perfgate's warm-up (1 s; while a worker took no load, up to two more warm-ups of 0.5 s on fresh connections), then one measured 2 s trial; "idle" = a worker used under 5% of the busiest worker's CPU in the trial (what a gate sets aside and measures again). All cells interleaved in seeded random order, ${runs} runs each; examples/flask under gunicorn, examples/fastapi under uvicorn.

| server | connections | warm-ups that re-dealt | trials with an idle worker (keep-alive, perfgate's load) | trials with an idle worker (reconnect every ${reconnectRate} requests) | CPU per request, reconnecting vs keep-alive (medians) |
| :-- | --: | --: | --: | --: | --: |
${rows.join('\n')}
`;
  writeResults(root, 'idle-workers.json', results, '## Whole servers: idle workers', section);
  console.log(section);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
