/** Writes result files (report.json, report.md) into the output folder, atomically. */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../errors.js';
import type { ResultStore } from '../ports.js';

/** The lock file `open` creates in the results folder: `{"pid":…,"startedAt":…}`. */
export const LOCK_FILE = '.perfgate.lock';

/** Resolves `name` inside `dir`, refusing names that would escape it (`../x`, absolute paths). */
function inside(dir: string, name: string): string {
  const target = resolve(dir, name);
  const rel = relative(dir, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new Error(`result file name ${JSON.stringify(name)} must be a relative path inside ${dir}`);
  }
  return target;
}

/**
 * Creates the {@link ResultStore} for `dir` (resolved against the current directory).
 *
 * - `open` creates the folder (with parents) and takes its lock by creating `.perfgate.lock`
 *   exclusively (`wx`). A lock left by a process that no longer runs (a killed run) is taken over; one
 *   held by a live process is refused. A PID the kernel has since reused for another process would
 *   read as live: the message names the lock file to delete.
 * - `write` writes a temporary file beside the target and renames it over the target, so a reader (or
 *   a crash) never sees half a report.
 * - `logPath(name)` is `<dir>/logs/<name>`; the folder is created by whoever opens the log, and the
 *   first call per name removes the earlier run's file.
 *
 * Why not a lock library (proper-lockfile): it refreshes an mtime on a timer to detect stale locks,
 * while a results folder belongs to one process whose liveness the kernel answers directly.
 *
 * @throws ConfigError from `open` naming the folder (unwritable, not a folder, or locked by a live
 *   run); Error from `write`/`logPath` when `name` is absolute or leaves `dir`; I/O errors as is.
 */
export function createResultStore(dir: string): ResultStore {
  const root = resolve(dir);
  const lockPath = join(root, LOCK_FILE);
  const logsHandedOut = new Set<string>();
  let locked = false;
  return {
    dir: root,
    async open() {
      try {
        await mkdir(root, { recursive: true });
      } catch (error) {
        throw unwritable(root, error);
      }
      const lock = JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() });
      for (let attempt = 0; attempt < 2; attempt += 1) {
        try {
          await writeFile(lockPath, lock, { flag: 'wx' });
          locked = true;
          return;
        } catch (error) {
          if (codeOf(error) !== 'EEXIST') throw unwritable(root, error);
        }
        const holder = await lockHolder(lockPath);
        if (holder !== undefined && holder.pid !== process.pid && isAlive(holder.pid)) {
          throw new ConfigError(
            `the results folder ${root} is in use by another perfgate run (PID ${holder.pid}, started ${holder.startedAt}).`,
            `give each run its own folder (--out), or wait for that run to finish; if no perfgate runs, delete ${lockPath}.`,
          );
        }
        await rm(lockPath, { force: true }); // a stale lock: its process is gone
      }
      throw new ConfigError(
        `could not take the lock ${lockPath}: another run keeps creating it.`,
        'give each run its own results folder (--out).',
      );
    },
    async close() {
      if (!locked) return;
      locked = false;
      await rm(lockPath, { force: true }).catch(() => undefined);
    },
    async write(name, content) {
      const target = inside(root, name);
      await mkdir(dirname(target), { recursive: true });
      const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await writeFile(temporary, content, 'utf8');
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return target;
    },
    logPath(name) {
      const target = inside(join(root, 'logs'), name);
      if (!logsHandedOut.has(target)) {
        logsHandedOut.add(target);
        rmSync(target, { force: true });
      }
      return target;
    },
  };
}

function unwritable(root: string, error: unknown): ConfigError {
  return new ConfigError(
    `cannot write the results folder ${root} (${codeOf(error) ?? String(error)}).`,
    'choose a folder this user can write (the CLI: --out DIR), or fix its permissions.',
  );
}

async function lockHolder(lockPath: string): Promise<{ pid: number; startedAt: string } | undefined> {
  try {
    const parsed = JSON.parse(await readFile(lockPath, 'utf8')) as { pid?: unknown; startedAt?: unknown };
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return undefined;
    return {
      pid: parsed.pid,
      startedAt: typeof parsed.startedAt === 'string' ? parsed.startedAt : 'at an unknown time',
    };
  } catch {
    return undefined; // unreadable or half-written: treated as stale
  }
}

/** Whether a process with this PID exists (EPERM: it exists but belongs to another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
}

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
