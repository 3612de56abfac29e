/**
 * perfgate's side of the file protocol its profiling bootstraps speak (the Python one in
 * src/adapters/bootstrap/sitecustomize.py describes it): one folder per side; each process that loaded
 * the bootstrap writes `ready-<pid>.json`; perfgate renames `control.json` into place to open or close
 * a window; each process acknowledges with `<window>-<pid>.started`, and `<window>-<pid>.done` once its
 * files for the window are written. Files, not signals, because a server owns its signals (gunicorn
 * uses HUP, USR1, USR2, TTIN, TTOU, WINCH) and a file reaches every process of a tree, however it
 * was started or detached.
 */
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { ProfilerUnavailableError } from '../errors.js';
import type { Side } from '../model/results.js';
import { isRunning, readProcess } from './process-table.js';

/** What a process wrote in `ready-<pid>.json`. */
export interface BootstrapProcess {
  readonly pid: number;
  /** The tool it runs (`cProfile`, `yappi 1.6.0`, `tracemalloc`, `node 20.11.0 inspector`). */
  readonly tool?: string;
  /** Why it cannot profile (its tool does not import); the process runs unprofiled. */
  readonly error?: string;
  /** A preferred tool that could not load, before the one that runs. */
  readonly fallback?: string;
  /** `python` 3.11.7, for the notice of a process that cannot profile. */
  readonly python?: string;
  readonly executable?: string;
}

/** Timing of the waits, in ms. */
export interface BootstrapTimeouts {
  /** Longest wait for every live process to open a window (default 5 000). */
  readonly startMs?: number;
  /** Longest wait for every process that opened it to write its files (default 20 000). */
  readonly finishMs?: number;
  /** Between looks at the folder (default 25). */
  readonly pollMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `pid` is a live, non-zombie process. */
function alive(pid: number): boolean {
  const entry = readProcess(pid);
  return entry !== undefined && isRunning(entry);
}

/** The control folder of one side's profiling-phase servers. */
export class BootstrapControl {
  private seq = 0;

  /** @param dir the side's folder (`$PERFGATE_PROFILE_DIR` of its servers). */
  constructor(
    readonly dir: string,
    private readonly timeouts: BootstrapTimeouts = {},
  ) {}

  /** Empties the folder before servers start with it (a stale ready file could name a reused PID). */
  reset(): void {
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  /** Every process that loaded the bootstrap and still runs. */
  processes(): BootstrapProcess[] {
    const found: BootstrapProcess[] = [];
    for (const name of this.list()) {
      const match = /^ready-(\d+)\.json$/.exec(name);
      if (match === null) continue;
      const pid = Number(match[1]);
      if (!alive(pid)) continue;
      const ready = this.readJson(name);
      if (ready !== undefined) found.push({ ...(ready as object), pid });
    }
    return found;
  }

  /**
   * Opens window `window` in every live process and resolves once each that can profile says it has.
   * @returns the processes profiling the window.
   * @throws ProfilerUnavailableError when no process loaded the bootstrap, none can profile (with
   *   their reason), or none answered in time.
   */
  async open(window: string, what: string): Promise<BootstrapProcess[]> {
    const loaded = this.processes();
    if (loaded.length === 0) {
      throw new ProfilerUnavailableError(
        `no process of the server loaded perfgate's ${what} bootstrap: the server is not a ${what} program, ` +
          `or its command resets the environment perfgate prepends to`,
      );
    }
    const able = loaded.filter((process) => process.tool !== undefined);
    if (able.length === 0) {
      throw new ProfilerUnavailableError(loaded[0]?.error ?? `no process of the server can profile`);
    }
    this.write({ state: 'start', window });
    const waiting = await this.waitFor(able, window, 'started', this.timeouts.startMs ?? 5_000);
    const opened = able.filter((process) => !waiting.includes(process));
    if (opened.length === 0) {
      throw new ProfilerUnavailableError(
        `the server's processes (PID ${able.map((p) => p.pid).join(', ')}) did not open the profiling window within ` +
          `${((this.timeouts.startMs ?? 5_000) / 1000).toFixed(0)} s`,
      );
    }
    return opened;
  }

  /**
   * Closes the window and waits until every process that opened it wrote its files (or exited).
   * @returns `<window>-<pid>` path stems (without extension) of the processes that finished.
   */
  async close(window: string, opened: readonly BootstrapProcess[]): Promise<string[]> {
    this.write({ state: 'stop', window });
    await this.waitFor(opened, window, 'done', this.timeouts.finishMs ?? 20_000);
    return opened
      .filter((process) => this.list().includes(`${window}-${process.pid}.done`))
      .map((process) => path.join(this.dir, `${window}-${process.pid}`));
  }

  /** Reads a JSON file of the folder; undefined when missing or not JSON. */
  readJson(name: string): unknown {
    try {
      return JSON.parse(readFileSync(path.join(this.dir, name), 'utf8'));
    } catch {
      return undefined;
    }
  }

  private list(): string[] {
    try {
      return readdirSync(this.dir);
    } catch {
      return [];
    }
  }

  private write(message: { state: 'start' | 'stop'; window: string }): void {
    this.seq += 1;
    const file = path.join(this.dir, 'control.json');
    const temporary = `${file}.tmp`;
    writeFileSync(temporary, JSON.stringify({ seq: this.seq, ...message }));
    renameSync(temporary, file);
  }

  /** Waits until each process wrote `<window>-<pid>.<suffix>` or exited; returns those that did neither. */
  private async waitFor(
    processes: readonly BootstrapProcess[],
    window: string,
    suffix: string,
    timeoutMs: number,
  ): Promise<BootstrapProcess[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const names = new Set(this.list());
      const pending = processes.filter((p) => !names.has(`${window}-${p.pid}.${suffix}`) && alive(p.pid));
      if (pending.length === 0 || Date.now() >= deadline) return pending;
      await sleep(this.timeouts.pollMs ?? 25);
    }
  }
}

/** A bootstrap installed in the results folder, with one control folder per side. */
export interface InstalledBootstrap {
  /** The bootstrap's copy, `<outDir>/profiles/raw/<runtime>/bootstrap/<file>`. */
  readonly script: string;
  /** The side's control folder (`<outDir>/profiles/raw/<runtime>/<side>`), made once. */
  readonly controlOf: (side: Side) => BootstrapControl;
  /** Removes `profiles/raw/<runtime>` and `profiles/raw` once empty; never throws. */
  readonly dispose: () => Promise<void>;
}

/**
 * Copies a bootstrap (`source`) into `<outDir>/profiles/raw/<runtime>/bootstrap/`, so servers load it
 * from the results folder, never from the action's own install.
 * @throws Error when it cannot be copied.
 */
export function installBootstrap(
  outDir: string,
  runtime: string,
  source: string,
  timeouts?: BootstrapTimeouts,
): InstalledBootstrap {
  const raw = path.join(outDir, 'profiles', 'raw', runtime);
  const script = path.join(raw, 'bootstrap', path.basename(source));
  mkdirSync(path.dirname(script), { recursive: true });
  copyFileSync(source, script);
  const controls: Partial<Record<Side, BootstrapControl>> = {};
  return {
    script,
    controlOf: (side) => (controls[side] ??= new BootstrapControl(path.join(raw, side), timeouts)),
    async dispose() {
      await rm(raw, { recursive: true, force: true }).catch(() => undefined);
      await rmdir(path.dirname(raw)).catch(() => undefined);
    },
  };
}
