import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RunError } from '../../src/errors.js';
import { createProcStats } from '../../src/adapters/proc-stats.js';
import { parseCpuTimes, stealBetween } from '../../src/adapters/cpu-steal.js';
import { parseProcStat } from '../../src/adapters/process-table.js';
import { terminateGroup } from '../../src/adapters/process-group.js';
import type { TreeWindow } from '../../src/ports.js';

const burn = resolve(import.meta.dirname, '../fixtures/servers/burn.py');
const work = mkdtempSync(join(tmpdir(), 'perfgate-procstats-test-'));
const groups: number[] = [];
let runs = 0;

/** Starts `script` under `sh -c` leading its own group, as the server launcher does. */
function startTree(script: string): { pid: number; go: string; done: (name: string) => string } {
  runs += 1;
  const dir = join(work, `run-${runs}`);
  const go = join(dir, 'go');
  const child = spawn('sh', ['-c', `mkdir -p ${dir}; ${script}`], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, DIR: dir, BURN: burn },
  });
  if (child.pid === undefined) throw new Error('sh did not start');
  groups.push(child.pid);
  return { pid: child.pid, go, done: (name) => join(dir, name) };
}

async function waitFor(files: readonly string[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!files.every((file) => existsSync(file))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${files.join(', ')}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

/** Opens a window, lets the tree work until its done files exist, closes the window. */
async function measure(
  tree: ReturnType<typeof startTree>,
  doneNames: readonly string[],
  sampleIntervalMs = 100,
): Promise<TreeWindow> {
  // Let python start (its start-up CPU falls before the window).
  await new Promise((done) => setTimeout(done, 400));
  const watch = await createProcStats({ sampleIntervalMs }).watch(tree.pid);
  writeFileSync(tree.go, '');
  await waitFor(doneNames.map(tree.done));
  return watch.stop();
}

const burners = (window: TreeWindow): number[] =>
  window.processes.filter((process) => process.command.includes('burn.py')).map((process) => process.cpuMs);

afterEach(async () => {
  await Promise.all(groups.splice(0).map((pid) => terminateGroup(pid, 1_000)));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('createProcStats', () => {
  it('counts the CPU time each process of the tree used during the window', async () => {
    const tree = startTree(
      '/usr/bin/python3 $BURN $DIR/go $DIR/a 0.4 0 30 & /usr/bin/python3 $BURN $DIR/go $DIR/b 0.4 0 30 & wait',
    );
    const window = await measure(tree, ['a', 'b']);
    const each = burners(window);
    expect(each).toHaveLength(2);
    // 400 ms of CPU each, read in 10 ms ticks, plus the polling for the go file.
    for (const cpuMs of each) expect(cpuMs).toBeGreaterThanOrEqual(390);
    for (const cpuMs of each) expect(cpuMs).toBeLessThan(600);
    expect(window.cpuMs).toBeCloseTo(
      window.processes.reduce((sum, process) => sum + process.cpuMs, 0),
      6,
    );
    const shell = window.processes.find((process) => process.pid === tree.pid);
    expect(shell?.command).toMatch(/^sh -c mkdir/);
    expect(window.processes.filter((process) => process.ppid === tree.pid)).toHaveLength(2);
    expect(window.stealFraction).toBeGreaterThanOrEqual(0);
    expect(window.stealFraction).toBeLessThanOrEqual(1);
    expect(window.loadAverage).toBeGreaterThanOrEqual(0);
  });

  it('counts a process that appeared during the window from zero', async () => {
    // Samples 10 s apart: the window's only readings are at its start (no child yet) and its end.
    const tree = startTree(
      'while [ ! -e $DIR/go ]; do sleep 0.02; done; /usr/bin/python3 $BURN $DIR/go $DIR/late 0.3 0 30',
    );
    const window = await measure(tree, ['late'], 10_000);
    const [late] = burners(window);
    expect(late).toBeGreaterThanOrEqual(300);
    expect(late).toBeLessThan(600);
  });

  it('keeps the last reading of a process that exited inside the window', async () => {
    // The child is started only once the window is open, and exits as soon as it is done.
    const tree = startTree(
      'while [ ! -e $DIR/go ]; do sleep 0.02; done; /usr/bin/python3 $BURN $DIR/go $DIR/late 0.3 0 0; touch $DIR/exited; sleep 30',
    );
    const window = await measure(tree, ['exited']);
    const [late] = burners(window);
    // Interpreter start-up counts too; the last ~100 ms sample interval before it exited may be lost.
    expect(late).toBeGreaterThanOrEqual(200);
    expect(late).toBeLessThan(600);
  });

  it('follows a process re-parented away from the tree through its process group', async () => {
    const tree = startTree('( /usr/bin/python3 $BURN $DIR/go $DIR/orphan 0.3 0 30 & ) ; sleep 30');
    await new Promise((done) => setTimeout(done, 200));
    const window = await measure(tree, ['orphan']);
    const orphan = window.processes.find((process) => process.command.includes('burn.py'));
    expect(orphan?.ppid).not.toBe(tree.pid);
    expect(orphan?.cpuMs).toBeGreaterThanOrEqual(290);
  });

  it('keeps the peak resident set of the tree, not its size at the end', async () => {
    const tree = startTree('/usr/bin/python3 $BURN $DIR/go $DIR/held 0 60 30');
    const window = await measure(tree, ['held']);
    expect(window.rssPeakBytes).toBeGreaterThan(60 * 1024 * 1024);
    // The block is freed before the done file appears: the process is small again at the end.
    const holder = window.processes.find((process) => process.command.includes('burn.py'));
    const statm = readFileSync(`/proc/${holder?.pid ?? -1}/statm`, 'utf8');
    expect(Number(statm.split(' ')[1]) * 4096).toBeLessThan(40 * 1024 * 1024);
  });

  it('watches only the descendants of a process that does not lead its group', async () => {
    const child = spawn('sleep', ['5'], { stdio: 'ignore' });
    try {
      const pid = child.pid ?? -1;
      const watch = await createProcStats().watch(pid);
      const window = await watch.stop();
      expect(window.processes.map((process) => [process.pid, process.command])).toEqual([[pid, 'sleep 5']]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses to watch a process that is not running', async () => {
    const child = spawn('true');
    await new Promise((done) => child.once('exit', done));
    await expect(createProcStats().watch(child.pid ?? -1)).rejects.toBeInstanceOf(RunError);
  });

  it('describes the machine', () => {
    const facts = createProcStats().machine();
    expect(facts.os).toMatch(/^Linux \d+\.\d+/);
    expect(facts.cores).toBe(availableParallelism());
    const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim();
    expect(facts.cpuModel).toBe(model ?? facts.cpuModel);
    expect(facts.cpuModel.length).toBeGreaterThan(0);
  });
});

describe('/proc parsing', () => {
  it('reads a stat line whose command name holds spaces and parentheses', () => {
    const line =
      '4242 (gunicorn: (worker) x) S 4200 4200 4100 0 -1 4194560 900 0 0 0 1234 56 0 0 20 0 5 0 987654 300000000 25600 18446744073709551615 1 1 0 0 0 0 0 16781312 17442 0 0 0 17 1 0 0 0 0 0';
    expect(parseProcStat(line)).toEqual({
      pid: 4242,
      ppid: 4200,
      pgid: 4200,
      sid: 4100,
      state: 'S',
      utimeTicks: 1234,
      stimeTicks: 56,
      startTicks: 987654,
      rssPages: 25600,
      comm: 'gunicorn: (worker) x',
    });
    expect(parseProcStat('not a stat line')).toBeUndefined();
  });

  it('computes steal as its share of all CPU ticks between two readings', () => {
    const before = parseCpuTimes('cpu  6254 0 3579 59606 331 0 154 1845 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n');
    const after = parseCpuTimes('cpu  6354 0 3629 59756 331 0 154 1945 0 0\n');
    expect(before).toEqual({ totalTicks: 6254 + 3579 + 59606 + 331 + 154 + 1845, stealTicks: 1845 });
    expect(stealBetween(before, after)).toBeCloseTo(100 / 400, 12);
    expect(stealBetween(after, after)).toBe(0);
  });
});
