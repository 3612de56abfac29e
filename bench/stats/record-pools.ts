/**
 * `npm run bench:stats:record [-- --pairs 120 --conditions aa,slowdown-10 --duration 2000
 *   --restart-every 1]`
 *
 * Records pools of real trials for the statistics evaluation (bench/stats/replay.ts): for each
 * condition, a base server (PERFGATE_SLOWDOWN=0) and a head server of examples/stdlib (the same
 * code, with the condition's slowdown; 0 for the A/A condition), warmed up, then `--pairs` base/head
 * pairs in the order perfgate itself would run them (src/plan/schedule.ts), measured with perfgate's
 * own adapters (autocannon load, /proc CPU). Both servers are started anew before every
 * `--restart-every`-th pair, each side warmed up right before its first trial on a fresh server (1, the default, is what a gate with `server.restart: pair` does;
 * 0 keeps one process per side for the whole pool). Conditions run one after another, so at most two
 * servers and the load generator share the machine. Each reading is appended to
 * `bench/pools/<condition>.jsonl` as soon as it is measured (a cut-short run keeps what it has).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { HttpScenario } from '../../src/config/types.js';
import type { RunningServer, ServerLauncher, TrialDeps } from '../../src/ports.js';
import { createAutocannonLoad } from '../../src/adapters/autocannon-load.js';
import { createProcStats } from '../../src/adapters/proc-stats.js';
import { createServerLauncher } from '../../src/adapters/server-launcher.js';
import { onTerminationSignal } from '../../src/adapters/signal-cleanup.js';
import { measureTrial, warmUp } from '../../src/measure/measure-trial.js';
import { planTrials, seedFromCommits } from '../../src/plan/schedule.js';
import { formatPoolHeader, POOL_FORMAT_VERSION, type PoolHeader } from './pool-file.js';
import { CONDITIONS, type Condition } from './conditions.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const example = 'examples/stdlib';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '120' },
    conditions: { type: 'string', default: CONDITIONS.map((c) => c.name).join(',') },
    duration: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '2000' },
    'restart-every': { type: 'string', default: '1' },
    connections: { type: 'string', default: '8' },
    out: { type: 'string', default: path.join(root, 'bench/pools') },
  },
});

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a positive integer, got ${text}`);
  return value;
}

const pairs = positiveInteger('pairs', values.pairs);
const durationMs = positiveInteger('duration', values.duration);
const warmupMs = Number(values.warmup);
const restartEvery = Number(values['restart-every']);
if (!Number.isInteger(restartEvery) || restartEvery < 0)
  throw new Error(`--restart-every must be 0 (never) or a positive integer, got ${values['restart-every']}`);
const connections = positiveInteger('connections', values.connections);
const chosen = values.conditions.split(',').map((name) => {
  const condition = CONDITIONS.find((c) => c.name === name.trim());
  if (!condition)
    throw new Error(`unknown condition ${name}; known: ${CONDITIONS.map((c) => c.name).join(', ')}`);
  return condition;
});

const scenario: HttpScenario = {
  name: 'search',
  path: '/search?tag=garden&q=solar+lamp&limit=20',
  method: 'GET',
  headers: {},
  connections,
  durationMs,
  warmupMs,
  pipelining: 1,
};
const deps: TrialDeps = {
  load: createAutocannonLoad(),
  stats: createProcStats(),
  clock: { now: () => Date.now() },
};
const logDir = path.join(os.tmpdir(), 'perfgate-pools-logs');
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}, ${os.release()}`;

async function startServer(
  launcher: ServerLauncher,
  condition: Condition,
  side: 'base' | 'head',
  slowdown: number,
): Promise<{ server: RunningServer; startMs: number }> {
  const port = await launcher.freePort();
  const started = Date.now();
  const server = await launcher.start({
    label: side,
    command: 'exec python3 app.py',
    cwd: path.join(root, example),
    env: { PORT: String(port), PERFGATE_SLOWDOWN: String(slowdown) },
    port,
    readyUrl: `http://127.0.0.1:${port}/healthz`,
    startupTimeoutMs: 30_000,
    logFile: path.join(logDir, `${condition.name}-${side}.log`),
  });
  return { server, startMs: Date.now() - started };
}

async function startPair(
  launcher: ServerLauncher,
  condition: Condition,
): Promise<{ servers: Record<'base' | 'head', RunningServer>; startMs: { base: number; head: number } }> {
  const [base, head] = await Promise.all([
    startServer(launcher, condition, 'base', 0),
    startServer(launcher, condition, 'head', condition.slowdown),
  ]);
  return {
    servers: { base: base.server, head: head.server },
    startMs: { base: base.startMs, head: head.startMs },
  };
}

async function recordCondition(launcher: ServerLauncher, condition: Condition): Promise<void> {
  const file = path.join(values.out, `${condition.name}.jsonl`);
  try {
    const first = await startPair(launcher, condition);
    let servers = first.servers;
    // As in a gate (src/targets/target-servers.ts): each side is warmed up right before its first
    // trial on a fresh server.
    let cold = new Set<string>(['base', 'head']);
    const startedAt = new Date().toISOString();
    const seed = seedFromCommits(condition.name, startedAt);
    const header: PoolHeader = {
      perfgatePool: POOL_FORMAT_VERSION,
      condition: condition.name,
      nominalSlowdown: condition.slowdown,
      example,
      scenario: { name: scenario.name, path: scenario.path, connections },
      trialDurationMs: durationMs,
      warmupMs,
      serverStartMs: first.startMs,
      restartEveryPairs: restartEvery,
      seed,
      startedAt,
      machine,
    };
    writeFileSync(file, formatPoolHeader(header) + '\n');
    for (const { pair, order } of planTrials(pairs, seed)) {
      if (restartEvery > 0 && pair > 0 && pair % restartEvery === 0) {
        await Promise.all([servers.base.stop(), servers.head.stop()]);
        servers = (await startPair(launcher, condition)).servers;
        cold = new Set(['base', 'head']);
      }
      const changes: string[] = [];
      const cpu: Record<string, number> = {};
      for (const [position, side] of order.entries()) {
        if (cold.delete(side)) await warmUp(deps, servers[side], scenario);
        const reading = await measureTrial(deps, servers[side], scenario, {
          side,
          pair,
          position: position === 0 ? 0 : 1,
        });
        appendFileSync(file, JSON.stringify(reading) + '\n');
        cpu[side] = reading.metrics.cpu_per_request;
      }
      if (cpu.base !== undefined && cpu.head !== undefined)
        changes.push(`cpu/req ${(100 * (cpu.head / cpu.base - 1)).toFixed(1)}%`);
      if ((pair + 1) % 10 === 0 || pair + 1 === pairs)
        console.log(
          `${new Date().toISOString()} ${condition.name}: pair ${pair + 1}/${pairs} ${changes.join(' ')} load ${os.loadavg()[0]?.toFixed(2)}`,
        );
    }
  } finally {
    await launcher.stopAll();
  }
}

async function main(): Promise<void> {
  mkdirSync(values.out, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const launcher = createServerLauncher();
  const dispose = onTerminationSignal(() => launcher.stopAll());
  try {
    for (const condition of chosen) {
      console.log(
        `${new Date().toISOString()} recording ${condition.name} (head slowdown ${condition.slowdown}): ${pairs} pairs of ${durationMs} ms trials`,
      );
      // A failed condition keeps the pairs it recorded; the next condition still runs.
      await recordCondition(launcher, condition).catch((error: unknown) => {
        console.error(`${condition.name} stopped early:`, error);
        process.exitCode = 1;
      });
    }
  } finally {
    await launcher.stopAll();
    dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
