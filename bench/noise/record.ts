/**
 * `npm run bench:noise:record [-- --rounds 30 --apps stdlib,flask --candidates inline-5s,duet-5s]`
 *
 * Records A/A pairs (identical code on both sides) under each measurement candidate
 * (bench/noise/candidates.ts), side by side: every round runs one pair of each candidate, in a
 * seeded random order, on fresh servers (as a gate with `server.restart: pair`), so steal, drift and
 * other jobs on the machine hit every candidate alike. Apps run one after the other. Each pair is
 * appended to `bench/pools/noise/<app>.jsonl` as soon as it is measured: its candidate, both
 * readings (src/model/results.ts), the load process's CPU per side (ms), the warm-up re-deals and
 * the pair's wall time from starting the servers to stopping them (ms).
 *
 * `--folders N` (layout bias, `npm run bench:layout`): base and head are served from two copies of
 * the app in fresh temporary folders named as perfgate names its worktrees (`perfgate-base-…`,
 * `perfgate-head-…`), new copies every N rounds: each set of copies stands for one gate's two
 * worktrees, and records carry its number (`folderSet`). Without it both sides run from the app's
 * own folder.
 */
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { HttpScenario } from '../../src/config/types.js';
import type { Side, TrialReading } from '../../src/model/results.js';
import type { LoadGenerator, LoadResult, RunningServer, ServerLauncher, TrialDeps } from '../../src/ports.js';
import { createAutocannonLoad } from '../../src/adapters/autocannon-load.js';
import { createLoadProcesses } from '../../src/adapters/load-process.js';
import { createProcStats } from '../../src/adapters/proc-stats.js';
import { createServerLauncher } from '../../src/adapters/server-launcher.js';
import { onTerminationSignal } from '../../src/adapters/signal-cleanup.js';
import { measureTrial, warmUp } from '../../src/measure/measure-trial.js';
import { createSeededRandom } from '../../src/stats/seeded-random.js';
import { APPS, CANDIDATES, type App, type Candidate } from './candidates.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '30' },
    apps: { type: 'string', default: APPS.map((a) => a.name).join(',') },
    candidates: { type: 'string', default: CANDIDATES.map((c) => c.name).join(',') },
    warmup: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '20261203' },
    out: { type: 'string', default: path.join(root, 'bench/pools/noise') },
    folders: { type: 'string' },
    connections: { type: 'string' },
  },
});

function pick<T extends { name: string }>(list: readonly T[], names: string, what: string): T[] {
  return names.split(',').map((name) => {
    const found = list.find((item) => item.name === name.trim());
    if (!found) throw new Error(`unknown ${what} ${name}; known: ${list.map((i) => i.name).join(', ')}`);
    return found;
  });
}

const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer`);
const warmupMs = Number(values.warmup);
const roundsPerFolderSet = values.folders === undefined ? undefined : Number(values.folders);
if (roundsPerFolderSet !== undefined && !(Number.isInteger(roundsPerFolderSet) && roundsPerFolderSet >= 1))
  throw new Error(`--folders must be a positive integer (rounds per set of folders)`);
const connections = values.connections === undefined ? undefined : Number(values.connections);
if (connections !== undefined && !(Number.isInteger(connections) && connections >= 1))
  throw new Error(`--connections must be a positive integer`);
// --connections replaces each app's own count, in its pool header as in its trials.
const apps = pick(APPS, values.apps, 'app').map((app) =>
  connections === undefined ? app : { ...app, connections },
);
const candidates = pick(CANDIDATES, values.candidates, 'candidate');
const logDir = path.join(os.tmpdir(), 'perfgate-noise-logs');
/** The app copies of the set of folders in use (`--folders`), removed when done or interrupted. */
const copies: string[] = [];
function removeCopies(): void {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
}
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, Node ${process.version}, ${os.release()}`;

/** Remembers each load's result, so the pair record can carry the load process's CPU. */
function tap(load: LoadGenerator): LoadGenerator & { last?: LoadResult } {
  const tapped: LoadGenerator & { last?: LoadResult } = {
    run: async (spec) => {
      const result = await load.run(spec);
      tapped.last = result;
      return result;
    },
  };
  return tapped;
}

async function startServer(
  launcher: ServerLauncher,
  app: App,
  side: Side,
  env: Readonly<Record<string, string>>,
  cwd: string,
): Promise<RunningServer> {
  const port = await launcher.freePort();
  return launcher.start({
    label: side,
    command: app.command,
    cwd,
    env: { ...env, PORT: String(port) },
    port,
    readyUrl: `http://127.0.0.1:${port}${app.ready}`,
    startupTimeoutMs: 30_000,
    logFile: path.join(logDir, `${app.name}-${side}.log`),
  });
}

interface Measured {
  readonly readings: Record<Side, TrialReading>;
  readonly clientCpuMs: Partial<Record<Side, number>>;
  readonly redeals: number;
}

async function measurePair(
  servers: Record<Side, RunningServer>,
  scenario: HttpScenario,
  candidate: Candidate,
  order: readonly [Side, Side],
  pair: number,
  loads: { inline: LoadGenerator; process: LoadGenerator },
): Promise<Measured> {
  const stats = createProcStats();
  const sideDeps = (): TrialDeps & { load: { last?: LoadResult } } => ({
    load: tap(loads[candidate.load]),
    stats,
    clock: { now: () => Date.now() },
  });
  const deps = { base: sideDeps(), head: sideDeps() };
  const where = (side: Side, position: 0 | 1) => ({ side, pair, position });
  let redeals = 0;
  const readings: Partial<Record<Side, TrialReading>> = {};
  if (candidate.schedule === 'duet') {
    const warm = await Promise.all(order.map((side) => warmUp(deps[side], servers[side], scenario)));
    redeals = warm.reduce((sum, w) => sum + w.redeals, 0);
    const measured = await Promise.all(
      order.map((side, position) =>
        measureTrial(deps[side], servers[side], scenario, where(side, position === 0 ? 0 : 1)),
      ),
    );
    for (const reading of measured) readings[reading.side] = reading;
  } else {
    for (const [position, side] of order.entries()) {
      redeals += (await warmUp(deps[side], servers[side], scenario)).redeals;
      readings[side] = await measureTrial(
        deps[side],
        servers[side],
        scenario,
        where(side, position === 0 ? 0 : 1),
      );
    }
  }
  const { base, head } = readings;
  if (!base || !head) throw new Error('a side was not measured');
  return {
    readings: { base, head },
    clientCpuMs: {
      ...(deps.base.load.last?.clientCpuMs === undefined ? {} : { base: deps.base.load.last.clientCpuMs }),
      ...(deps.head.load.last?.clientCpuMs === undefined ? {} : { head: deps.head.load.last.clientCpuMs }),
    },
    redeals,
  };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

async function recordApp(
  launcher: ServerLauncher,
  app: App,
  loads: { inline: LoadGenerator; process: LoadGenerator },
): Promise<void> {
  const file = path.join(values.out, `${app.name}.jsonl`);
  const random = createSeededRandom(Number(values.seed));
  writeFileSync(
    file,
    JSON.stringify({
      perfgateNoisePool: 1,
      app,
      candidates,
      warmupMs,
      seed: Number(values.seed),
      ...(roundsPerFolderSet === undefined ? {} : { roundsPerFolderSet }),
      command: `npm run bench:noise:record -- ${process.argv.slice(2).join(' ')}`,
      startedAt: new Date().toISOString(),
      machine,
    }) + '\n',
  );
  const own = path.join(root, app.example);
  let folders: Record<Side, string> = { base: own, head: own };
  for (let round = 0; round < rounds; round += 1) {
    const folderSet = roundsPerFolderSet === undefined ? undefined : Math.floor(round / roundsPerFolderSet);
    if (roundsPerFolderSet !== undefined && round % roundsPerFolderSet === 0) {
      removeCopies(); // the last set's servers are stopped
      const copy = (side: Side): string => {
        const dir = mkdtempSync(path.join(os.tmpdir(), `perfgate-${side}-`));
        cpSync(own, dir, { recursive: true, filter: (src) => !src.includes('__pycache__') });
        copies.push(dir);
        return dir;
      };
      folders = { base: copy('base'), head: copy('head') };
    }
    for (const candidate of shuffle(candidates, random)) {
      const scenario: HttpScenario = {
        name: 'aa',
        path: app.path,
        method: 'GET',
        headers: {},
        connections: app.connections,
        durationMs: candidate.durationMs,
        warmupMs,
        pipelining: 1,
      };
      const order: readonly [Side, Side] = random() < 0.5 ? ['base', 'head'] : ['head', 'base'];
      const startedMs = Date.now();
      const env: Record<string, string> =
        candidate.pairEnv === 'matched-hash-seed'
          ? { PYTHONHASHSEED: String(1 + Math.floor(random() * 4_294_967_294)) }
          : candidate.pairEnv === 'hash-seed-0'
            ? { PYTHONHASHSEED: '0' }
            : {};
      const [base, head] = await Promise.all([
        startServer(launcher, app, 'base', env, folders.base),
        startServer(launcher, app, 'head', env, folders.head),
      ]);
      const measured = await measurePair({ base, head }, scenario, candidate, order, round, loads);
      await Promise.all([base.stop(), head.stop()]);
      const record = {
        candidate: candidate.name,
        round,
        ...(folderSet === undefined ? {} : { folderSet, folders }),
        order,
        pairWallMs: Date.now() - startedMs,
        loadAverage: os.loadavg()[0],
        ...measured,
      };
      appendFileSync(file, JSON.stringify(record) + '\n');
      const change =
        measured.readings.head.metrics.cpu_per_request / measured.readings.base.metrics.cpu_per_request - 1;
      console.log(
        `${new Date().toISOString()} ${app.name} round ${round + 1}/${rounds}${folderSet === undefined ? '' : ` (folders ${folderSet})`} ${candidate.name}: cpu/req ${(100 * change).toFixed(1)}% in ${(record.pairWallMs / 1000).toFixed(1)} s, load ${record.loadAverage?.toFixed(2)}`,
      );
    }
  }
  removeCopies();
}

async function main(): Promise<void> {
  mkdirSync(values.out, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const launcher = createServerLauncher();
  const processes = createLoadProcesses();
  const loads = { inline: createAutocannonLoad(), process: processes };
  const dispose = onTerminationSignal(async () => {
    processes.close();
    await launcher.stopAll();
    removeCopies();
  });
  try {
    for (const app of apps) await recordApp(launcher, app, loads);
  } finally {
    processes.close();
    await launcher.stopAll();
    removeCopies();
    dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
