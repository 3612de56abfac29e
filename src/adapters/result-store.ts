/** Writes result files (report.json, report.md) into the output folder, atomically. */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ResultStore } from '../ports.js';

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
 * Creates the {@link ResultStore} for `dir` (resolved against the current directory; created on the
 * first write, with parents). `write` writes a temporary file beside the target and renames it over
 * the target, so a reader (or a crash) never sees half a report. `logPath(name)` is
 * `<dir>/logs/<name>`; the folder is created by whoever opens the log.
 * @throws Error from `write`/`logPath` when `name` is absolute or leaves `dir`; I/O errors as is.
 */
export function createResultStore(dir: string): ResultStore {
  const root = resolve(dir);
  return {
    dir: root,
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
      return inside(join(root, 'logs'), name);
    },
  };
}
