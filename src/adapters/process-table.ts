/**
 * Reads the Linux process table from /proc (proc(5)) and selects the processes that belong to a
 * server: its descendants and, when the root leads its process group or session, every member of
 * those. Synchronous on purpose: /proc reads are a few microseconds each and never block on disk.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One row of /proc/<pid>/stat, the fields perfgate uses. */
export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  /** Process group id. */
  readonly pgid: number;
  /** Session id. */
  readonly sid: number;
  /** One-letter state (`R`, `S`, `D`, `Z` zombie, `X` dead...). */
  readonly state: string;
  /** User-mode CPU time, in clock ticks (see `getconf CLK_TCK`). */
  readonly utimeTicks: number;
  /** Kernel-mode CPU time, in clock ticks. */
  readonly stimeTicks: number;
  /** Start time after boot in clock ticks: with `pid`, identifies a process despite PID reuse. */
  readonly startTicks: number;
  /** Resident set size, in pages. */
  readonly rssPages: number;
  /** Executable name as the kernel knows it (at most 15 characters). */
  readonly comm: string;
}

/**
 * Parses the text of /proc/<pid>/stat. The command name sits in parentheses and may itself contain
 * spaces and parentheses, so fields are counted from the last `)`.
 * @returns undefined when the text is not a stat line.
 */
export function parseProcStat(text: string): ProcessEntry | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const numberAt = (index: number): number => Number(rest[index]);
  // Indexes are proc(5) field numbers minus 3 (pid and comm precede `rest`).
  const entry: ProcessEntry = {
    pid,
    ppid: numberAt(1),
    pgid: numberAt(2),
    sid: numberAt(3),
    state: rest[0] ?? '?',
    utimeTicks: numberAt(11),
    stimeTicks: numberAt(12),
    startTicks: numberAt(19),
    rssPages: numberAt(21),
    comm: text.slice(open + 1, close),
  };
  const numeric = [
    entry.pid,
    entry.ppid,
    entry.pgid,
    entry.sid,
    entry.utimeTicks,
    entry.stimeTicks,
    entry.startTicks,
    entry.rssPages,
  ];
  return numeric.every(Number.isFinite) ? entry : undefined;
}

/** Reads one process's stat; undefined when it no longer exists. */
export function readProcess(pid: number): ProcessEntry | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every process currently in /proc (processes that vanish while the table is read are skipped). */
export function listProcesses(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readProcess(Number(name));
    if (entry) entries.push(entry);
  }
  return entries;
}

/**
 * The processes of the tree rooted at `rootPid`: the root, its descendants by parent link, and, when
 * the root leads its process group (or session), every member of that group (or session). The group
 * and session catch children whose parent exited and who were re-parented to init, e.g. jobs a shell
 * wrapper put in the background. They are consulted only when the root leads them, so watching an
 * ordinary process never sweeps in its siblings or the caller itself.
 */
export function selectTree(entries: readonly ProcessEntry[], rootPid: number): ProcessEntry[] {
  const root = entries.find((entry) => entry.pid === rootPid);
  const byParent = new Map<number, ProcessEntry[]>();
  for (const entry of entries) {
    const siblings = byParent.get(entry.ppid) ?? [];
    siblings.push(entry);
    byParent.set(entry.ppid, siblings);
  }
  const selected = new Map<number, ProcessEntry>();
  const add = (entry: ProcessEntry): void => {
    if (selected.has(entry.pid)) return;
    selected.set(entry.pid, entry);
    for (const child of byParent.get(entry.pid) ?? []) add(child);
  };
  if (root) add(root);
  for (const entry of entries) {
    if (entry.pgid === rootPid || entry.sid === rootPid) add(entry);
  }
  return [...selected.values()];
}

/** True for entries that still run (zombies and dead entries only wait to be reaped). */
export function isRunning(entry: ProcessEntry): boolean {
  return entry.state !== 'Z' && entry.state !== 'X' && entry.state !== 'x';
}

/**
 * The command line of `pid`, arguments joined by spaces and cut to `maxChars`; the kernel's `comm`
 * in brackets when the command line is empty (kernel threads, zombies) or unreadable.
 */
export function readCommandLine(pid: number, comm: string, maxChars = 120): string {
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    // The process exited between the listing and this read: fall back to its comm.
  }
  if (!text) return `[${comm}]`;
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/**
 * PIDs of the running processes whose environment holds `name=value` (read from
 * `/proc/<pid>/environ`; processes of other users, unreadable, are skipped), `exceptPid` excluded.
 * This is how a process that left its group and parent (setsid, `--daemon`, double fork) is found:
 * the environment survives fork, exec and setsid. A cgroup would need privileges a runner does not
 * grant, and a listening-port check misses workers and children that listen on nothing.
 */
export function processesWithVariable(name: string, value: string, exceptPid = process.pid): number[] {
  const needle = `${name}=${value}`;
  const found: number[] = [];
  for (const entry of listProcesses()) {
    if (entry.pid === exceptPid || !isRunning(entry)) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry.pid}/environ`, 'utf8');
    } catch {
      continue;
    }
    if (environ.split('\0').includes(needle)) found.push(entry.pid);
  }
  return found;
}
