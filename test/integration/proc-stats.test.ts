import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RunError } from '../../src/errors.js';
import { createProcStats } from '../../src/adapters/proc-stats.js';
import { parseCpuTimes, stealBetween } from '../../src/adapters/cpu-steal.js';
import { parseProcStat } from '../../src/adapters/process-table.js';
import {
  chooseWindowCpu,
  createRuntimeTally,
  hasTaskRuntimes,
  parseSchedstat,
} from '../../src/adapters/task-runtime.js';
import { terminateGroup } from '../../src/adapters/process-group.js';
import type { TreeWindow } from '../../src/ports.js';

const burn = resolve(import.meta.dirname, '../fixtures/servers/burn.py');
const work = mkdtempSync(join(tmpdir(), 'perfgate-procstats-test-'));
// Threads that each burn a known CPU time once GO exists, then exit (or, with LINGER_THREADS 1, stay
// alive until the process exits), like a server's per-request or pooled threads.
const threads = join(work, 'threads.py');
writeFileSync(
  threads,
  `import os, sys, threading, time
go, done = sys.argv[1], sys.argv[2]
count, each, linger_threads = int(sys.argv[3]), float(sys.argv[4]), sys.argv[5] == "1"
while not os.path.exists(go):
    time.sleep(0.01)
burnt = threading.Barrier(count + 1)
def burn():
    start = time.thread_time()
    while time.thread_time() - start < each:
        pass
    if linger_threads:
        burnt.wait()
        time.sleep(30)
workers = [threading.Thread(target=burn, daemon=True) for _ in range(count)]
for worker in workers:
    worker.start()
if linger_threads:
    burnt.wait()
else:
    for worker in workers:
        worker.join()
open(done, "w").close()
time.sleep(30)
`,
);
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
    env: { ...process.env, DIR: dir, BURN: burn, THREADS: threads },
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
  stats = createProcStats({ sampleIntervalMs }),
): Promise<TreeWindow> {
  // Let python start (its start-up CPU falls before the window).
  await new Promise((done) => setTimeout(done, 400));
  const watch = await stats.watch(tree.pid);
  writeFileSync(tree.go, '');
  await waitFor(doneNames.map(tree.done));
  return watch.stop();
}

const burners = (window: TreeWindow, script = 'burn.py'): number[] =>
  window.processes.filter((process) => process.command.includes(script)).map((process) => process.cpuMs);

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
    // 400 ms of CPU each, plus the polling for the go file.
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

  it('reads a known burn to within a few ms, which 10 ms clock ticks cannot', async () => {
    // 25, 35 and 45 ms: a tick count reads a multiple of 10 ms, never within 3 ms above these.
    const tree = startTree(
      '/usr/bin/python3 $BURN $DIR/go $DIR/a 0.025 0 30 & /usr/bin/python3 $BURN $DIR/go $DIR/b 0.035 0 30 & ' +
        '/usr/bin/python3 $BURN $DIR/go $DIR/c 0.045 0 30 & wait',
    );
    const window = await measure(tree, ['a', 'b', 'c']);
    const each = burners(window).sort((a, b) => a - b);
    expect(each).toHaveLength(3);
    // Above the burn by the polling for the go file and the loop's exit: a fraction of a ms here.
    [25, 35, 45].forEach((burnMs, i) => {
      expect(each[i]).toBeGreaterThanOrEqual(burnMs - 0.5);
      expect(each[i]).toBeLessThan(burnMs + 3);
    });
    expect(window.cpuResolutionMs).toBeLessThan(0.001);
    expect(window.warnings).toEqual([]);
  });

  it('sums the CPU of every thread of a process', async () => {
    // Two threads of 25.5 ms that stay alive, as a thread pool's do: 51 ms and the threads' start-up
    // (about 3 ms here), short of the next multiple of a tick.
    const tree = startTree('/usr/bin/python3 $THREADS $DIR/go $DIR/done 2 0.0255 1');
    const window = await measure(tree, ['done']);
    const [total] = burners(window, 'threads.py');
    expect(total).toBeGreaterThanOrEqual(50.5);
    expect(total).toBeLessThan(59.5);
  });

  it('keeps the CPU of threads that lived and exited between two samples', async () => {
    // Samples 10 s apart: no reading ever sees the three 100 ms threads, only the process's ticks do.
    const tree = startTree('/usr/bin/python3 $THREADS $DIR/go $DIR/done 3 0.1 0');
    const window = await measure(tree, ['done'], 10_000);
    const [total] = burners(window, 'threads.py');
    // Δutime+stime is within two 10 ms ticks of the truth.
    expect(total).toBeGreaterThan(300 - 20);
    expect(total).toBeLessThan(300 + 30);
    expect(window.cpuResolutionMs).toBe(10);
  });

  it('keeps the CPU of threads that exited after samples saw them', async () => {
    const tree = startTree('/usr/bin/python3 $THREADS $DIR/go $DIR/done 3 0.2 0');
    const window = await measure(tree, ['done'], 50);
    const [total] = burners(window, 'threads.py');
    // The thread sum lacks each thread's last few ms; the ticks hold them to within two ticks.
    expect(total).toBeGreaterThan(600 - 20);
    expect(total).toBeLessThan(600 + 30);
  });

  it('finds per-thread run time on a kernel that keeps it', () => {
    // CONFIG_SCHED_INFO kernels (every distribution's) have the file; without it, ticks are used.
    expect(hasTaskRuntimes()).toBe(existsSync('/proc/self/schedstat'));
  });

  it('counts in clock ticks when asked, and says so in the first window only', async () => {
    const stats = createProcStats({ cpuClock: 'ticks' });
    const tree = startTree('/usr/bin/python3 $BURN $DIR/go $DIR/a 0.035 0 30');
    const first = await measure(tree, ['a'], 100, stats);
    expect(first.warnings).toHaveLength(1);
    expect(first.warnings?.[0]).toMatch(/clock ticks of 10 ms .*longer `duration`/);
    expect(first.cpuResolutionMs).toBe(10);
    for (const cpuMs of burners(first)) expect(cpuMs % 10).toBe(0);
    const second = await (await stats.watch(tree.pid)).stop();
    expect(second.warnings).toEqual([]);
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
    expect(facts.arch).toBe(process.arch);
    expect(facts.node).toBe(process.version);
    const python = execFileSync('python3', ['--version'], { encoding: 'utf8' }).trim();
    expect(python).toBe(`Python ${facts.python}`);
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

  it('reads a schedstat line and rejects anything else', () => {
    expect(parseSchedstat('30094462 11639257 68\n')).toEqual({
      runNs: 30094462,
      waitNs: 11639257,
      timeslices: 68,
    });
    expect(parseSchedstat('0 0 0')).toEqual({ runNs: 0, waitNs: 0, timeslices: 0 });
    expect(parseSchedstat('12 x 3')).toBeUndefined();
    expect(parseSchedstat('')).toBeUndefined();
  });

  it('tallies thread run time from the first reading, keeping threads that exit or whose tid is reused', () => {
    const tally = createRuntimeTally(false);
    tally.observe(
      new Map([
        [1, 1_000_000],
        [2, 5_000_000],
      ]),
    );
    tally.observe(
      new Map([
        [1, 3_000_000],
        [2, 9_000_000],
        [3, 700_000],
      ]),
    );
    // Thread 2 exits; tid 3 is reused by a new thread whose run time starts again near 0.
    tally.observe(
      new Map([
        [1, 4_000_000],
        [3, 200_000],
      ]),
    );
    expect(tally.windowNs()).toBe(3_000_000 + 4_000_000 + 700_000 + 200_000);
    const late = createRuntimeTally(true);
    late.observe(new Map([[7, 2_500_000]]));
    expect(late.windowNs()).toBe(2_500_000);
  });

  it('keeps the thread sum unless the ticks prove it missed time', () => {
    // Ticks within two ticks of the thread sum: the exact thread sum stands.
    expect(chooseWindowCpu(31_250_000, 5, 10)).toEqual({ cpuMs: 31.25, fromTicks: false });
    expect(chooseWindowCpu(31_250_000, 1, 10)).toEqual({ cpuMs: 31.25, fromTicks: false });
    // 300 ms of ticks against 12 ms seen in threads: exited threads' time, counted from the ticks.
    expect(chooseWindowCpu(12_000_000, 30, 10)).toEqual({ cpuMs: 300, fromTicks: true });
    // A thread seen to exit: the larger count, as the thread sum lacks its last moments.
    expect(chooseWindowCpu(283_500_000, 30, 10, true)).toEqual({ cpuMs: 300, fromTicks: true });
    expect(chooseWindowCpu(303_500_000, 30, 10, true)).toEqual({ cpuMs: 303.5, fromTicks: false });
    expect(chooseWindowCpu(undefined, 3, 10)).toEqual({ cpuMs: 30, fromTicks: true });
    expect(chooseWindowCpu(undefined, -2, 10)).toEqual({ cpuMs: 0, fromTicks: true });
  });

  it('computes steal as its share of all CPU ticks between two readings', () => {
    const before = parseCpuTimes('cpu  6254 0 3579 59606 331 0 154 1845 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n');
    const after = parseCpuTimes('cpu  6354 0 3629 59756 331 0 154 1945 0 0\n');
    expect(before).toEqual({ totalTicks: 6254 + 3579 + 59606 + 331 + 154 + 1845, stealTicks: 1845 });
    expect(stealBetween(before, after)).toBeCloseTo(100 / 400, 12);
    expect(stealBetween(after, after)).toBe(0);
  });
});
